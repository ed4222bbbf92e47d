"""recent words: a young person's last message, for two minutes, so a worry split over two
messages is heard whichever instance handles the second one

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 10:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.adapters.db.types import UTCDateTime

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "recent_words",
        sa.Column("young_person_id", sa.Integer(), nullable=False),
        sa.Column("words", sa.Text(), nullable=False),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["young_person_id"],
            ["young_people.id"],
            name=op.f("fk_recent_words_young_person_id_young_people"),
        ),
        sa.PrimaryKeyConstraint("young_person_id", name=op.f("pk_recent_words")),
    )
    with op.batch_alter_table("recent_words", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recent_words_at"), ["at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("recent_words", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recent_words_at"))
    op.drop_table("recent_words")
