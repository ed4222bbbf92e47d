"""goal drafts: a goal a coach or worker is making with a young person (/goal), kept in the
database so any instance can take the next message; one per member of staff, for 30 minutes

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-27 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.adapters.db.types import UTCDateTime

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "goal_drafts",
        sa.Column("staff_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("step", sa.String(length=16), nullable=False),
        sa.Column("young_person_id", sa.Integer(), nullable=False),
        sa.Column("words", sa.Text(), nullable=True),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_goal_drafts_staff_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["young_person_id"],
            ["young_people.id"],
            name=op.f("fk_goal_drafts_young_person_id_young_people"),
        ),
        sa.PrimaryKeyConstraint("staff_id", name=op.f("pk_goal_drafts")),
    )
    with op.batch_alter_table("goal_drafts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goal_drafts_expires_at"), ["expires_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("goal_drafts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goal_drafts_expires_at"))
    op.drop_table("goal_drafts")
