"""goals a young person owns: their words in versions, ratings on their own scale, small
steps, a history, check-in times and the weekly digest; a young person's open question can
be about one thing of theirs (choice_ref)

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-27 15:52:14.149897
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.adapters.db.types import UTCDateTime


revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "goal_digests",
        sa.Column("young_person_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("due_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("since", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["young_person_id"],
            ["young_people.id"],
            name=op.f("fk_goal_digests_young_person_id_young_people"),
        ),
        sa.PrimaryKeyConstraint("young_person_id", name=op.f("pk_goal_digests")),
    )
    with op.batch_alter_table("goal_digests", schema=None) as batch_op:
        batch_op.create_index(
            "ix_goal_digests_due",
            ["due_at"],
            unique=False,
            postgresql_where=sa.text("due_at IS NOT NULL"),
            sqlite_where=sa.text("due_at IS NOT NULL"),
        )

    op.create_table(
        "goals",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("hub_id", sa.Integer(), nullable=False),
        sa.Column("young_person_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("area", sa.String(length=16), nullable=True),
        sa.Column("cadence", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("expressed_by_type", sa.String(length=16), nullable=False),
        sa.Column("expressed_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("changed_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_rated_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("next_check_in_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("asked_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("repeats", sa.SmallInteger(), nullable=False),
        sa.Column("review_asked_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["hub_id"], ["hubs.id"], name=op.f("fk_goals_hub_id_hubs")),
        sa.ForeignKeyConstraint(
            ["young_person_id"],
            ["young_people.id"],
            name=op.f("fk_goals_young_person_id_young_people"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goals")),
    )
    with op.batch_alter_table("goals", schema=None) as batch_op:
        batch_op.create_index(
            "ix_goals_check_in_due",
            ["next_check_in_at"],
            unique=False,
            postgresql_where=sa.text("next_check_in_at IS NOT NULL"),
            sqlite_where=sa.text("next_check_in_at IS NOT NULL"),
        )
        batch_op.create_index(
            batch_op.f("ix_goals_young_person_id"), ["young_person_id"], unique=False
        )

    op.create_table(
        "goal_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("goal_id", sa.BigInteger(), nullable=False),
        sa.Column("young_person_id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("actor_type", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["goal_id"], ["goals.id"], name=op.f("fk_goal_events_goal_id_goals")
        ),
        sa.ForeignKeyConstraint(
            ["young_person_id"],
            ["young_people.id"],
            name=op.f("fk_goal_events_young_person_id_young_people"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goal_events")),
    )
    with op.batch_alter_table("goal_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goal_events_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_goal_events_goal_id"), ["goal_id"], unique=False)

    op.create_table(
        "goal_ratings",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("goal_id", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("scale", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=16), nullable=False),
        sa.Column("baseline", sa.Boolean(), nullable=False),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("by_type", sa.String(length=16), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["goal_id"], ["goals.id"], name=op.f("fk_goal_ratings_goal_id_goals")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goal_ratings")),
    )
    with op.batch_alter_table("goal_ratings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goal_ratings_goal_id"), ["goal_id"], unique=False)

    op.create_table(
        "goal_steps",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("goal_id", sa.BigInteger(), nullable=False),
        sa.Column("words", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("changed_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("by_type", sa.String(length=16), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["goal_id"], ["goals.id"], name=op.f("fk_goal_steps_goal_id_goals")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goal_steps")),
    )
    with op.batch_alter_table("goal_steps", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goal_steps_goal_id"), ["goal_id"], unique=False)

    op.create_table(
        "goal_versions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("goal_id", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("words", sa.Text(), nullable=False),
        sa.Column("staff_words", sa.Text(), nullable=True),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("by_type", sa.String(length=16), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["goal_id"], ["goals.id"], name=op.f("fk_goal_versions_goal_id_goals")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goal_versions")),
        sa.UniqueConstraint("goal_id", "version", name=op.f("uq_goal_versions_goal_id")),
    )
    with op.batch_alter_table("goal_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goal_versions_goal_id"), ["goal_id"], unique=False)

    with op.batch_alter_table("young_people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("choice_ref", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("young_people", schema=None) as batch_op:
        batch_op.drop_column("choice_ref")

    with op.batch_alter_table("goal_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goal_versions_goal_id"))

    op.drop_table("goal_versions")
    with op.batch_alter_table("goal_steps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goal_steps_goal_id"))

    op.drop_table("goal_steps")
    with op.batch_alter_table("goal_ratings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goal_ratings_goal_id"))

    op.drop_table("goal_ratings")
    with op.batch_alter_table("goal_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goal_events_goal_id"))
        batch_op.drop_index(batch_op.f("ix_goal_events_at"))

    op.drop_table("goal_events")
    with op.batch_alter_table("goals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goals_young_person_id"))
        batch_op.drop_index(
            "ix_goals_check_in_due",
            postgresql_where=sa.text("next_check_in_at IS NOT NULL"),
            sqlite_where=sa.text("next_check_in_at IS NOT NULL"),
        )

    op.drop_table("goals")
    with op.batch_alter_table("goal_digests", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_goal_digests_due",
            postgresql_where=sa.text("due_at IS NOT NULL"),
            sqlite_where=sa.text("due_at IS NOT NULL"),
        )

    op.drop_table("goal_digests")
