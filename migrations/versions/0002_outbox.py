"""outbox

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 22:01:58.468394
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import bot.adapters.db.types


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('chat_pacing',
    sa.Column('chat_id', sa.BigInteger(), nullable=False),
    sa.Column('next_free_at', bot.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('chat_id', name=op.f('pk_chat_pacing'))
    )
    with op.batch_alter_table('chat_pacing', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chat_pacing_next_free_at'), ['next_free_at'], unique=False)

    op.create_table('send_budget',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('next_free_at', bot.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_send_budget'))
    )
    # The one shared budget row every sender locks; it must exist before any sender starts.
    op.execute(
        sa.text("INSERT INTO send_budget (id, next_free_at) VALUES (1, :epoch)").bindparams(
            sa.bindparam("epoch", datetime(2000, 1, 1, tzinfo=UTC), type_=sa.DateTime(timezone=True))
        )
    )
    op.create_table('outbox',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('lane', sa.SmallInteger(), nullable=False),
    sa.Column('chat_id', sa.BigInteger(), nullable=False),
    sa.Column('recipient_type', sa.String(length=16), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('hub_id', sa.Integer(), nullable=True),
    sa.Column('message_key', sa.String(length=64), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('reply_markup', sa.JSON(), nullable=True),
    sa.Column('idempotency_key', sa.String(length=128), nullable=True),
    sa.Column('alert_for_id', sa.BigInteger(), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('created_at', bot.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('not_before', bot.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('lease_owner', sa.String(length=64), nullable=True),
    sa.Column('lease_until', bot.adapters.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sent_at', bot.adapters.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('telegram_message_id', sa.BigInteger(), nullable=True),
    sa.Column('last_error', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['hub_id'], ['hubs.id'], name=op.f('fk_outbox_hub_id_hubs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_outbox_idempotency_key'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_due', ['lane', 'not_before', 'id'], unique=False, postgresql_where=sa.text("state IN ('pending', 'sending')"), sqlite_where=sa.text("state IN ('pending', 'sending')"))

    with op.batch_alter_table('young_people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unreachable_since', bot.adapters.db.types.UTCDateTime(timezone=True), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('young_people', schema=None) as batch_op:
        batch_op.drop_column('unreachable_since')

    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_due', postgresql_where=sa.text("state IN ('pending', 'sending')"), sqlite_where=sa.text("state IN ('pending', 'sending')"))

    op.drop_table('outbox')
    op.drop_table('send_budget')
    with op.batch_alter_table('chat_pacing', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chat_pacing_next_free_at'))

    op.drop_table('chat_pacing')
