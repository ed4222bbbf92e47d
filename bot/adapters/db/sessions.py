"""Sessions, their history and their reminders, on SQLAlchemy."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.adapters.db.models import OutboxMessage, Reminder, Session, SessionEvent
from bot.domain.actors import Actor
from bot.domain.outbox import DeliveryState
from bot.domain.reminders import ReminderState
from bot.domain.sessions import AHEAD, LONGEST, MISSED, SessionState
from bot.services.ports import NewSession
from bot.services.records import SessionRecord

WITHDRAWN = "withdrawn"
_AHEAD = [state.value for state in AHEAD]
_IN_OUTBOX = [DeliveryState.PENDING.value, DeliveryState.SENDING.value]
_OVER = [SessionState.SEEN.value, *(state.value for state in MISSED)]
# The condition of the partial index ix_sessions_to_follow in its own words: SQLite uses a
# partial index only when the query states its condition the same way, and SQLAlchemy's
# "weekly IS 1" (or "= 1") is not, so each tick scanned and sorted every session.
_TO_FOLLOW = text("sessions.weekly AND NOT sessions.followed")
# ix_reminders_due's condition as a literal too: with the state as a bound parameter, a plan
# PostgreSQL caches for any value (a generic plan) cannot use the index and scans every reminder.
_PENDING = text(f"reminders.state = '{ReminderState.PENDING.value}'")


class Sessions:
    """Booked sessions and their reminders; staged in the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def new(self, session: NewSession, *, now: datetime) -> Session:
        """Book a session (its id is known on return)."""
        row = Session(
            hub_id=session.hub_id,
            young_person_id=session.young_person_id,
            with_kind=session.with_kind,
            staff_id=session.staff_id,
            companion=session.companion,
            place=session.place,
            local_start=session.local_start,
            zone=session.zone,
            starts_at=session.starts_at,
            minutes=session.minutes,
            weekly=session.weekly,
            series_id=session.series_id,
            followed=False,
            reminders=session.reminders,
            state=SessionState.BOOKED,
            created_at=now,
            changed_at=now,
        )
        self._session.add(row)
        await self._session.flush()
        return row

    async def get(self, session_id: int, *, for_update: bool = False) -> Session | None:
        """One session; `for_update` holds it against a second change at the same time."""
        if for_update:
            query = select(Session).where(Session.id == session_id).with_for_update()
            return await self._session.scalar(query)
        return await self._session.get(Session, session_id)

    async def ahead_for(
        self, young_person_id: int, *, now: datetime, limit: int
    ) -> Sequence[Session]:
        """Their sessions still ahead or under way, soonest first."""
        query = (
            select(Session)
            .where(
                Session.young_person_id == young_person_id,
                Session.state.in_(_AHEAD),
                # Through the partial index; the end is checked below (lengths differ).
                Session.starts_at > now - LONGEST,
            )
            .order_by(Session.starts_at, Session.id)
            .limit(limit + 8)
        )
        found = await self._session.scalars(query)
        return [s for s in found if _ends(s) > now][:limit]

    async def for_young_person(
        self, young_person_id: int, *, since: datetime, limit: int
    ) -> Sequence[Session]:
        """Every session of theirs starting after `since`, soonest first."""
        query = (
            select(Session)
            .where(Session.young_person_id == young_person_id, Session.starts_at >= since)
            .order_by(Session.starts_at, Session.id)
            .limit(limit)
        )
        return list(await self._session.scalars(query))

    async def before_latest_first(
        self, young_person_id: int, *, before: datetime, since: datetime, limit: int
    ) -> Sequence[Session]:
        """Their sessions starting from `since` and before `before`, the latest start first."""
        query = (
            select(Session)
            .where(
                Session.young_person_id == young_person_id,
                Session.starts_at >= since,
                Session.starts_at < before,
            )
            .order_by(Session.starts_at.desc(), Session.id.desc())
            .limit(limit)
        )
        return list(await self._session.scalars(query))

    async def listed(
        self, *, young_person_id: int | None, since: datetime, limit: int
    ) -> Sequence[Session]:
        """Sessions starting after `since`, everyone's or one young person's, soonest first
        (for the operator's `waypoint sessions list`)."""
        query = select(Session).where(Session.starts_at >= since)
        if young_person_id is not None:
            query = query.where(Session.young_person_id == young_person_id)
        query = query.order_by(Session.starts_at, Session.id).limit(limit)
        return list(await self._session.scalars(query))

    async def reminder_sent_at(self, reminder_ids: Sequence[int]) -> dict[int, datetime]:
        """When each of these queued reminders actually left, for those that have."""
        if not reminder_ids:
            return {}
        query = select(OutboxMessage.reminder_id, OutboxMessage.sent_at).where(
            OutboxMessage.reminder_id.in_(reminder_ids),
            OutboxMessage.state == DeliveryState.SENT.value,
        )
        found = await self._session.execute(query)
        return {
            reminder: sent for reminder, sent in found if reminder is not None and sent is not None
        }

    async def over_latest_first(
        self, young_person_id: int, *, now: datetime, limit: int
    ) -> Sequence[SessionState]:
        """States of their sessions that are over (marked once begun, or cancelled), the
        latest start first."""
        query = (
            select(Session.state)
            .where(
                Session.young_person_id == young_person_id,
                Session.state.in_(_OVER),
                or_(Session.starts_at <= now, Session.state == SessionState.CANCELLED.value),
            )
            .order_by(Session.starts_at.desc(), Session.id.desc())
            .limit(limit)
        )
        return list(await self._session.scalars(query))

    async def ahead_in_series(self, series_id: int, *, after: datetime) -> Sequence[Session]:
        """Weeks of a weekly session still ahead that start after `after` (locked)."""
        query = (
            select(Session)
            .where(
                Session.series_id == series_id,
                Session.state.in_(_AHEAD),
                Session.starts_at > after,
            )
            .order_by(Session.starts_at)
            .with_for_update()
        )
        return list(await self._session.scalars(query))

    async def to_follow(self, *, now: datetime, limit: int) -> Sequence[Session]:
        """Weekly sessions that have started whose next week is not made yet (locked)."""
        query = (
            select(Session)
            .where(_TO_FOLLOW, Session.starts_at <= now)
            .order_by(Session.starts_at, Session.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return list(await self._session.scalars(query))

    def record(
        self,
        session: SessionRecord,
        kind: str,
        *,
        at: datetime,
        by: Actor,
        detail: str | None = None,
    ) -> None:
        """Add one line to the session's history."""
        self._session.add(
            SessionEvent(
                session_id=session.id,
                at=at,
                kind=kind,
                actor_type=by.kind.value,
                actor_id=by.id,
                detail=detail,
            )
        )

    async def history(self, session_id: int) -> Sequence[SessionEvent]:
        """Every line of one session's history, oldest first."""
        query = (
            select(SessionEvent)
            .where(SessionEvent.session_id == session_id)
            .order_by(SessionEvent.at, SessionEvent.id)
        )
        return list(await self._session.scalars(query))

    def add_reminder(
        self,
        session: SessionRecord,
        offset: str,
        *,
        due_at: datetime,
        state: ReminderState,
        reason: str | None = None,
        now: datetime,
    ) -> None:
        """Add one reminder of a session."""
        done = None if state is ReminderState.PENDING else now
        self._session.add(
            Reminder(
                session_id=session.id,
                offset=offset,
                due_at=due_at,
                state=state,
                done_at=done,
                reason=reason,
            )
        )

    async def reminders_of(self, session_id: int) -> Sequence[Reminder]:
        """One session's reminders, by due time."""
        query = (
            select(Reminder)
            .where(Reminder.session_id == session_id)
            .order_by(Reminder.due_at, Reminder.id)
        )
        return list(await self._session.scalars(query))

    async def withdraw_reminders(self, session_id: int, *, now: datetime) -> int:
        """Withdraw its reminders not sent yet (and those left out at the old time), and stop
        those already in the outbox (SE-5):
        in the caller's transaction, so a move or cancel and its reminders change together."""
        waiting = [ReminderState.PENDING.value, ReminderState.QUEUED.value]
        queued = select(Reminder.id).where(
            Reminder.session_id == session_id, Reminder.state == ReminderState.QUEUED.value
        )
        await self._session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.reminder_id.in_(queued.scalar_subquery()),
                # One a sender has claimed too: it checks again just before sending.
                OutboxMessage.state.in_(_IN_OUTBOX),
            )
            .values(
                state=DeliveryState.FAILED.value,
                last_error=WITHDRAWN,
                text="",
                lease_owner=None,
                lease_until=None,
            )
            .execution_options(synchronize_session=False)
        )
        result = await self._session.execute(
            update(Reminder)
            .where(Reminder.session_id == session_id, Reminder.state.in_(waiting))
            .values(state=ReminderState.WITHDRAWN.value, done_at=now, reason=WITHDRAWN)
            .execution_options(synchronize_session=False)
        )
        # Those left out at the old time no longer apply either; why they were left out stays.
        await self._session.execute(
            update(Reminder)
            .where(
                Reminder.session_id == session_id, Reminder.state == ReminderState.SKIPPED.value
            )
            .values(state=ReminderState.WITHDRAWN.value)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def due_reminders(self, *, now: datetime, limit: int) -> Sequence[Reminder]:
        """Pending reminders whose moment has come, oldest first (locked, SKIP LOCKED)."""
        query = (
            select(Reminder)
            .where(_PENDING, Reminder.due_at <= now)
            .order_by(Reminder.due_at, Reminder.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return list(await self._session.scalars(query))

    async def last_reminded(self, young_person_id: int) -> Session | None:
        """The session of their most recent reminder handed to the outbox."""
        query = (
            select(Session)
            .join(Reminder, Reminder.session_id == Session.id)
            .where(
                Session.young_person_id == young_person_id,
                Reminder.state == ReminderState.QUEUED.value,
            )
            .order_by(Reminder.done_at.desc(), Reminder.id.desc())
            .limit(1)
        )
        return await self._session.scalar(query)


def _ends(session: Session) -> datetime:
    return session.starts_at + timedelta(minutes=session.minutes)
