"""sessions and reminders: sessions (wall clock plus zone), their history and reminders; the
council's quiet hours and zone; a young person's reminder pause and birth date; outbox rows
that are reminders (checked again at send time) and silent ones

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.adapters.db.types import UTCDateTime

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_AHEAD = sa.text("state IN ('booked', 'moved')")
_TO_FOLLOW = sa.text("weekly AND NOT followed")
_PENDING = sa.text("state = 'pending'")


def upgrade() -> None:
    with op.batch_alter_table("councils", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("quiet_from_hour", sa.SmallInteger(), server_default="21", nullable=False)
        )
        batch_op.add_column(
            sa.Column("quiet_until_hour", sa.SmallInteger(), server_default="8", nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                "timezone", sa.String(length=64), server_default="Europe/London", nullable=False
            )
        )
    with op.batch_alter_table("young_people", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reminders_paused_until", UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("born_on", sa.Date(), nullable=True))
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reminder_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(
            sa.Column("silent", sa.Boolean(), server_default="0", nullable=False)
        )
    op.create_table(
        "sessions",
        sa.Column("id", _BIG_ID, nullable=False),
        sa.Column("hub_id", sa.Integer(), nullable=False),
        sa.Column("young_person_id", sa.Integer(), nullable=False),
        sa.Column("with_kind", sa.String(length=16), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("companion", sa.String(length=80), nullable=True),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("local_start", sa.DateTime(timezone=False), nullable=False),
        sa.Column("zone", sa.String(length=64), nullable=False),
        sa.Column("starts_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("weekly", sa.Boolean(), nullable=False),
        sa.Column("series_id", sa.BigInteger(), nullable=True),
        sa.Column("followed", sa.Boolean(), nullable=False),
        sa.Column("reminders", sa.String(length=32), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("changed_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["hub_id"], ["hubs.id"], name=op.f("fk_sessions_hub_id_hubs")),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_sessions_staff_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["young_person_id"],
            ["young_people.id"],
            name=op.f("fk_sessions_young_person_id_young_people"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sessions")),
    )
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_sessions_ahead",
            ["young_person_id", "starts_at"],
            unique=False,
            postgresql_where=_AHEAD,
            sqlite_where=_AHEAD,
        )
        batch_op.create_index(
            "ix_sessions_to_follow",
            ["starts_at"],
            unique=False,
            postgresql_where=_TO_FOLLOW,
            sqlite_where=_TO_FOLLOW,
        )
        batch_op.create_index(
            batch_op.f("ix_sessions_series_id"), ["series_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_sessions_young_person_id"), ["young_person_id"], unique=False
        )
    op.create_table(
        "session_events",
        sa.Column("id", _BIG_ID, nullable=False),
        sa.Column("session_id", sa.BigInteger(), nullable=False),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("actor_type", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_session_events_session_id_sessions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_events")),
    )
    with op.batch_alter_table("session_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_session_events_session_id"), ["session_id"], unique=False
        )
    op.create_table(
        "reminders",
        sa.Column("id", _BIG_ID, nullable=False),
        sa.Column("session_id", sa.BigInteger(), nullable=False),
        sa.Column("offset", sa.String(length=8), nullable=False),
        sa.Column("due_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("done_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_reminders_session_id_sessions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders")),
    )
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.create_index(
            "ix_reminders_due",
            ["due_at", "id"],
            unique=False,
            postgresql_where=_PENDING,
            sqlite_where=_PENDING,
        )
        batch_op.create_index(
            batch_op.f("ix_reminders_session_id"), ["session_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("reminders")
    op.drop_table("session_events")
    op.drop_table("sessions")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("silent")
        batch_op.drop_column("reminder_id")
    with op.batch_alter_table("young_people", schema=None) as batch_op:
        batch_op.drop_column("born_on")
        batch_op.drop_column("reminders_paused_until")
    with op.batch_alter_table("councils", schema=None) as batch_op:
        batch_op.drop_column("timezone")
        batch_op.drop_column("quiet_until_hour")
        batch_op.drop_column("quiet_from_hour")
