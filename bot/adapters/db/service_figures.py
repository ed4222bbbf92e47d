"""Queries behind a hub's service figures (*How we are doing*), in the caller's transaction.

Counts are made in SQL, one query a measure, with each row put in its week by a CASE over the
weeks' ends (given as instants, so a week with a clock change is as long as it really was):
the same SQL on SQLite and PostgreSQL. Medians and percentiles are not (SQLite has no
percentile function), so acknowledgement times come back as times, one row a concern, and
goal ratings as ratings: the domain counts those. No query returns a young person's id, name
or words.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.adapters.db.models import (
    Concern,
    ConcernEvent,
    Goal,
    GoalRating,
    OutboxMessage,
    Reminder,
    Session,
    Staff,
)
from bot.adapters.outbox.claims import TOO_LATE
from bot.domain.goals import Scale
from bot.domain.outbox import DeliveryState
from bot.domain.reminders import ReminderState
from bot.domain.service_figures import (
    GoalRatingFact,
    ReminderOutcome,
    SessionOutcome,
    ToldConcern,
    Week,
)
from bot.domain.sessions import SessionState

# The alert the ladder sends when a concern reaches its top (bot.services.concern_messages).
TOP_ALERT = "concern_alert_top"


def _week_of(column: Any, weeks: Sequence[Week]) -> ColumnElement[Any]:
    """The index of the week holding this instant (None outside them all)."""
    return case(
        *(
            (and_(column >= week.starts_at, column < week.ends_at), literal(index))
            for index, week in enumerate(weeks)
        ),
        else_=None,
    )


class ServiceFigures:
    """A hub's concerns, reminders, sessions and goal ratings, counted."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def told_concerns(
        self, hub_id: int, *, since: datetime, until: datetime
    ) -> list[ToldConcern]:
        """Concerns first alerted in the range, each with its first acknowledgement."""
        first_told = (
            select(ConcernEvent.concern_id, func.min(ConcernEvent.at).label("told_at"))
            .join(Concern, Concern.id == ConcernEvent.concern_id)
            .where(Concern.hub_id == hub_id, ConcernEvent.kind == "notified")
            .group_by(ConcernEvent.concern_id)
            .having(and_(func.min(ConcernEvent.at) >= since, func.min(ConcernEvent.at) < until))
            .subquery()
        )
        first_ack = (
            select(ConcernEvent.concern_id, func.min(ConcernEvent.id).label("event_id"))
            .where(ConcernEvent.kind == "acknowledged")
            .group_by(ConcernEvent.concern_id)
            .subquery()
        )
        top = (
            select(OutboxMessage.concern_id)
            .where(OutboxMessage.message_key == TOP_ALERT, OutboxMessage.hub_id == hub_id)
            .distinct()
            .subquery()
        )
        query = (
            select(
                first_told.c.told_at,
                ConcernEvent.at,
                Staff.name,
                top.c.concern_id.is_not(None),
            )
            .select_from(first_told)
            .outerjoin(first_ack, first_ack.c.concern_id == first_told.c.concern_id)
            .outerjoin(ConcernEvent, ConcernEvent.id == first_ack.c.event_id)
            .outerjoin(Staff, Staff.id == ConcernEvent.actor_id)
            .outerjoin(top, top.c.concern_id == first_told.c.concern_id)
            .order_by(first_told.c.told_at)
        )
        rows = await self._session.execute(query)
        return [
            ToldConcern(
                told_at=_utc(told_at),
                acknowledged_at=None if acked_at is None else _utc(acked_at),
                acknowledged_by=name,
                reached_top=bool(reached),
            )
            for told_at, acked_at, name, reached in rows
        ]

    async def reminder_outcomes(
        self, hub_id: int, weeks: Sequence[Week]
    ) -> dict[tuple[int, ReminderOutcome], int]:
        """Reminders due in each week, by what became of them."""
        if not weeks:
            return {}
        outcome = case(
            (Reminder.state == ReminderState.DROPPED.value, ReminderOutcome.TOO_LATE.value),
            (Reminder.state == ReminderState.SKIPPED.value, ReminderOutcome.SKIPPED.value),
            (OutboxMessage.state == DeliveryState.SENT.value, ReminderOutcome.SENT.value),
            (
                and_(
                    OutboxMessage.state == DeliveryState.FAILED.value,
                    OutboxMessage.last_error == TOO_LATE,
                ),
                ReminderOutcome.TOO_LATE.value,
            ),
            (OutboxMessage.state == DeliveryState.FAILED.value, ReminderOutcome.FAILED.value),
            else_=ReminderOutcome.WAITING.value,
        )
        each = (
            select(_week_of(Reminder.due_at, weeks).label("week"), outcome.label("outcome"))
            .join(Session, Session.id == Reminder.session_id)
            .outerjoin(
                OutboxMessage,
                and_(OutboxMessage.reminder_id == Reminder.id, OutboxMessage.part == 0),
            )
            .where(
                Session.hub_id == hub_id,
                Reminder.state != ReminderState.WITHDRAWN.value,
                Reminder.due_at >= weeks[0].starts_at,
                Reminder.due_at < weeks[-1].ends_at,
            )
            .subquery()
        )
        return {
            (week, ReminderOutcome(kind)): count for week, kind, count in await self._counted(each)
        }

    async def session_outcomes(
        self, hub_id: int, weeks: Sequence[Week], *, now: datetime
    ) -> dict[tuple[int, SessionOutcome], int]:
        """Sessions that started in each week, by how they were marked."""
        if not weeks:
            return {}
        outcome = case(
            (Session.state == SessionState.SEEN.value, SessionOutcome.SEEN.value),
            (Session.state == SessionState.NOT_SEEN.value, SessionOutcome.NOT_SEEN.value),
            else_=SessionOutcome.NOT_MARKED.value,
        )
        each = (
            select(_week_of(Session.starts_at, weeks).label("week"), outcome.label("outcome"))
            .where(
                Session.hub_id == hub_id,
                Session.state != SessionState.CANCELLED.value,
                Session.starts_at >= weeks[0].starts_at,
                Session.starts_at < weeks[-1].ends_at,
                # Sessions still to come are not counted; one already marked is, even early.
                or_(
                    Session.starts_at <= now,
                    Session.state.in_([SessionState.SEEN.value, SessionState.NOT_SEEN.value]),
                ),
            )
            .subquery()
        )
        return {
            (week, SessionOutcome(kind)): count for week, kind, count in await self._counted(each)
        }

    async def _counted(self, each: Any) -> list[tuple[int, str, int]]:
        query = (
            select(each.c.week, each.c.outcome, func.count())
            .where(each.c.week.is_not(None))
            .group_by(each.c.week, each.c.outcome)
        )
        rows = await self._session.execute(query)
        return [(int(week), str(kind), int(count)) for week, kind, count in rows]

    async def goal_ratings(
        self, hub_id: int, *, since: datetime, until: datetime
    ) -> list[GoalRatingFact]:
        """Every rating of the hub's goals that were rated in the range."""
        rated = (
            select(GoalRating.goal_id)
            .join(Goal, Goal.id == GoalRating.goal_id)
            .where(Goal.hub_id == hub_id, GoalRating.at >= since, GoalRating.at < until)
            .distinct()
        )
        query = (
            select(GoalRating.goal_id, GoalRating.scale, GoalRating.value, GoalRating.at)
            .where(GoalRating.goal_id.in_(rated), GoalRating.at < until)
            .order_by(GoalRating.at, GoalRating.id)
        )
        rows = await self._session.execute(query)
        return [
            GoalRatingFact(int(goal_id), Scale(scale), value, _utc(at))
            for goal_id, scale, value, at in rows
        ]


def _utc(at: datetime | str) -> datetime:
    """A time from a subquery or aggregate, which SQLite may give back as text, or without
    its zone."""
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
