"""`waypoint sessions book|list|move|cancel|seen|not-seen|recap`: the hub's IT operator books
and changes sessions at the command line, through the same services staff use (SE-1..10).

Times are typed as the wall clock at the young person's council (SE-2). What the operator
reads is staff text from content/ where a staff message says it already, else one plain line.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_timedelta

from bot.adapters.db.uow import SqlUnitOfWork
from bot.clock import system_clock
from bot.config import Settings
from bot.content.catalogue import Catalogue
from bot.domain.errors import NoSuchSession, SetupError, YoungPersonNotFound
from bot.domain.people import Role
from bot.domain.reminders import Offset, OffsetProblem, ReminderState, parse_offsets
from bot.domain.sessions import SessionWith, kind_for
from bot.entrypoints.bootstrap import Running
from bot.entrypoints.operator_runs import run_as_operator
from bot.i18n.dates import concrete_datetime, record_datetime
from bot.services.missed import do_mark, do_send_recap
from bot.services.records import ReminderRecord
from bot.services.reminders import reminder_lines
from bot.services.session_access import AtCommandLine
from bot.services.session_words import staff_values
from bot.services.sessions import Booking, do_book, do_cancel, do_move
from bot.services.staff_words import staff_text

OPERATOR = AtCommandLine()
# What a session is, when --kind is not given: what the member of staff does.
# `sessions list` shows what is ahead and what happened this long ago, at most this many.
RECENT = timedelta(days=14)
MOST_LISTED = 200


def _wall_clock(text: str) -> datetime:
    """A time as the operator typed it, on the wall clock at the council."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is not None or moment.second or moment.microsecond:
        raise SetupError(
            f"--at {text!r}: write the date and the time on the council's clock, like"
            ' "2027-03-02 16:00"'
        )
    return moment


def _offsets(text: str | None) -> tuple[Offset, ...] | None:
    if text is None:
        return None
    try:
        return parse_offsets(text)
    except OffsetProblem as problem:
        raise SetupError(f"--remind: {problem}") from None


def sessions(args: argparse.Namespace, settings: Settings) -> None:
    """`waypoint sessions ACTION ...`."""
    sys.stdout.write(asyncio.run(_act(settings, args)) + "\n")


def _uow(running: Running) -> SqlUnitOfWork:
    return running.waypoint.uow()


async def _act(settings: Settings, args: argparse.Namespace) -> str:
    return await run_as_operator(
        settings,
        lambda running: _dispatch(running, args),
        missing=NoSuchSession,
        missing_says=f"there is no session {args.id}: see waypoint sessions list"
        if "id" in args
        else "",
    )


async def _dispatch(running: Running, args: argparse.Namespace) -> str:
    now = system_clock()
    action = args.action
    if action == "book":
        return await _book(running, args, now=now)
    if action == "list":
        return await _list(running, args.young_person, now=now)
    if action == "move":
        at = _wall_clock(args.at)
        moved = await do_move(_uow(running), OPERATOR, args.id, at, now=now)
        return await _summary(running, moved.session_id, told=moved.told)
    if action == "cancel":
        cancelled = await do_cancel(_uow(running), OPERATOR, args.id, now=now, series=args.series)
        return await _summary(running, cancelled.session_id, told=cancelled.told)
    if action == "recap":
        await do_send_recap(_uow(running), OPERATOR, args.id, args.words, now=now)
        return f"Session #{args.id}: what was agreed is on its way to the young person."
    marked = await do_mark(_uow(running), OPERATOR, args.id, seen=action == "seen", now=now)
    line = f"Session #{marked.session_id} is {_state(running.waypoint.catalogue, marked.state)}."
    if action == "not-seen":
        line += " Their worker has a follow-up; the young person has a short message."
    if marked.pattern:
        line += " The hub's managers were told: missed or cancelled several times in a row."
    return line


async def _book(running: Running, args: argparse.Namespace, *, now: datetime) -> str:
    """Check who it is with, then book; the operator reads what the worker is told."""
    at, reminders = _wall_clock(args.at), _offsets(args.remind)
    kind = SessionWith(args.kind) if args.kind else None
    staff_id: int | None = None
    async with _uow(running).reading() as uow:
        person = await uow.young_people.get(args.young_person)
        if person is None:
            raise YoungPersonNotFound(name=str(args.young_person), example="")
        if args.with_ is not None:
            staff = await uow.staff.by_telegram_id(args.with_)
            if staff is None or not staff.active or staff.hub_id != person.hub_id:
                raise SetupError(
                    f"--with: no member of staff with Telegram id {args.with_} works at"
                    f" {person.first_name}'s hub (see waypoint staff add)"
                )
            staff_id = staff.id
            kind = kind or kind_for(Role(staff.role))
    if kind is None or (staff_id is None and not kind.outside):
        raise SetupError("--with: say which member of staff the session is with")
    booking = Booking(
        young_person_id=args.young_person,
        with_kind=kind,
        local_start=at,
        staff_id=staff_id,
        minutes=args.minutes,
        weekly=args.weekly,
        place=args.where,
        companion=args.companion,
        reminders=reminders,
    )
    booked = await do_book(_uow(running), OPERATOR, booking, now=now)
    return await _summary(running, booked.session_id, told=booked.told)


async def _summary(running: Running, session_id: int, *, told: bool) -> str:
    """The session as its worker reads it after a change, with its reminders (SE-4)."""
    catalogue = running.waypoint.catalogue
    async with _uow(running).reading() as uow:
        session = await uow.sessions.get(session_id)
        person = await uow.young_people.get(session.young_person_id) if session else None
        if session is None or person is None:
            raise NoSuchSession(number=str(session_id))
        values = await staff_values(uow, person, session)
        reminders = await uow.sessions.reminders_of(session.id)
        values["reminders"] = reminder_lines(catalogue, reminders, session.zone)
    told_id = "session_young_person_told" if told else "session_young_person_stopped"
    values["told"] = staff_text(catalogue, told_id)
    return staff_text(catalogue, "session_changed_staff", **values)


def _state(catalogue: Catalogue, state: str) -> str:
    return staff_text(catalogue, f"session_state_{state}")


async def _list(running: Running, young_person_id: int | None, *, now: datetime) -> str:
    """Sessions ahead and of the last fortnight, each with its reminders and their state."""
    lines: list[str] = []
    looked: set[int] = set()
    async with _uow(running) as uow:
        if young_person_id is not None and await uow.young_people.get(young_person_id) is None:
            raise YoungPersonNotFound(name=str(young_person_id), example="")
        found = await uow.sessions.listed(
            young_person_id=young_person_id, since=now - RECENT, limit=MOST_LISTED
        )
        for session in found:
            person = await uow.young_people.get(session.young_person_id)
            if person is None:
                continue
            if person.id not in looked:
                # Where a young person will be, and when: every look is audited.
                looked.add(person.id)
                uow.audit.record(
                    "sessions.viewed",
                    at=now,
                    by=OPERATOR.actor,
                    hub_id=person.hub_id,
                    subject_type="young_person",
                    subject_id=person.id,
                )
            values = await staff_values(uow, person, session)
            weekly = ", weekly" if session.weekly else ""
            lines.append(
                f"#{session.id} {values['name']} (young person {person.id}): {values['state']},"
                f" {values['with']}, {values['when']} ({_ago(session.starts_at, now)}),"
                f" at {values['where']}, {session.minutes} minutes{weekly}"
            )
            reminders = await uow.sessions.reminders_of(session.id)
            sent = await uow.sessions.reminder_sent_at([r.id for r in reminders])
            lines += [
                _reminder_line(running.waypoint.catalogue, r, session.zone, sent.get(r.id))
                for r in reminders
            ]
        await uow.commit()
    if not lines:
        return "No sessions ahead or in the last 14 days."
    return "\n".join(lines)


def _reminder_line(
    catalogue: Catalogue, reminder: ReminderRecord, zone: str, sent_at: datetime | None
) -> str:
    """One reminder: when it is due and where it is ("pending", "sent at ...", "not sent")."""
    state = ReminderState(reminder.state)
    if state in {ReminderState.SKIPPED, ReminderState.DROPPED, ReminderState.WITHDRAWN}:
        why = f"session_skip_{reminder.reason}"
        reason = staff_text(catalogue, why) if why in catalogue else reminder.reason or ""
        return f"    reminder {reminder.offset}: not sent, {reason}"
    due = concrete_datetime(reminder.due_at, ZoneInfo(zone))
    if state is ReminderState.PENDING:
        return f"    reminder {reminder.offset}: due {due}, waiting"
    where = f"sent {record_datetime(sent_at, ZoneInfo(zone))}" if sent_at else "queued to send"
    return f"    reminder {reminder.offset}: due {due}, {where}"


def _ago(moment: datetime, now: datetime) -> str:
    """ "in 3 days", "2 hours ago"."""
    return format_timedelta(moment - now, add_direction=True, threshold=1.5, locale="en_GB")
