"""safety words: each council's lexicon additions and labelled examples, proposed and
approved by its safeguarding leads in the content studio (issue 16)

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-28 02:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.adapters.db.types import UTCDateTime

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "safety_words",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=True),
        sa.Column("label", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("proposed_by", sa.Integer(), nullable=False),
        sa.Column("proposed_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("approved_by", sa.Integer(), nullable=True),
        sa.Column("approved_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("changed_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.id"], name=op.f("fk_safety_words_council_id_councils")
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by"], ["staff.id"], name=op.f("fk_safety_words_proposed_by_staff")
        ),
        sa.ForeignKeyConstraint(
            ["approved_by"], ["staff.id"], name=op.f("fk_safety_words_approved_by_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safety_words")),
    )
    with op.batch_alter_table("safety_words", schema=None) as batch_op:
        batch_op.create_index("ix_safety_words_council_kind", ["council_id", "kind"])
        batch_op.create_index(
            "ix_safety_words_status_kind_council", ["status", "kind", "council_id", "changed_at"]
        )


def downgrade() -> None:
    with op.batch_alter_table("safety_words", schema=None) as batch_op:
        batch_op.drop_index("ix_safety_words_status_kind_council")
        batch_op.drop_index("ix_safety_words_council_kind")
    op.drop_table("safety_words")
