"""The staff console's *Sessions* page (issue 15): a week of sessions, Monday to Sunday at the
hub's clock, a member of staff's own or (for a role that books for the whole hub) the hub's,
and booking from a form.

Who sees which session is bot.domain.access.may_book_session, the rule `/sessions` and the
CLI follow; every young person whose sessions are shown is one audited look. Booking, moving,
cancelling and marking are bot.services.sessions and bot.services.missed, as in Telegram.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.access import (
    HUB_WIDE,
    StaffCommand,
    books_hub_sessions,
    ever_may,
    may_book_session,
)
from bot.domain.actors import KnownStaff
from bot.domain.errors import YoungPersonNotFound
from bot.domain.numbers import calendar_day, whole_number
from bot.domain.people import Role
from bot.domain.reminders import Offset, OffsetProblem, ReminderState, parse_offsets
from bot.domain.sessions import (
    OUTSIDE,
    SessionState,
    SessionWith,
    instant,
    is_child,
    kind_for,
    may_change,
    may_mark,
)
from bot.services.identity import staff_record
from bot.services.ports import UnitOfWork
from bot.services.records import SessionRecord, StaffRecord, YoungPersonRecord
from bot.services.session_access import access_session, viewer_of
from bot.services.sessions import Booked, Booking, book
from bot.services.staff_help import check_may_use

# The most young people a hub's week looks through, and sessions one young person has in it.
MOST_PEOPLE = 500
MOST_A_WEEK = 50
DAYS = 7
# Lengths offered in the form (minutes); the services accept 1 minute to 8 hours.
LONGEST_MINUTES = 8 * 60


class Scope(StrEnum):
    """Whose week: the member of staff's own sessions, or their hub's."""

    MINE = "mine"
    HUB = "hub"


@dataclass(frozen=True)
class Choice:
    """One option of a select: its value and what staff read."""

    value: str
    label: str


@dataclass(frozen=True)
class ReminderLine:
    """One reminder of a session and where it is."""

    offset: str
    due_at: datetime
    state: ReminderState
    reason: str | None


@dataclass(frozen=True)
class WeekSession:
    """One session as the console shows it."""

    session_id: int
    young_person_id: int
    first_name: str
    # Under 18: "not seen" reads "not brought".
    child: bool
    with_kind: SessionWith
    # The member of staff it is with (or who goes along to an outside appointment).
    staff_name: str | None
    companion: str | None
    place: str | None
    starts_at: datetime
    # The wall-clock time at its place (the hub's clock).
    local_start: datetime
    minutes: int
    weekly: bool
    state: SessionState
    changeable: bool
    markable: bool
    reminders: tuple[ReminderLine, ...]


@dataclass(frozen=True)
class WeekDay:
    """One day of the week and its sessions, soonest first."""

    on: date
    sessions: tuple[WeekSession, ...]


@dataclass(frozen=True)
class Week:
    """The page: whose week, which week, and its days."""

    hub_name: str
    zone: str
    scope: Scope
    # Whether this member of staff may switch to the hub's week.
    may_see_hub: bool
    monday: date
    days: tuple[WeekDay, ...]
    # In the hub's week, one colleague's sessions only (their staff id), and whom to choose.
    worker: int | None = None
    workers: tuple[Choice, ...] = ()

    @property
    def previous(self) -> date:
        """The Monday before."""
        return self.monday - timedelta(days=DAYS)

    @property
    def next(self) -> date:
        """The Monday after."""
        return self.monday + timedelta(days=DAYS)

    @property
    def count(self) -> int:
        """How many sessions the week has."""
        return sum(len(day.sessions) for day in self.days)


def monday_of(on: date) -> date:
    """The Monday of the week `on` is in."""
    return on - timedelta(days=on.weekday())


def default_scope(role: Role) -> Scope:
    """A hub's managers and duty workers look after its week; everyone else sees their own
    first."""
    return Scope.HUB if role in HUB_WIDE and books_hub_sessions(role) else Scope.MINE


async def _candidates(
    uow: UnitOfWork, staff: StaffRecord, *, hub: bool
) -> tuple[list[YoungPersonRecord], set[int]]:
    """The young people whose sessions could be shown, and which of them are their own (as
    named worker, cover or life coach)."""
    own = [
        *await uow.young_people.linked_to(staff.id),
        *await uow.young_people.coached_by(staff.id),
    ]
    for worker in await uow.staff.covered_by(staff.id):
        if worker.away:
            own.extend(await uow.young_people.linked_to(worker.id))
    found = list(own)
    if hub or books_hub_sessions(Role(staff.role)):
        # A therapist's own sessions may be with anyone at the hub.
        found += await uow.young_people.in_hub(staff.hub_id, limit=MOST_PEOPLE)
    unique = {person.id: person for person in found}
    people = [p for p in unique.values() if may_book_session(viewer_of(staff, p))]
    return people, {person.id for person in own}


async def _shown(
    uow: UnitOfWork,
    staff: StaffRecord,
    person: YoungPersonRecord,
    session: SessionRecord,
    *,
    now: datetime,
) -> WeekSession:
    state = SessionState(session.state)
    with_staff = None if session.staff_id is None else await uow.staff.get(session.staff_id)
    reminders = await uow.sessions.reminders_of(session.id)
    return WeekSession(
        session_id=session.id,
        young_person_id=person.id,
        first_name=person.first_name,
        child=is_child(person.born_on, today=session.starts_at.date()),
        with_kind=SessionWith(session.with_kind),
        staff_name=None if with_staff is None else with_staff.name,
        companion=session.companion,
        place=session.place,
        starts_at=session.starts_at,
        local_start=session.local_start,
        minutes=session.minutes,
        weekly=session.weekly,
        state=state,
        changeable=may_change(state),
        markable=may_mark(state, start=session.starts_at, now=now),
        reminders=tuple(
            ReminderLine(r.offset, r.due_at, ReminderState(r.state), r.reason) for r in reminders
        ),
    )


def _audit_look(
    uow: UnitOfWork, actor: KnownStaff, person: YoungPersonRecord, now: datetime
) -> None:
    # Where a young person will be, and when, is theirs: every look is audited.
    uow.audit.record(
        "console.sessions_viewed",
        at=now,
        by=actor.actor,
        hub_id=person.hub_id,
        subject_type="young_person",
        subject_id=person.id,
    )


def _keeps(
    session: SessionRecord, person: YoungPersonRecord, *, scope: Scope, staff_id: int, own: bool
) -> bool:
    """Whether a session belongs in this view: the hub's (every one), one colleague's (with
    them, or of a young person whose worker or coach they are), or their own likewise."""
    if scope is Scope.HUB:
        return True
    return own or staff_id in (session.staff_id, person.key_worker_id, person.life_coach_id)


async def _workers(uow: UnitOfWork, staff: StaffRecord) -> tuple[Choice, ...]:
    """Colleagues at the hub who have sessions of their own, to choose one's week."""
    found = await uow.staff.in_hub_any_role(staff.hub_id)
    return tuple(
        Choice(str(s.id), s.name)
        for s in found
        if s.active and ever_may(Role(s.role), may_book_session) and s.id != staff.id
    )


async def do_view_week(
    uow: UnitOfWork,
    actor: KnownStaff,
    *,
    monday: date | None = None,
    scope: Scope | None = None,
    worker: int | None = None,
    now: datetime,
) -> Week:
    """A week of sessions (this week unless `monday` says which): their own, the hub's, or
    (for those who may see the hub's) one colleague's."""
    check_may_use(actor.role, StaffCommand.SESSIONS)
    may_see_hub = books_hub_sessions(actor.role)
    chosen = scope or default_scope(actor.role)
    if not may_see_hub:
        chosen, worker = Scope.MINE, None
    async with uow:
        staff = await staff_record(uow, actor)
        zone, hub_name = ZoneInfo(staff.hub.council.timezone), staff.hub.name
        workers = await _workers(uow, staff) if may_see_hub else ()
        if worker is not None and str(worker) not in {w.value for w in workers}:
            worker = None
        first = monday_of(monday or now.astimezone(zone).date())
        start = instant(datetime.combine(first, time()), zone)
        end = instant(datetime.combine(first + timedelta(days=DAYS), time()), zone)
        whole_hub = chosen is Scope.HUB or worker is not None
        people, own = await _candidates(uow, staff, hub=whole_hub)
        view = Scope.HUB if chosen is Scope.HUB and worker is None else Scope.MINE
        whose = staff.id if worker is None else worker
        days: dict[date, list[WeekSession]] = {first + timedelta(days=n): [] for n in range(DAYS)}
        for person in people:
            found = await uow.sessions.for_young_person(person.id, since=start, limit=MOST_A_WEEK)
            mine = worker is None and person.id in own
            theirs = [
                s
                for s in found
                if s.starts_at < end and _keeps(s, person, scope=view, staff_id=whose, own=mine)
            ]
            if theirs:
                _audit_look(uow, actor, person, now)
            for session in theirs:
                day = session.starts_at.astimezone(zone).date()
                days[day].append(await _shown(uow, staff, person, session, now=now))
        await uow.commit()
    return Week(
        hub_name=hub_name,
        zone=zone.key,
        scope=Scope.HUB if whole_hub else Scope.MINE,
        may_see_hub=may_see_hub,
        monday=first,
        days=tuple(
            WeekDay(on, tuple(sorted(found, key=lambda s: (s.starts_at, s.session_id))))
            for on, found in days.items()
        ),
        worker=worker,
        workers=workers,
    )


async def do_view_session(
    uow: UnitOfWork, actor: KnownStaff, session_id: int, *, now: datetime
) -> tuple[WeekSession, str]:
    """One session they may change (to move or cancel it), and the hub's zone; audited.
    NoSuchSession for one they may not."""
    check_may_use(actor.role, StaffCommand.SESSIONS)
    async with uow:
        staff = await staff_record(uow, actor)
        session, person = await access_session(uow, actor, session_id)
        _audit_look(uow, actor, person, now)
        shown = await _shown(uow, staff, person, session, now=now)
        zone = staff.hub.council.timezone
        await uow.commit()
    return shown, zone


# Booking from the console's form.


@dataclass(frozen=True)
class BookingForm:
    """What the form offers: the young people they may book for, and whom with."""

    zone: str
    people: tuple[Choice, ...]
    # "me", a colleague's staff id, or an outside appointment's kind.
    with_whom: tuple[Choice, ...]
    today: date


ME = "me"


async def do_booking_form(uow: UnitOfWork, actor: KnownStaff, *, now: datetime) -> BookingForm:
    """The choices of the booking form."""
    check_may_use(actor.role, StaffCommand.BOOK)
    async with uow.reading():
        staff = await staff_record(uow, actor)
        people, _ = await _candidates(uow, staff, hub=books_hub_sessions(actor.role))
        colleagues = [
            s
            for s in await uow.staff.in_hub_any_role(staff.hub_id)
            if s.id != staff.id and s.active
        ]
        zone = ZoneInfo(staff.hub.council.timezone)
        people.sort(key=lambda p: (p.first_name.casefold(), p.id))
        return BookingForm(
            zone=zone.key,
            people=tuple(Choice(str(p.id), p.first_name) for p in people),
            with_whom=(
                Choice(ME, staff.name),
                *(Choice(str(s.id), s.name) for s in colleagues),
                *(Choice(kind.value, kind.value) for kind in SessionWith if kind in OUTSIDE),
            ),
            today=now.astimezone(zone).date(),
        )


@dataclass(frozen=True)
class BookingRequest:
    """A booking as read from the form: who, with whom, when (at the hub's clock), where."""

    young_person_id: int
    with_whom: str
    local_start: datetime
    minutes: int = 60
    weekly: bool = False
    place: str | None = None
    companion: str | None = None
    reminders: tuple[Offset, ...] | None = None


@dataclass
class FormErrors:
    """What does not read, field by field (the field's name, and a code the page words)."""

    fields: dict[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.fields)


def read_day_time(values: dict[str, str], errors: FormErrors) -> datetime | None:
    """The day (`day`, YYYY-MM-DD) and time (`time`, HH:MM) fields as a wall-clock time."""
    day = calendar_day(values.get("day"))
    if day is None:
        errors.fields["day"] = "day"
    try:
        clock = time.fromisoformat(values.get("time", "").strip())
    except ValueError:
        clock = None
    if clock is None or clock.tzinfo is not None or clock.second or clock.microsecond:
        errors.fields["time"] = "time"
        return None
    return None if day is None else datetime.combine(day, clock)


def read_booking(values: dict[str, str]) -> BookingRequest | FormErrors:
    """The booking form's fields, or what does not read in them."""
    errors = FormErrors()
    person = whole_number(values.get("young_person"))
    if person is None:
        errors.fields["young_person"] = "young_person"
    with_whom = values.get("with", "").strip()
    if not with_whom:
        errors.fields["with"] = "with"
    start = read_day_time(values, errors)
    minutes = whole_number(values.get("minutes") or "60")
    if minutes is None or not 1 <= minutes <= LONGEST_MINUTES:
        errors.fields["minutes"] = "minutes"
    reminders: tuple[Offset, ...] | None = None
    written = values.get("reminders", "").strip()
    if written:
        try:
            reminders = parse_offsets(written)
        except OffsetProblem:
            errors.fields["reminders"] = "reminders"
    if errors or person is None or start is None or minutes is None:
        return errors
    return BookingRequest(
        young_person_id=person,
        with_whom=with_whom,
        local_start=start,
        minutes=minutes,
        weekly=values.get("weekly") == "yes",
        place=values.get("place", "").strip()[:200] or None,
        companion=values.get("companion", "").strip()[:200] or None,
        reminders=reminders,
    )


class WithWhomRefused(Exception):
    """The member of staff chosen does not work at the young person's hub."""


async def do_console_book(
    uow: UnitOfWork, actor: KnownStaff, request: BookingRequest, *, now: datetime
) -> Booked:
    """Book from the form, as `waypoint sessions book` does: check whom it is with, then
    sessions.book, which tells the young person at once through the outbox."""
    check_may_use(actor.role, StaffCommand.BOOK)
    staff_id: int | None = None
    async with uow:
        person = await uow.young_people.get(request.young_person_id)
        if person is None:
            raise YoungPersonNotFound(name=str(request.young_person_id), example="")
        if request.with_whom == ME:
            kind = kind_for(actor.role)
        elif request.with_whom in {kind.value for kind in OUTSIDE}:
            kind = SessionWith(request.with_whom)
        else:
            number = whole_number(request.with_whom)
            colleague = None if number is None else await uow.staff.get(number)
            if colleague is None or not colleague.active or colleague.hub_id != person.hub_id:
                raise WithWhomRefused
            staff_id, kind = colleague.id, kind_for(Role(colleague.role))
        booking = Booking(
            young_person_id=person.id,
            with_kind=kind,
            local_start=request.local_start,
            staff_id=staff_id,
            minutes=request.minutes,
            weekly=request.weekly,
            place=request.place,
            companion=request.companion,
            reminders=request.reminders,
        )
        # sessions.book checks they may book for this young person, and queues their message.
        booked = await book(uow, actor, booking, now=now)
        await uow.commit()
        return booked
