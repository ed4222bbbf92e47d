"""wording versions: each council's versions of messages' wording, written, checked and
approved by its therapists in the content studio (issue 16)

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-28 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.adapters.db.types import UTCDateTime

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "wording_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=100), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("easy", sa.Text(), nullable=True),
        sa.Column("standard", sa.Text(), nullable=True),
        sa.Column("symbols", sa.JSON(), nullable=False),
        sa.Column("buttons", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("written_by", sa.Integer(), nullable=True),
        sa.Column("written_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("approved_by", sa.Integer(), nullable=True),
        sa.Column("approved_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("english_version_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.id"], name=op.f("fk_wording_versions_council_id_councils")
        ),
        sa.ForeignKeyConstraint(
            ["written_by"], ["staff.id"], name=op.f("fk_wording_versions_written_by_staff")
        ),
        sa.ForeignKeyConstraint(
            ["approved_by"], ["staff.id"], name=op.f("fk_wording_versions_approved_by_staff")
        ),
        sa.ForeignKeyConstraint(
            ["english_version_id"],
            ["wording_versions.id"],
            name=op.f("fk_wording_versions_english_version_id_wording_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wording_versions")),
    )
    with op.batch_alter_table("wording_versions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_wording_versions_council_message", ["council_id", "message_id", "language"]
        )
        batch_op.create_index(
            "ix_wording_versions_status_council", ["status", "council_id", "changed_at"]
        )


def downgrade() -> None:
    with op.batch_alter_table("wording_versions", schema=None) as batch_op:
        batch_op.drop_index("ix_wording_versions_status_council")
        batch_op.drop_index("ix_wording_versions_council_message")
    op.drop_table("wording_versions")
