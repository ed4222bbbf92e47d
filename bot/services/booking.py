"""Booking a session with buttons (`/book`): who, which day, what time, where, then "check
your answers" (the GOV.UK pattern staff know) and Book.

The steps are bot.domain.booking's map; the draft is a database row (several instances serve
one bot), so each tap is one transaction that reads the draft, moves it one step and asks the
next question. The last tap books in the same transaction that ends the draft.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bot.domain.access import StaffCommand, may_book_session, sees_hub_young_people
from bot.domain.actors import KnownStaff
from bot.domain.booking import (
    COMMON_TIMES,
    DRAFT_LIFETIME,
    MOST_PEOPLE_OFFERED,
    WRITING,
    Did,
    OneLine,
    Step,
    days_from,
    next_step,
    read_clock,
    read_day,
)
from bot.domain.errors import NoOneToBook
from bot.domain.numbers import whole_number
from bot.domain.outbox import StaffChoices
from bot.domain.people import Role
from bot.domain.sessions import instant, kind_for
from bot.i18n.dates import day_words
from bot.services.identity import staff_record
from bot.services.people import access_young_person
from bot.services.ports import UnitOfWork
from bot.services.records import BookingDraftRecord, StaffRecord, YoungPersonRecord
from bot.services.session_access import may_book, viewer_of
from bot.services.session_words import staff_when
from bot.services.sessions import Booked, Booking, book
from bot.services.staff_help import check_may_use
from bot.services.staff_words import staff_text

_NO_VALUE = "-"


async def _bookable(uow: UnitOfWork, staff: StaffRecord) -> list[YoungPersonRecord]:
    """The young people this member of staff may book for: their own, and for a role that
    sees the whole hub, the hub's (as many as fit on a screen)."""
    found = [
        *await uow.young_people.linked_to(staff.id),
        *await uow.young_people.coached_by(staff.id),
    ]
    if sees_hub_young_people(Role(staff.role)):
        found += await uow.young_people.in_hub(staff.hub_id, limit=MOST_PEOPLE_OFFERED)
    unique = {person.id: person for person in found}.values()
    mine = [p for p in unique if may_book_session(viewer_of(staff, p))]
    return mine[:MOST_PEOPLE_OFFERED]


def _zone(staff: StaffRecord) -> ZoneInfo:
    return ZoneInfo(staff.hub.council.timezone)


def _label(uow: UnitOfWork, message_id: str, **values: str) -> str:
    return staff_text(uow.postbox.catalogue, message_id, **values)


def _with_drop(uow: UnitOfWork, *options: tuple[str, str, str]) -> StaffChoices:
    """Every question can be given up: "Cancel" comes last."""
    drop = (_label(uow, "booking_button_drop"), Did.DROP.value, _NO_VALUE)
    return StaffChoices((*options, drop))


async def do_start_booking(uow: UnitOfWork, actor: KnownStaff, *, now: datetime) -> None:
    """`/book`: a new draft (in place of any other), and the first question: who with."""
    check_may_use(actor.role, StaffCommand.BOOK)
    async with uow:
        staff = await staff_record(uow, actor)
        people = await _bookable(uow, staff)
        if not people:
            raise NoOneToBook
        # One guided question at a time: a half-made goal would take their next words.
        await uow.goal_drafts.forget(staff.id)
        draft = await uow.drafts.start(staff.id, Step.WHO, expires_at=now + DRAFT_LIFETIME)
        await _ask(uow, staff, draft, now=now, people=people)
        await uow.commit()


async def do_booking_choice(
    uow: UnitOfWork, actor: KnownStaff, did: str, value: str, *, now: datetime
) -> Booked | None:
    """A tap on a booking button, or (with `did` WROTE_*) the words written for one; the
    session, once "Book" is tapped."""
    async with uow:
        staff = await staff_record(uow, actor)
        draft = await uow.drafts.get(staff.id, now=now)
        if draft is None:
            uow.postbox.to_staff(staff, "booking_expired", {}, now=now)
            await uow.commit()
            return None
        booked = await _take(uow, actor, staff, draft, did_text=did, value=value, now=now)
        await uow.commit()
        return booked


async def do_booking_words(
    uow: UnitOfWork, actor: KnownStaff, text: str, *, now: datetime
) -> bool:
    """Words from staff: the answer to "write a time" or "write a place" when that is the
    question open; False when it is not (the words are then heard as usual)."""
    async with uow.reading():
        draft = await uow.drafts.get(actor.staff_id, now=now)
        step = None if draft is None else Step(draft.step)
    if step not in WRITING:
        return False
    did = Did.WROTE_TIME if step is Step.WRITE_TIME else Did.WROTE_PLACE
    await do_booking_choice(uow, actor, did.value, text, now=now)
    return True


async def _take(
    uow: UnitOfWork,
    actor: KnownStaff,
    staff: StaffRecord,
    draft: BookingDraftRecord,
    *,
    did_text: str,
    value: str,
    now: datetime,
) -> Booked | None:
    """Move the draft one step, as the map says, and ask the next question."""
    try:
        did = Did(did_text)
    except ValueError:
        return None
    step = next_step(Step(draft.step), did)
    if step is None or not await _fill(uow, actor, draft, did, value):
        # An old button, or an answer that does not read: the open question again.
        await _ask(uow, staff, draft, now=now, again=True)
        return None
    if step is Step.BOOKED:
        booked = await book(uow, actor, _booking(draft, actor.role), now=now)
        await uow.drafts.forget(staff.id)
        return booked
    if step is Step.DROPPED:
        await uow.drafts.forget(staff.id)
        uow.postbox.to_staff(staff, "booking_dropped", {}, now=now)
        return None
    draft.step, draft.expires_at = step.value, now + DRAFT_LIFETIME
    await _ask(uow, staff, draft, now=now)
    return None


async def _fill(
    uow: UnitOfWork, actor: KnownStaff, draft: BookingDraftRecord, did: Did, value: str
) -> bool:
    """Put the answer into the draft; False when it does not read."""
    match did:
        case Did.CHOSE_PERSON:
            number = whole_number(value)
            person = None if number is None else await uow.young_people.get(number)
            # A number not theirs to book is no answer at all: refusing it by name would tell
            # whoever forged the button who that young person is.
            if person is None or not await may_book(uow, actor, person):
                return False
            draft.young_person_id = person.id
        case Did.CHOSE_DAY:
            draft.day = read_day(value)
            return draft.day is not None
        case Did.CHOSE_TIME | Did.WROTE_TIME:
            clock = read_clock(value)
            if clock is None:
                return False
            draft.minute = clock.hour * 60 + clock.minute
        case Did.CHOSE_HUB:
            draft.place = None
        case Did.WROTE_PLACE:
            draft.place = value.strip()[:200] or None
            return draft.place is not None
        case _:
            pass
    return True


def _booking(draft: BookingDraftRecord, role: Role) -> Booking:
    if draft.young_person_id is None or draft.day is None or draft.minute is None:
        raise ValueError("a draft at its last step has every answer")
    start = datetime.combine(draft.day, time(draft.minute // 60, draft.minute % 60))
    return Booking(draft.young_person_id, kind_for(role), start, place=draft.place)


async def _ask(
    uow: UnitOfWork,
    staff: StaffRecord,
    draft: BookingDraftRecord,
    *,
    now: datetime,
    people: list[YoungPersonRecord] | None = None,
    again: bool = False,
) -> None:
    """The question for the draft's step, with its buttons."""
    step = Step(draft.step)
    person = None
    if draft.young_person_id is not None:
        person = await uow.young_people.get(draft.young_person_id)
    values = {"name": person.first_name if person else ""}
    choices: StaffChoices | None = None
    if step is Step.WHO:
        people = people if people is not None else await _bookable(uow, staff)
        options = ((p.first_name, Did.CHOSE_PERSON.value, str(p.id)) for p in people)
        choices = _with_drop(uow, *options)
    elif step is Step.DAY:
        choices = _with_drop(uow, *_day_options(uow, now.astimezone(_zone(staff)).date()))
    elif step is Step.TIME:
        times = ((f"{t:%H:%M}", Did.CHOSE_TIME.value, f"{t:%H:%M}") for t in COMMON_TIMES)
        write = (_label(uow, "booking_button_write_time"), Did.WILL_WRITE_TIME.value, _NO_VALUE)
        choices = _with_drop(uow, *times, write)
    elif step is Step.PLACE:
        hub = (_label(uow, "booking_button_hub"), Did.CHOSE_HUB.value, _NO_VALUE)
        place = (_label(uow, "booking_button_write_place"), Did.WILL_WRITE_PLACE.value, _NO_VALUE)
        choices = _with_drop(uow, hub, place)
    elif step is Step.CHECK:
        values.update(_check_values(uow, staff, draft))
        book_it = (_label(uow, "booking_button_book"), Did.BOOK.value, _NO_VALUE)
        choices = _with_drop(uow, book_it)
    else:
        choices = _with_drop(uow)
    if again:
        uow.postbox.to_staff(staff, "booking_again", {}, now=now)
    uow.postbox.to_staff(staff, f"booking_ask_{step.value}", values, now=now, choices=choices)


def _day_options(uow: UnitOfWork, today: date) -> list[tuple[str, str, str]]:
    options = []
    for n, day in enumerate(days_from(today)):
        named = ("booking_button_today", "booking_button_tomorrow")
        label = _label(uow, named[n]) if n < len(named) else day_words(day, "en")
        options.append((label, Did.CHOSE_DAY.value, day.isoformat()))
    return options


def _check_values(
    uow: UnitOfWork, staff: StaffRecord, draft: BookingDraftRecord
) -> dict[str, str]:
    booking = _booking(draft, Role(staff.role))
    zone = _zone(staff)
    start = instant(booking.local_start, zone)
    where = draft.place or _label(uow, "session_at_the_hub")
    return {"when": staff_when(start, zone.key), "where": where}


async def do_book_one_line(
    uow: UnitOfWork, actor: KnownStaff, line: OneLine, *, now: datetime
) -> Booked:
    """`/book Sam 2027-03-02 16:00 weekly at Harrogate Library`, booked at once."""
    async with uow:
        staff = await staff_record(uow, actor)
        person = await access_young_person(uow, staff, line.who, command="book")
        booking = Booking(
            person.id, kind_for(actor.role), line.local_start, weekly=line.weekly, place=line.place
        )
        booked = await book(uow, actor, booking, now=now)
        await uow.drafts.forget(staff.id)
        await uow.commit()
        return booked
