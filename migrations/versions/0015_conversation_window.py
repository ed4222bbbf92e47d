"""recent words: a young person's last few messages (up to 3, for five minutes), not only the
last, so a worry spread over several messages is heard as one (issue 14)

The kept words live five minutes at most, so the table is made again rather than altered:
what it held at the upgrade is dropped, as the minute tick would have dropped it.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-27 19:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.adapters.db.types import UTCDateTime

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _drop() -> None:
    with op.batch_alter_table("recent_words", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recent_words_at"))
    op.drop_table("recent_words")


def upgrade() -> None:
    _drop()
    op.create_table(
        "recent_words",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("young_person_id", sa.Integer(), nullable=False),
        sa.Column("words", sa.Text(), nullable=False),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["young_person_id"],
            ["young_people.id"],
            name=op.f("fk_recent_words_young_person_id_young_people"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recent_words")),
    )
    with op.batch_alter_table("recent_words", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recent_words_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_recent_words_young_person_id"), ["young_person_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("recent_words", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recent_words_young_person_id"))
    _drop()
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
