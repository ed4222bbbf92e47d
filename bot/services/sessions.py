"""Booking, moving, cancelling and marking sessions (SE-1..5, SE-9, SE-10), for staff in
Telegram and the hub's IT operator at the command line.

Every change and its reminders happen in one transaction: a moved or cancelled session's
reminders are withdrawn with it, so none can go at the old time, even if Waypoint stops
between the two (SE-5). The young person hears at once, in concrete words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.actors import KnownStaff
from bot.domain.errors import SessionNotChangeable, SessionRefused
from bot.domain.reminders import Offset, format_offsets
from bot.domain.sessions import SessionProblem, SessionState, SessionWith, check_when, may_change
from bot.services.missed import flag_pattern
from bot.services.pausing import is_paused
from bot.services.ports import NewSession, UnitOfWork
from bot.services.records import SessionRecord, YoungPersonRecord
from bot.services.reminders import follow, plan_and_store, reminder_lines
from bot.services.session_access import (
    Booker,
    access_session,
    check_may_book,
    staff_told,
    young_person,
)
from bot.services.session_words import staff_values, staff_when, young_values
from bot.services.staff_words import staff_text


@dataclass(frozen=True)
class Booking:
    """A session to book: who, with whom, when (wall clock at its place) and where."""

    young_person_id: int
    with_kind: SessionWith
    local_start: datetime
    # The member of staff they see, or who goes with them to an outside appointment.
    staff_id: int | None = None
    minutes: int = 60
    weekly: bool = False
    place: str | None = None
    companion: str | None = None
    # None: the young person's profile decides (SE-3).
    reminders: tuple[Offset, ...] | None = None
    # None: the council's zone (Telegram tells us none of the young person's).
    zone: str | None = None


@dataclass(frozen=True)
class Booked:
    """A session booked or changed, and what became of its reminders and the young person's
    message."""

    session_id: int
    young_person_id: int
    starts_at: datetime
    reminders_due: int
    reminders_skipped: int
    # The young person sent /stop, so they were not told.
    told: bool


async def _zone(uow: UnitOfWork, person: YoungPersonRecord, zone: str | None) -> str:
    if zone is not None:
        return zone
    hub = await uow.organisations.hub_by_id(person.hub_id)
    return hub.council.timezone


async def do_book(uow: UnitOfWork, by: Booker, booking: Booking, *, now: datetime) -> Booked:
    """Book a session, plan its reminders and tell the young person at once (SE-3)."""
    async with uow:
        booked = await book(uow, by, booking, now=now)
        await uow.commit()
        return booked


async def book(uow: UnitOfWork, by: Booker, booking: Booking, *, now: datetime) -> Booked:
    """In the caller's unit of work: `do_book` (so a booking made with buttons and the end
    of its draft are one transaction: a second tap on "Book" cannot book twice)."""
    person = await young_person(uow, booking.young_person_id)
    await check_may_book(uow, by, person)
    zone = await _zone(uow, person, booking.zone)
    try:
        starts_at = check_when(
            booking.local_start,
            ZoneInfo(zone),
            timedelta(minutes=booking.minutes),
            now=now,
        )
    except SessionProblem as problem:
        raise SessionRefused(reason=problem.reason) from None
    staff_id = booking.staff_id
    if staff_id is None and isinstance(by, KnownStaff) and not booking.with_kind.outside:
        staff_id = by.staff_id
    session = await uow.sessions.new(
        NewSession(
            hub_id=person.hub_id,
            young_person_id=person.id,
            with_kind=booking.with_kind,
            staff_id=staff_id,
            companion=booking.companion,
            place=booking.place,
            local_start=booking.local_start,
            zone=zone,
            starts_at=starts_at,
            minutes=booking.minutes,
            weekly=booking.weekly,
            series_id=None,
            reminders=None if booking.reminders is None else format_offsets(booking.reminders),
        ),
        now=now,
    )
    if booking.weekly:
        session.series_id = session.id
    uow.sessions.record(session, "booked", at=now, by=by.actor)
    return await _after_change(uow, by, person, session, "session_booked", now=now)


async def _after_change(
    uow: UnitOfWork,
    by: Booker,
    person: YoungPersonRecord,
    session: SessionRecord,
    message_id: str,
    *,
    now: datetime,
) -> Booked:
    """Plan the reminders, tell the young person (unless they sent /stop), and tell staff."""
    plan = await plan_and_store(uow, person, session, now=now)
    told = not is_paused(person)
    if told:
        values = await young_values(uow, person, session, now=now)
        uow.postbox.to_young_person(person, message_id, values, now=now)
    await _tell_staff(uow, by, person, session, told=told, now=now)
    uow.audit.record(
        message_id.replace("session_", "session."),
        at=now,
        by=by.actor,
        hub_id=person.hub_id,
        subject_type="session",
        subject_id=session.id,
    )
    return Booked(session.id, person.id, session.starts_at, len(plan.due), len(plan.skipped), told)


async def _tell_staff(
    uow: UnitOfWork,
    by: Booker,
    person: YoungPersonRecord,
    session: SessionRecord,
    *,
    told: bool,
    now: datetime,
) -> None:
    """The booker (or the named worker, for the operator) hears what was booked, which
    reminders will go, and anything left out: nothing is skipped silently (SE-4)."""
    staff = await staff_told(uow, by, person)
    values = await staff_values(uow, person, session)
    reminders = await uow.sessions.reminders_of(session.id)
    values["reminders"] = reminder_lines(uow.postbox.catalogue, reminders, session.zone)
    told_id = "session_young_person_told" if told else "session_young_person_stopped"
    values["told"] = staff_text(uow.postbox.catalogue, told_id)
    uow.postbox.to_staff(staff, "session_changed_staff", values, now=now, about=person)


async def do_move(
    uow: UnitOfWork, by: Booker, session_id: int, local_start: datetime, *, now: datetime
) -> Booked:
    """Move a session: its reminders are worked out again in the same transaction (SE-5)."""
    async with uow:
        session, person = await access_session(uow, by, session_id)
        if not may_change(SessionState(session.state)):
            raise SessionNotChangeable(number=str(session.id))
        try:
            starts_at = check_when(
                local_start, ZoneInfo(session.zone), timedelta(minutes=session.minutes), now=now
            )
        except SessionProblem as problem:
            raise SessionRefused(reason=problem.reason) from None
        before = session.starts_at
        if session.weekly and not session.followed:
            # The weeks after stay in their slot: next week is made from this week's first.
            await follow(uow, session, now=now)
        await uow.sessions.withdraw_reminders(session.id, now=now)
        session.local_start, session.starts_at = local_start, starts_at
        session.state, session.changed_at = SessionState.MOVED, now
        uow.sessions.record(
            session, "moved", at=now, by=by.actor, detail=staff_when(before, session.zone)
        )
        moved = await _after_change(uow, by, person, session, "session_moved", now=now)
        await uow.commit()
        return moved


async def do_cancel(
    uow: UnitOfWork, by: Booker, session_id: int, *, now: datetime, series: bool = False
) -> Booked:
    """Cancel a session (and, with `series`, the weeks after it): every reminder not sent is
    withdrawn in the same transaction, and the young person is told (SE-5)."""
    async with uow:
        session, person = await access_session(uow, by, session_id)
        if not may_change(SessionState(session.state)):
            raise SessionNotChangeable(number=str(session.id))
        await uow.sessions.withdraw_reminders(session.id, now=now)
        session.state, session.changed_at = SessionState.CANCELLED, now
        if series:
            await _cancel_weeks_after(uow, by, session, now=now)
        uow.sessions.record(session, "cancelled", at=now, by=by.actor)
        told = not is_paused(person)
        if told:
            values = await young_values(uow, person, session, now=now)
            uow.postbox.to_young_person(person, "session_cancelled", values, now=now)
        await _tell_staff(uow, by, person, session, told=told, now=now)
        uow.audit.record(
            "session.cancelled",
            at=now,
            by=by.actor,
            hub_id=person.hub_id,
            subject_type="session",
            subject_id=session.id,
        )
        if not series:
            # A weekly session ended for good is a decision, not a pattern of missing.
            await flag_pattern(uow, person, now=now)
        await uow.commit()
        return Booked(session.id, person.id, session.starts_at, 0, 0, told)


async def _cancel_weeks_after(
    uow: UnitOfWork, by: Booker, session: SessionRecord, *, now: datetime
) -> None:
    """A weekly session cancelled for good: no week after it is made, and any already made
    is cancelled with its reminders."""
    session.weekly = False
    if session.series_id is None:
        return
    for later in await uow.sessions.ahead_in_series(session.series_id, after=session.starts_at):
        await uow.sessions.withdraw_reminders(later.id, now=now)
        later.state, later.changed_at, later.weekly = SessionState.CANCELLED, now, False
        uow.sessions.record(later, "cancelled", at=now, by=by.actor, detail=str(session.id))
