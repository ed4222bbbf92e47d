"""young person's home: words kept for their worker (until sent or seen, then cleared) and
/stop's pause

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.adapters.db.types import UTCDateTime

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("young_people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kept_words", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("kept_since", UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("paused_at", UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("young_people", schema=None) as batch_op:
        batch_op.drop_column("paused_at")
        batch_op.drop_column("kept_since")
        batch_op.drop_column("kept_words")
