"""Booked sessions: what they are, the states they move through, and when they are due.

A session is kept as the wall-clock time at its place plus the place's IANA zone (SE-2), so
"4 o'clock every Tuesday" stays 4 o'clock across the clocks changing; the UTC instant is
derived from the two. Who may book, move or mark one is in `bot.domain.access`; when its
reminders are due is in `bot.domain.reminders`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.people import Role

# The longest a session can last, and how far ahead one can be booked.
LONGEST = timedelta(hours=8)
FURTHEST_AHEAD = timedelta(days=366)
DEFAULT_LENGTH = timedelta(hours=1)
WEEK = timedelta(days=7)
# Two missed or cancelled in a row are a pattern the worker's manager should see (SE-9).
MISSED_IN_A_ROW = 2
# A young person is a child until 18: a missed session is "not brought", not "did not come".
ADULT_AT = 18


class SessionWith(StrEnum):
    """Who the young person sees: a member of their hub's staff, or an outside appointment."""

    WORKER = "worker"
    COACH = "coach"
    THERAPIST = "therapist"
    COURT = "court"
    SCHOOL = "school"
    HEALTH = "health"
    OTHER = "other"

    @property
    def outside(self) -> bool:
        """An appointment somewhere else, that hub staff may go to with them (SE-10)."""
        return self in OUTSIDE


OUTSIDE = frozenset({SessionWith.COURT, SessionWith.SCHOOL, SessionWith.HEALTH, SessionWith.OTHER})


def kind_for(role: Role) -> SessionWith:
    """The kind of session a member of staff books as themselves: a life coach's is coaching,
    a therapist's is therapy, anyone else's is with a worker."""
    return _KIND_OF_ROLE.get(role, SessionWith.WORKER)


_KIND_OF_ROLE = {Role.LIFE_COACH: SessionWith.COACH, Role.SLT: SessionWith.THERAPIST}


class SessionState(StrEnum):
    """Where a session is: still ahead (booked or moved), or over one way or another."""

    BOOKED = "booked"
    MOVED = "moved"
    CANCELLED = "cancelled"
    SEEN = "seen"
    # For under-18s, recorded and shown to staff as "not brought" (Was Not Brought practice).
    NOT_SEEN = "not_seen"


AHEAD = frozenset({SessionState.BOOKED, SessionState.MOVED})
# Over without the young person there: these count towards a pattern (SE-9).
MISSED = frozenset({SessionState.CANCELLED, SessionState.NOT_SEEN})


class SessionProblem(ValueError):
    """A booking or change that cannot be made; `reason` names the content message that says
    why, in the words of whoever asked."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def instant(local: datetime, zone: ZoneInfo) -> datetime:
    """The UTC moment of a wall-clock time at a place.

    A time that happens twice (the hour the clocks go back) is the first; one that never
    happens (the hour they go forward) is read as the same clock time after the change.
    """
    if local.tzinfo is not None:
        raise ValueError("a wall-clock time has no zone of its own")
    # fold=0 takes the earlier of a repeated time, and reads a time in the gap with the
    # offset before the change: 1.30 a.m. on the last Sunday of March is 2.30 a.m. summer time.
    return local.replace(tzinfo=zone, fold=0).astimezone(UTC)


def wall_clock(moment: datetime, zone: ZoneInfo) -> datetime:
    """The wall-clock time at a place of a UTC moment."""
    return moment.astimezone(zone).replace(tzinfo=None)


def next_week(local: datetime) -> datetime:
    """The same wall-clock time a week later: 4 o'clock stays 4 o'clock (SE-2)."""
    return local + WEEK


def check_when(local: datetime, zone: ZoneInfo, length: timedelta, *, now: datetime) -> datetime:
    """The UTC start of a session about to be booked or moved, if it can be: not in the past,
    not more than a year ahead, between 1 minute and 8 hours long."""
    start = instant(local, zone)
    if start <= now:
        raise SessionProblem("session_in_the_past")
    if start - now > FURTHEST_AHEAD:
        raise SessionProblem("session_too_far")
    if not timedelta(minutes=1) <= length <= LONGEST:
        raise SessionProblem("session_length")
    return start


def may_change(state: SessionState) -> bool:
    """Only a session still ahead can be moved or cancelled."""
    return state in AHEAD


def may_mark(state: SessionState, *, start: datetime, now: datetime) -> bool:
    """Seen or not seen: a session still ahead, once it has begun; or one already marked, to
    correct it (a correction is recorded like any change)."""
    if state in AHEAD:
        return start <= now
    return state in {SessionState.SEEN, SessionState.NOT_SEEN}


def missed_in_a_row(latest_first: Sequence[SessionState]) -> bool:
    """Whether the last sessions over, newest first, were missed or cancelled enough times in a
    row to tell the worker's manager (SE-9: patterns matter, not one missed session)."""
    run = 0
    for state in latest_first:
        if state not in MISSED:
            break
        run += 1
    return run >= MISSED_IN_A_ROW


def is_child(born_on: date | None, *, today: date) -> bool:
    """Under 18 on `today`; someone whose birthday is not recorded counts as a child, so a
    missed session is never wrongly put down to them."""
    if born_on is None:
        return True
    had_birthday = (today.month, today.day) >= (born_on.month, born_on.day)
    return today.year - born_on.year - (0 if had_birthday else 1) < ADULT_AT
