"""In-memory sessions, their history and their reminders, with the SQL repository's filters
and ordering (bot/adapters/db/sessions.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.domain.actors import Actor
from bot.domain.outbox import DeliveryState
from bot.domain.reminders import WAITING, ReminderState
from bot.domain.sessions import AHEAD, LONGEST, MISSED, SessionState
from bot.services.ports import NewSession
from bot.services.records import SessionRecord
from tests.unit.fake_records import (
    BookingDraft,
    GoalDraft,
    Reminder,
    Session,
    SessionEvent,
    Tables,
)
from tests.unit.fake_repositories import Ids

# What the SQL repository writes on a withdrawn reminder and on its stopped outbox row.
WITHDRAWN = "withdrawn"
_OVER = frozenset({SessionState.SEEN, *MISSED})


def _ends(session: Session) -> datetime:
    return session.starts_at + timedelta(minutes=session.minutes)


def _soonest(session: Session) -> tuple[datetime, int]:
    return (session.starts_at, session.id)


class FakeSessions:
    """Booked sessions and their reminders, in the unit of work's tables."""

    def __init__(self, tables: Tables, ids: Ids) -> None:
        self._t, self._ids = tables, ids

    async def new(self, session: NewSession, *, now: datetime) -> Session:
        """Book a session (its id is known on return)."""
        row = Session(
            self._ids(), session.hub_id, session.young_person_id, session.with_kind,
            session.staff_id, session.companion, session.place, session.local_start,
            session.zone, session.starts_at, session.minutes, session.weekly,
            session.series_id, session.reminders, created_at=now, changed_at=now,
        )  # fmt: skip
        return self._t.add(self._t.sessions, row)

    async def get(self, session_id: int, *, for_update: bool = False) -> Session | None:
        """One session (there is nobody to lock it against)."""
        return next((s for s in self._t.sessions if s.id == session_id), None)

    async def ahead_for(self, young_person_id: int, *, now: datetime, limit: int) -> list[Session]:
        """Their sessions still ahead or under way, soonest first."""
        found = [
            s
            for s in self._t.sessions
            if s.young_person_id == young_person_id
            and s.state in AHEAD
            and s.starts_at > now - LONGEST
            and _ends(s) > now
        ]
        return sorted(found, key=_soonest)[:limit]

    async def for_young_person(
        self, young_person_id: int, *, since: datetime, limit: int
    ) -> list[Session]:
        """Every session of theirs starting after `since`, soonest first."""
        found = [
            s
            for s in self._t.sessions
            if s.young_person_id == young_person_id and s.starts_at >= since
        ]
        return sorted(found, key=_soonest)[:limit]

    async def before_latest_first(
        self, young_person_id: int, *, before: datetime, since: datetime, limit: int
    ) -> list[Session]:
        """Their sessions starting from `since` and before `before`, the latest start first."""
        found = [
            s
            for s in self._t.sessions
            if s.young_person_id == young_person_id and since <= s.starts_at < before
        ]
        return sorted(found, key=_soonest, reverse=True)[:limit]

    async def over_latest_first(
        self, young_person_id: int, *, now: datetime, limit: int
    ) -> list[SessionState]:
        """States of their sessions that are over (marked once begun, or cancelled), the
        latest start first."""
        over = [
            s
            for s in self._t.sessions
            if s.young_person_id == young_person_id
            and s.state in _OVER
            and (s.starts_at <= now or s.state == SessionState.CANCELLED)
        ]
        latest = sorted(over, key=_soonest, reverse=True)[:limit]
        return [SessionState(s.state) for s in latest]

    async def ahead_in_series(self, series_id: int, *, after: datetime) -> list[Session]:
        """Weeks of a weekly session still ahead that start after `after`."""
        found = [
            s
            for s in self._t.sessions
            if s.series_id == series_id and s.state in AHEAD and s.starts_at > after
        ]
        return sorted(found, key=_soonest)

    async def to_follow(self, *, now: datetime, limit: int) -> list[Session]:
        """Weekly sessions that have started whose next week is not made yet."""
        found = [s for s in self._t.sessions if s.weekly and not s.followed and s.starts_at <= now]
        return sorted(found, key=_soonest)[:limit]

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
        event = SessionEvent(self._ids(), session.id, at, kind, by.kind.value, by.id, detail)
        self._t.add(self._t.session_events, event)

    async def history(self, session_id: int) -> list[SessionEvent]:
        """Every line of one session's history, oldest first."""
        lines = [e for e in self._t.session_events if e.session_id == session_id]
        return sorted(lines, key=lambda e: (e.at, e.id))

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
        """Add one reminder of a session (one not pending is done at once)."""
        done = None if state is ReminderState.PENDING else now
        reminder = Reminder(self._ids(), session.id, offset, due_at, state, done, reason)
        self._t.add(self._t.reminders, reminder)

    async def reminders_of(self, session_id: int) -> list[Reminder]:
        """One session's reminders, by due time."""
        found = [r for r in self._t.reminders if r.session_id == session_id]
        return sorted(found, key=lambda r: (r.due_at, r.id))

    async def withdraw_reminders(self, session_id: int, *, now: datetime) -> int:
        """Withdraw its reminders not sent yet (and those left out at the old time), and stop
        those already in the outbox (SE-5), as the SQL repository does: the outbox row fails
        and loses its text."""
        mine = [r for r in self._t.reminders if r.session_id == session_id]
        queued = {r.id for r in mine if r.state == ReminderState.QUEUED}
        for row in self._t.outbox:
            in_outbox = (DeliveryState.PENDING, DeliveryState.SENDING)
            if row.reminder_id in queued and row.state in in_outbox:
                row.state, row.last_error, row.text = DeliveryState.FAILED, WITHDRAWN, ""
                row.lease_owner = row.lease_until = None
        waiting = [r for r in mine if r.state in WAITING]
        for reminder in waiting:
            reminder.state, reminder.done_at = ReminderState.WITHDRAWN, now
            reminder.reason = WITHDRAWN
        # Those left out at the old time no longer apply either; why they were left out stays.
        for reminder in mine:
            if reminder.state == ReminderState.SKIPPED:
                reminder.state = ReminderState.WITHDRAWN
        return len(waiting)

    async def due_reminders(self, *, now: datetime, limit: int) -> list[Reminder]:
        """Pending reminders whose moment has come, oldest first."""
        due = [
            r for r in self._t.reminders if r.state == ReminderState.PENDING and r.due_at <= now
        ]
        return sorted(due, key=lambda r: (r.due_at, r.id))[:limit]

    async def last_reminded(self, young_person_id: int) -> Session | None:
        """The session of their most recent reminder handed to the outbox."""
        sessions = {s.id: s for s in self._t.sessions if s.young_person_id == young_person_id}
        queued = [
            r
            for r in self._t.reminders
            if r.session_id in sessions and r.state == ReminderState.QUEUED
        ]
        # A queued reminder always has its done_at (the moment it was handed over).
        latest = max(queued, key=lambda r: (r.done_at or r.due_at, r.id), default=None)
        return sessions[latest.session_id] if latest is not None else None


class FakeBookingDrafts:
    """Booking drafts, one per member of staff, as the SQL repository keeps them."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def get(self, staff_id: int, *, now: datetime) -> BookingDraft | None:
        """This member of staff's draft, unless it expired."""
        found = [d for d in self._t.drafts if d.staff_id == staff_id and d.expires_at > now]
        return found[0] if found else None

    async def start(self, staff_id: int, step: str, *, expires_at: datetime) -> BookingDraft:
        """A new draft for this member of staff, in place of any they had."""
        await self.forget(staff_id)
        return self._t.add(self._t.drafts, BookingDraft(staff_id, step, expires_at))

    async def forget(self, staff_id: int) -> None:
        """Their draft is done with."""
        self._t.drafts[:] = [d for d in self._t.drafts if d.staff_id != staff_id]

    async def forget_expired(self, now: datetime) -> None:
        """Drop every draft whose time ran out."""
        self._t.drafts[:] = [d for d in self._t.drafts if d.expires_at > now]


class FakeGoalDrafts:
    """Goal drafts, one per member of staff, as the SQL repository keeps them."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def get(self, staff_id: int, *, now: datetime) -> GoalDraft | None:
        """This member of staff's draft, unless it expired."""
        found = [d for d in self._t.goal_drafts if d.staff_id == staff_id and d.expires_at > now]
        return found[0] if found else None

    async def start(
        self, staff_id: int, young_person_id: int, step: str, *, expires_at: datetime
    ) -> GoalDraft:
        """A new draft for this member of staff, in place of any they had."""
        await self.forget(staff_id)
        draft = GoalDraft(staff_id, step, young_person_id, expires_at)
        return self._t.add(self._t.goal_drafts, draft)

    async def forget(self, staff_id: int) -> None:
        """Their draft is done with."""
        self._t.goal_drafts[:] = [d for d in self._t.goal_drafts if d.staff_id != staff_id]

    async def forget_expired(self, now: datetime) -> None:
        """Drop every draft whose time ran out."""
        self._t.goal_drafts[:] = [d for d in self._t.goal_drafts if d.expires_at > now]
