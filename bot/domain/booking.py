"""Booking a session with buttons (`/book`): the steps, in one map, and reading what staff
write or type on one line.

The whole flow is `TRANSITIONS`: from each step, what the member of staff did and the step it
leads to. Anything not in the map (an old button tapped again, words where a button was
asked for) changes nothing, so a draft can only ever be at a step the map allows. The draft
itself is kept in the database (several instances serve one bot), for `DRAFT_LIFETIME`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from bot.domain.numbers import calendar_day, whole_number

# A draft nobody touched for this long is forgotten: the next /book starts afresh.
DRAFT_LIFETIME = timedelta(minutes=30)
# Today, tomorrow and the days after: a week of buttons, the rest by the one-line form.
DAYS_OFFERED = 7
# The times most sessions start; any other is written ("16:30").
COMMON_TIMES = (time(10, 0), time(13, 0), time(16, 0))
# Telegram shows at most a screenful; a hub-wide list longer than this is typed instead.
MOST_PEOPLE_OFFERED = 12


class Step(StrEnum):
    """Where a booking is: the question the member of staff is answering now."""

    WHO = "who"
    DAY = "day"
    TIME = "time"
    WRITE_TIME = "write_time"
    PLACE = "place"
    WRITE_PLACE = "write_place"
    CHECK = "check"
    # Over: booked, or given up. A draft at either is deleted, never kept.
    BOOKED = "booked"
    DROPPED = "dropped"


class Did(StrEnum):
    """What the member of staff did at a step: a button they tapped, or words they wrote."""

    CHOSE_PERSON = "person"
    CHOSE_DAY = "day"
    CHOSE_TIME = "time"
    WILL_WRITE_TIME = "write_time"
    WROTE_TIME = "wrote_time"
    CHOSE_HUB = "hub"
    WILL_WRITE_PLACE = "write_place"
    WROTE_PLACE = "wrote_place"
    BOOK = "book"
    DROP = "drop"


TRANSITIONS: dict[Step, dict[Did, Step]] = {
    Step.WHO: {Did.CHOSE_PERSON: Step.DAY, Did.DROP: Step.DROPPED},
    Step.DAY: {Did.CHOSE_DAY: Step.TIME, Did.DROP: Step.DROPPED},
    Step.TIME: {
        Did.CHOSE_TIME: Step.PLACE,
        Did.WILL_WRITE_TIME: Step.WRITE_TIME,
        Did.DROP: Step.DROPPED,
    },
    Step.WRITE_TIME: {Did.WROTE_TIME: Step.PLACE, Did.DROP: Step.DROPPED},
    Step.PLACE: {
        Did.CHOSE_HUB: Step.CHECK,
        Did.WILL_WRITE_PLACE: Step.WRITE_PLACE,
        Did.DROP: Step.DROPPED,
    },
    Step.WRITE_PLACE: {Did.WROTE_PLACE: Step.CHECK, Did.DROP: Step.DROPPED},
    Step.CHECK: {Did.BOOK: Step.BOOKED, Did.DROP: Step.DROPPED},
    Step.BOOKED: {},
    Step.DROPPED: {},
}
# Steps where the next thing the member of staff writes is the answer, not a new message.
WRITING = frozenset({Step.WRITE_TIME, Step.WRITE_PLACE})


def next_step(step: Step, did: Did) -> Step | None:
    """The step `did` leads to from `step`, or None when it does not fit there."""
    return TRANSITIONS[step].get(did)


def days_from(today: date) -> tuple[date, ...]:
    """The days offered as buttons: today, tomorrow and the days after."""
    return tuple(today + timedelta(days=n) for n in range(DAYS_OFFERED))


def read_clock(text: str) -> time | None:
    """A written time, on the 24-hour clock staff type: "16:30", "9:05", "16.30"; or None."""
    hours, sep, minutes = text.strip().replace(".", ":").partition(":")
    if not sep or len(minutes) != 2:
        return None
    # Digits as people write them, never "²": whole_number refuses what int() would choke on.
    hour, minute = whole_number(hours, low=0, high=23), whole_number(minutes, low=0, high=59)
    return None if hour is None or minute is None else time(hour, minute)


def read_day(text: str) -> date | None:
    """A written date, "2027-03-02", or None (also for years before 2000 or after 2100)."""
    return calendar_day(text)


def read_day_and_clock(day_text: str, clock_text: str) -> datetime | None:
    """A wall-clock start from a date and a time as staff type them, or None."""
    day, clock = read_day(day_text), read_clock(clock_text)
    return None if day is None or clock is None else datetime.combine(day, clock)


@dataclass(frozen=True)
class OneLine:
    """`/book Sam 2027-03-02 16:00 [weekly] [at Harrogate Library]`, read."""

    who: str
    local_start: datetime
    weekly: bool = False
    place: str | None = None


_WEEKLY, _AT = "weekly", "at"


def read_one_line(words: list[str]) -> OneLine | None:
    """The one-line form: a name (one or more words), a date and a time, then optionally
    "weekly" and "at" a place; None when it is not that shape."""
    lowered = [word.lower() for word in words]
    at = lowered.index(_AT) if _AT in lowered else len(words)
    head, place = words[:at], " ".join(words[at + 1 :]) or None
    if at < len(words) and place is None:
        return None
    weekly = bool(head) and head[-1].lower() == _WEEKLY
    if weekly:
        head = head[:-1]
    if len(head) < 3:
        return None
    start = read_day_and_clock(head[-2], head[-1])
    if start is None:
        return None
    return OneLine(" ".join(head[:-2]), start, weekly=weekly, place=place)
