"""command menus: chats whose Telegram command menu is due to be set, so staff see their
role's commands (and young people theirs) after every change, from any instance

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.adapters.db.types import UTCDateTime

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "command_menus",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("due_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("chat_id", name=op.f("pk_command_menus")),
    )
    with op.batch_alter_table("command_menus", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_command_menus_due_at"), ["due_at"], unique=False)
    # Everyone already on Waypoint gets their menu at the first tick.
    op.execute(
        "INSERT INTO command_menus (chat_id, due_at) "
        "SELECT telegram_user_id, CURRENT_TIMESTAMP FROM staff WHERE active "
        "UNION SELECT telegram_user_id, CURRENT_TIMESTAMP FROM young_people"
    )


def downgrade() -> None:
    with op.batch_alter_table("command_menus", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_command_menus_due_at"))
    op.drop_table("command_menus")
