"""booking drafts: a session a member of staff is booking with buttons (/book), kept in the
database so any instance can take the next tap; one per member of staff, for 30 minutes

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.adapters.db.types import UTCDateTime

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "booking_drafts",
        sa.Column("staff_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("step", sa.String(length=16), nullable=False),
        sa.Column("young_person_id", sa.Integer(), nullable=True),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("minute", sa.SmallInteger(), nullable=True),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_booking_drafts_staff_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["young_person_id"],
            ["young_people.id"],
            name=op.f("fk_booking_drafts_young_person_id_young_people"),
        ),
        sa.PrimaryKeyConstraint("staff_id", name=op.f("pk_booking_drafts")),
    )
    with op.batch_alter_table("booking_drafts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_booking_drafts_expires_at"), ["expires_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("booking_drafts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_booking_drafts_expires_at"))
    op.drop_table("booking_drafts")
