"""Session reminders: planned when a session is booked or moved, sent by a tick (SE-3..8).

The tick claims due reminders with `FOR UPDATE SKIP LOCKED`, so instances share them and none
is sent twice (SE-12); its cost follows what is due, not how many sessions are stored. Each is
checked again at its moment: a session no longer ahead, a young person who paused reminders
or sent /stop, or a moment long past while Waypoint was down, and it is left out and recorded
instead. A weekly session's next week is made by the same tick once a week has begun.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time
from zoneinfo import ZoneInfo

from bot.content.catalogue import Catalogue
from bot.domain.actors import SYSTEM
from bot.domain.outbox import Lane
from bot.domain.reminders import (
    Offset,
    Plan,
    QuietHours,
    ReminderState,
    Skip,
    next_quiet,
    parse_offsets,
    plan_reminders,
    quiet_at,
    send_by,
    still_worth_sending,
)
from bot.domain.sessions import AHEAD, SessionState, instant, next_week, wall_clock
from bot.i18n.dates import concrete_datetime
from bot.services.pausing import is_paused
from bot.services.people import profile_of
from bot.services.ports import NewSession, UnitOfWork
from bot.services.records import ReminderRecord, SessionRecord, YoungPersonRecord
from bot.services.session_words import young_values
from bot.services.staff_words import staff_text

# Reminders a day or more ahead, and those on the day (content/messages/sessions.toml).
DAY_REMINDER, SOON_REMINDER = "session_reminder", "session_reminder_soon"
REMINDERS = frozenset({DAY_REMINDER, SOON_REMINDER})
# How many reminders (or weekly sessions) one tick's transaction takes at most.
BATCH = 100
# The reason kept on a reminder that quiet hours brought earlier.
MOVED_EARLIER = "quiet"


async def quiet_hours_for(uow: UnitOfWork, person: YoungPersonRecord) -> list[QuietHours]:
    """The council's quiet hours and the young person's own, if they have any (SE-7)."""
    hub = await uow.organisations.hub_by_id(person.hub_id)
    council = hub.council
    hours = [QuietHours(time(council.quiet_from_hour), time(council.quiet_until_hour))]
    own = profile_of(person).quiet
    return [*hours, own] if own is not None else hours


def offsets_for(person: YoungPersonRecord, session: SessionRecord) -> tuple[Offset, ...]:
    """The session's own reminder offsets, else the young person's profile's (SE-3)."""
    if session.reminders is not None:
        return parse_offsets(session.reminders)
    return profile_of(person).reminders


async def plan_and_store(
    uow: UnitOfWork, person: YoungPersonRecord, session: SessionRecord, *, now: datetime
) -> Plan:
    """In the caller's unit of work: work out a session's reminders and store them, those
    left out too (the worker is shown them: nothing is skipped silently, SE-4)."""
    plan = plan_reminders(
        session.local_start,
        ZoneInfo(session.zone),
        offsets_for(person, session),
        quiet=await quiet_hours_for(uow, person),
        now=now,
    )
    for planned in plan.due:
        uow.sessions.add_reminder(
            session,
            str(planned.offset),
            due_at=planned.due_at,
            state=ReminderState.PENDING,
            reason=MOVED_EARLIER if planned.moved else None,
            now=now,
        )
    for skipped in plan.skipped:
        # Never due: kept with the session's start so the worker sees it beside the others.
        uow.sessions.add_reminder(
            session,
            str(skipped.offset),
            due_at=session.starts_at,
            state=ReminderState.SKIPPED,
            reason=skipped.why.value,
            now=now,
        )
    return plan


def reminder_lines(catalogue: Catalogue, reminders: Sequence[ReminderRecord], zone: str) -> str:
    """One line per reminder for staff: when it goes, or why it will not."""
    lines = []
    for reminder in reminders:
        if reminder.state is ReminderState.PENDING:
            moved = reminder.reason == MOVED_EARLIER
            lines.append(
                staff_text(
                    catalogue,
                    "session_reminder_moved_line" if moved else "session_reminder_line",
                    offset=reminder.offset,
                    when=concrete_datetime(reminder.due_at, ZoneInfo(zone)),
                )
            )
        elif reminder.state is ReminderState.SKIPPED:
            why = staff_text(catalogue, f"session_skip_{reminder.reason}")
            lines.append(
                staff_text(
                    catalogue, "session_reminder_skipped_line", offset=reminder.offset, why=why
                )
            )
    return "\n".join(lines) or staff_text(catalogue, "session_no_reminders")


async def try_remind_due(uow: UnitOfWork, *, now: datetime, limit: int = BATCH) -> int:
    """Send (queue) the reminders whose moment has come; returns how many were taken, so the
    tick goes on while a full batch came back."""
    async with uow:
        due = await uow.sessions.due_reminders(now=now, limit=limit)
        for reminder in due:
            await _remind(uow, reminder, now=now)
        await uow.commit()
        return len(due)


async def _remind(uow: UnitOfWork, reminder: ReminderRecord, *, now: datetime) -> None:
    """One due reminder: queued for the young person, or left out and recorded."""
    session = await uow.sessions.get(reminder.session_id)
    person = await uow.young_people.get(session.young_person_id) if session else None
    if session is None or person is None or SessionState(session.state) not in AHEAD:
        _done(reminder, ReminderState.WITHDRAWN, "withdrawn", now)
        return
    why = await _why_not(uow, reminder, session, person, now=now)
    if why is not None:
        state = ReminderState.DROPPED if why in {Skip.STALE, Skip.QUIET} else ReminderState.SKIPPED
        _done(reminder, state, why.value, now)
        uow.sessions.record(
            session, f"reminder_{state.value}", at=now, by=SYSTEM, detail=why.value
        )
        return
    message_id = DAY_REMINDER if parse_offsets(reminder.offset)[0].days else SOON_REMINDER
    values = await young_values(uow, person, session, now=now)
    uow.postbox.to_young_person(
        person,
        message_id,
        values,
        now=now,
        lane=Lane.REMINDER,
        idempotency_key=f"reminder:{reminder.id}",
        send_by=await _send_by(uow, person, reminder, session, now=now),
        reminder_id=reminder.id,
        silent=profile_of(person).silent,
        # Its buttons name the session, so a tap answers about this one, not a later one.
        ref=session.id,
    )
    _done(reminder, ReminderState.QUEUED, None, now)
    uow.sessions.record(session, "reminder_queued", at=now, by=SYSTEM, detail=reminder.offset)


async def _why_not(
    uow: UnitOfWork,
    reminder: ReminderRecord,
    session: SessionRecord,
    person: YoungPersonRecord,
    *,
    now: datetime,
) -> Skip | None:
    """Why this reminder is not to go now, if it is not."""
    if not still_worth_sending(due_at=reminder.due_at, starts_at=session.starts_at, now=now):
        return Skip.STALE
    if quiet_at(wall_clock(now, ZoneInfo(session.zone)), await quiet_hours_for(uow, person)):
        # Only after downtime: planned reminders are never due inside quiet hours (SE-7).
        return Skip.QUIET
    if is_paused(person):
        return Skip.STOPPED
    paused_until = person.reminders_paused_until
    if paused_until is not None and now < paused_until:
        return Skip.PAUSED
    return None


async def _send_by(
    uow: UnitOfWork,
    person: YoungPersonRecord,
    reminder: ReminderRecord,
    session: SessionRecord,
    *,
    now: datetime,
) -> datetime:
    """The latest the reminder may leave: before it goes stale, and before quiet hours."""
    latest = send_by(due_at=reminder.due_at, starts_at=session.starts_at)
    zone = ZoneInfo(session.zone)
    quiet = next_quiet(wall_clock(now, zone), await quiet_hours_for(uow, person))
    return latest if quiet is None else min(latest, instant(quiet, zone))


def _done(
    reminder: ReminderRecord, state: ReminderState, reason: str | None, now: datetime
) -> None:
    reminder.state, reminder.reason, reminder.done_at = state, reason, now


async def try_follow_weekly(uow: UnitOfWork, *, now: datetime, limit: int = BATCH) -> int:
    """Make next week's session of every weekly session that has begun, with its reminders;
    returns how many were taken."""
    async with uow:
        begun = await uow.sessions.to_follow(now=now, limit=limit)
        for session in begun:
            await follow(uow, session, now=now)
        await uow.commit()
        return len(begun)


async def follow(
    uow: UnitOfWork, session: SessionRecord, *, now: datetime
) -> SessionRecord | None:
    """In the caller's unit of work: next week's session of a weekly one, at the same wall-clock
    time (SE-2), once (a weekly session is followed before it is moved, from its slot)."""
    session.followed = True
    person = await uow.young_people.get(session.young_person_id)
    if person is None or not session.weekly:
        return None
    zone = ZoneInfo(session.zone)
    local = next_week(session.local_start)
    # After a long downtime, weeks already gone are not made: nobody can come to them.
    while instant(local, zone) <= now:
        local = next_week(local)
    nxt = await uow.sessions.new(
        NewSession(
            hub_id=session.hub_id,
            young_person_id=session.young_person_id,
            with_kind=session.with_kind,
            staff_id=session.staff_id,
            companion=session.companion,
            place=session.place,
            local_start=local,
            zone=session.zone,
            starts_at=instant(local, zone),
            minutes=session.minutes,
            weekly=True,
            series_id=session.series_id or session.id,
            reminders=session.reminders,
        ),
        now=now,
    )
    uow.sessions.record(nxt, "booked_weekly", at=now, by=SYSTEM, detail=str(session.id))
    await plan_and_store(uow, person, nxt, now=now)
    return nxt
