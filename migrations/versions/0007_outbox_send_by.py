"""outbox send_by: a time-bound message (a reminder) is dropped, not sent late

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 10:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.adapters.db.types import UTCDateTime

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("send_by", UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("send_by")
