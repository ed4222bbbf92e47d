"""profiles and message parts

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 00:19:49.912858
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('part_of', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('part', sa.SmallInteger(), server_default='0', nullable=False))
        batch_op.create_index(batch_op.f('ix_outbox_part_of'), ['part_of'], unique=False)

    with op.batch_alter_table('young_people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('awaiting_choice', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('young_people', schema=None) as batch_op:
        batch_op.drop_column('awaiting_choice')

    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_part_of'))
        batch_op.drop_column('part')
        batch_op.drop_column('part_of')
