"""concerns

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 00:35:21.722546
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.adapters.db.types


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('concerns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hub_id', sa.Integer(), nullable=False),
    sa.Column('young_person_id', sa.Integer(), nullable=False),
    sa.Column('raised_at', bot.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=True),
    sa.Column('urgency', sa.String(length=8), nullable=False),
    sa.Column('words', sa.Text(), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('in_hours', sa.Boolean(), nullable=False),
    sa.Column('rung', sa.SmallInteger(), nullable=False),
    sa.Column('next_step_at', bot.adapters.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_at', bot.adapters.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_by', sa.Integer(), nullable=True),
    sa.Column('closed_at', bot.adapters.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['acknowledged_by'], ['staff.id'], name=op.f('fk_concerns_acknowledged_by_staff')),
    sa.ForeignKeyConstraint(['closed_by'], ['staff.id'], name=op.f('fk_concerns_closed_by_staff')),
    sa.ForeignKeyConstraint(['hub_id'], ['hubs.id'], name=op.f('fk_concerns_hub_id_hubs')),
    sa.ForeignKeyConstraint(['young_person_id'], ['young_people.id'], name=op.f('fk_concerns_young_person_id_young_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_concerns'))
    )
    with op.batch_alter_table('concerns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_concerns_hub_id'), ['hub_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_concerns_next_step_at'), ['next_step_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_concerns_young_person_id'), ['young_person_id'], unique=False)

    op.create_table('concern_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('concern_id', sa.Integer(), nullable=False),
    sa.Column('at', bot.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('actor_type', sa.String(length=16), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['concern_id'], ['concerns.id'], name=op.f('fk_concern_events_concern_id_concerns')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_concern_events'))
    )
    with op.batch_alter_table('concern_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_concern_events_concern_id'), ['concern_id'], unique=False)

    with op.batch_alter_table('councils', schema=None) as batch_op:
        batch_op.add_column(sa.Column('out_of_hours_phone', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('minutes_high', sa.Integer(), server_default='10', nullable=False))
        batch_op.add_column(sa.Column('minutes_other', sa.Integer(), server_default='60', nullable=False))
        batch_op.add_column(sa.Column('office_opens_hour', sa.SmallInteger(), server_default='9', nullable=False))
        batch_op.add_column(sa.Column('office_closes_hour', sa.SmallInteger(), server_default='17', nullable=False))
        batch_op.add_column(sa.Column('on_call_first', sa.Boolean(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('police_liaison', sa.Boolean(), server_default='0', nullable=False))

    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.add_column(sa.Column('away', sa.Boolean(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('cover_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_staff_cover_id_staff'), 'staff', ['cover_id'], ['id'])

    with op.batch_alter_table('young_people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('talking_until', bot.adapters.db.types.UTCDateTime(timezone=True), nullable=True))

    # A chronology is evidence: the database itself refuses to change or delete a line of it.
    if op.get_context().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION concern_events_append_only() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'concern_events is append-only'; END $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER concern_events_append_only BEFORE UPDATE OR DELETE ON concern_events "
            "FOR EACH ROW EXECUTE FUNCTION concern_events_append_only()"
        )
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER concern_events_no_{action.lower()} BEFORE {action} "
                "ON concern_events BEGIN SELECT RAISE(ABORT, 'concern_events is append-only'); END"
            )



def downgrade() -> None:
    with op.batch_alter_table('young_people', schema=None) as batch_op:
        batch_op.drop_column('talking_until')

    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_staff_cover_id_staff'), type_='foreignkey')
        batch_op.drop_column('cover_id')
        batch_op.drop_column('away')

    with op.batch_alter_table('councils', schema=None) as batch_op:
        batch_op.drop_column('police_liaison')
        batch_op.drop_column('on_call_first')
        batch_op.drop_column('office_closes_hour')
        batch_op.drop_column('office_opens_hour')
        batch_op.drop_column('minutes_other')
        batch_op.drop_column('minutes_high')
        batch_op.drop_column('out_of_hours_phone')

    with op.batch_alter_table('concern_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_concern_events_concern_id'))

    op.drop_table('concern_events')
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP FUNCTION concern_events_append_only()")
    with op.batch_alter_table('concerns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_concerns_young_person_id'))
        batch_op.drop_index(batch_op.f('ix_concerns_next_step_at'))
        batch_op.drop_index(batch_op.f('ix_concerns_hub_id'))

    op.drop_table('concerns')
