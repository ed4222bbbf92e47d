"""When a session's reminders are due (SE-3, SE-4, SE-7), as pure rules on a wall clock.

A reminder is either some days before, at a daytime hour ("the day before, at 5 o'clock"),
or some hours or minutes before the start. One that would fall in quiet hours (the council's,
21:00 to 08:00 unless it says otherwise, and the young person's own) moves earlier, to before
they start, never later; one that then lands on the same evening as an earlier reminder is
folded into it. One whose moment has passed is not sent: the confirmation says "today" or
"tomorrow" instead, and the worker is told what was left out (nothing is skipped silently).

What the evidence allows: for 12 to 25-year-olds, reminders alone did not raise attendance
(Rickwood), and a 1-day SMS did nothing in one psychology trial (Clough and Casey); what
helped was making the appointment with the young person. So a reminder supports the
relationship and never stands in for it: the defaults are few (the day before and 2 hours
before), and "Change it" goes to a person, not to self-service rebooking.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.sessions import instant, wall_clock

MOST_REMINDERS = 3
# "The day before" is at this hour of the young person's day (research SE-3: 5pm, a guess).
DAY_BEFORE_AT = time(17, 0)
# A reminder moved out of quiet hours goes this long before they start.
BEFORE_QUIET = timedelta(minutes=30)
# No day reminder further ahead than this: a week-ahead reminder of a weekly session would
# come before the session it follows.
MOST_DAYS = 6
# Worked out once a reminder has waited longer than this past its moment (Waypoint was down):
# it is sent only if it still makes sense (`still_worth_sending`), else dropped and recorded.
CATCH_UP = timedelta(minutes=5)


class OffsetProblem(ValueError):
    """Reminder offsets written in a way Waypoint cannot read; the text says how to write them."""


@dataclass(frozen=True, order=True)
class Offset:
    """How long before a session a reminder comes: `days` before at the daytime hour, or
    `minutes` before the start."""

    days: int = 0
    minutes: int = 0

    def __str__(self) -> str:
        if self.days:
            return f"{self.days}d"
        if self.minutes % 60 == 0:
            return f"{self.minutes // 60}h"
        return f"{self.minutes}m"


DEFAULT_OFFSETS = (Offset(days=1), Offset(minutes=120))
_OFFSET = re.compile(r"^(\d{1,4})\s*([dhm])$")


def parse_offsets(text: str) -> tuple[Offset, ...]:
    """Offsets from words like "1d,2h" or "30m" ("none" for no reminders), earliest first."""
    cleaned = text.strip().lower()
    if cleaned in {"none", "0", "off"}:
        return ()
    offsets: set[Offset] = set()
    for part in cleaned.split(","):
        match = _OFFSET.match(part.strip())
        if match is None:
            raise OffsetProblem(
                f"{part.strip()!r} is not a reminder time: write days, hours or minutes before, "
                "like 1d,2h or 30m, or none"
            )
        number, unit = int(match.group(1)), match.group(2)
        offsets.add(_offset(number, unit))
    if len(offsets) > MOST_REMINDERS:
        raise OffsetProblem(f"at most {MOST_REMINDERS} reminders for one session")
    return tuple(sorted(offsets, key=_ahead, reverse=True))


def _offset(number: int, unit: str) -> Offset:
    if unit == "d":
        if not 1 <= number <= MOST_DAYS:
            raise OffsetProblem(f"a reminder can be 1 to {MOST_DAYS} days before")
        return Offset(days=number)
    minutes = number * 60 if unit == "h" else number
    if not 1 <= minutes <= 24 * 60:
        raise OffsetProblem("a reminder in hours or minutes can be 1 minute to 24 hours before")
    return Offset(minutes=minutes)


def _ahead(offset: Offset) -> tuple[int, int]:
    return (offset.days, offset.minutes)


def format_offsets(offsets: Sequence[Offset]) -> str:
    """Offsets as they are written ("1d,2h"), or "none"."""
    return ",".join(str(offset) for offset in offsets) or "none"


@dataclass(frozen=True)
class QuietHours:
    """A stretch of the day with no reminders: from `start` to `end`, over midnight if
    `end` comes first."""

    start: time
    end: time

    def contains(self, clock: time) -> bool:
        """Whether this wall-clock time is inside them."""
        if self.start <= self.end:
            return self.start <= clock < self.end
        return clock >= self.start or clock < self.end

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


COUNCIL_QUIET = QuietHours(time(21, 0), time(8, 0))
_QUIET = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*-\s*(\d{1,2})(?::(\d{2}))?$")


def parse_quiet(text: str) -> QuietHours:
    """Quiet hours from words like "22:00-09:00" (or "22-9")."""
    match = _QUIET.match(text.strip())
    if match is None:
        raise OffsetProblem("write quiet hours as from-to on the 24-hour clock, like 22:00-09:00")
    try:
        start = time(int(match.group(1)), int(match.group(2) or 0))
        end = time(int(match.group(3)), int(match.group(4) or 0))
    except ValueError:
        raise OffsetProblem("quiet hours must be real times of day, like 22:00-09:00") from None
    if start == end:
        raise OffsetProblem("quiet hours must start and end at different times")
    return QuietHours(start, end)


class ReminderState(StrEnum):
    """Where a reminder is: waiting for its moment, handed to the outbox, or not to be sent."""

    PENDING = "pending"
    QUEUED = "queued"
    # Left out when planned (too late, folded into another) or at its moment (paused, /stop).
    SKIPPED = "skipped"
    # Its moment passed while Waypoint was down and it no longer made sense.
    DROPPED = "dropped"
    # Its session was moved or cancelled.
    WITHDRAWN = "withdrawn"


WAITING = frozenset({ReminderState.PENDING, ReminderState.QUEUED})


class Skip(StrEnum):
    """Why a reminder is not sent; the worker sees each one (SE-4)."""

    # Its moment had passed when the session was booked or moved: the confirmation says when.
    LATE = "late"
    # Moved out of quiet hours onto the evening of an earlier reminder: that one says it all.
    MERGED = "merged"
    # Moved out of quiet hours to a moment already past.
    QUIET = "quiet"
    # The young person paused reminders, or sent /stop.
    PAUSED = "paused"
    STOPPED = "stopped"
    # Waypoint was down at its moment, and it no longer made sense (`still_worth_sending`).
    STALE = "stale"


@dataclass(frozen=True)
class Planned:
    """A reminder to send at `due_at` (UTC); `moved` if quiet hours brought it earlier."""

    offset: Offset
    due_at: datetime
    moved: bool = False


@dataclass(frozen=True)
class Skipped:
    """A reminder that will not be sent, and why."""

    offset: Offset
    why: Skip


@dataclass(frozen=True)
class Plan:
    """A session's reminders: those to send, earliest first, and those left out."""

    due: tuple[Planned, ...]
    skipped: tuple[Skipped, ...]


def plan_reminders(
    local_start: datetime,
    zone: ZoneInfo,
    offsets: Sequence[Offset],
    *,
    quiet: Sequence[QuietHours],
    now: datetime,
) -> Plan:
    """When each reminder of a session starting at `local_start` (wall clock at `zone`) is
    due, moved out of quiet hours; reminders whose moment has passed are left out."""
    start = instant(local_start, zone)
    due: list[Planned] = []
    skipped: list[Skipped] = []
    for offset in sorted(offsets, key=_ahead, reverse=True):
        wanted = _wanted(local_start, start, zone, offset)
        local = _out_of_quiet(wall_clock(wanted, zone), quiet)
        moment = instant(local, zone)
        moved = moment != wanted
        if moved and any(wall_clock(p.due_at, zone).date() == local.date() for p in due):
            skipped.append(Skipped(offset, Skip.MERGED))
        elif moment <= now or moment >= start:
            skipped.append(Skipped(offset, Skip.QUIET if moved and wanted > now else Skip.LATE))
        else:
            due.append(Planned(offset, moment, moved))
    return Plan(tuple(sorted(due, key=lambda p: p.due_at)), tuple(skipped))


def _wanted(local_start: datetime, start: datetime, zone: ZoneInfo, offset: Offset) -> datetime:
    """The moment a reminder asks for, before quiet hours move it."""
    if offset.days:
        day = local_start.date() - timedelta(days=offset.days)
        return instant(datetime.combine(day, DAY_BEFORE_AT), zone)
    # Real time, not wall-clock: "2 hours before" is 2 hours on the day the clocks change too.
    return start - timedelta(minutes=offset.minutes)


def _out_of_quiet(local: datetime, quiet: Sequence[QuietHours]) -> datetime:
    """The latest wall-clock time at or before `local` outside every quiet stretch."""
    for _ in range(2 * len(quiet) + 1):
        inside = [q for q in quiet if q.contains(local.time())]
        if not inside:
            return local
        local = min(_before(q, local) for q in inside)
    return local


def _before(quiet: QuietHours, local: datetime) -> datetime:
    """Just before this quiet stretch began, for a time inside it."""
    began = datetime.combine(local.date(), quiet.start)
    if began > local:
        began -= timedelta(days=1)
    return began - BEFORE_QUIET


def quiet_at(local: datetime, quiet: Sequence[QuietHours]) -> bool:
    """Whether a wall-clock time is inside any of these quiet stretches."""
    return any(q.contains(local.time()) for q in quiet)


def quiet_ends(local: datetime, quiet: Sequence[QuietHours]) -> datetime:
    """The first wall-clock time at or after `local` outside every quiet stretch (for what may
    wait, like a goal check-in, which moves later rather than earlier)."""
    for _ in range(2 * len(quiet) + 1):
        inside = [q for q in quiet if q.contains(local.time())]
        if not inside:
            return local
        local = max(_after(q, local) for q in inside)
    return local


def _after(quiet: QuietHours, local: datetime) -> datetime:
    """When this quiet stretch ends, for a time inside it."""
    ends = datetime.combine(local.date(), quiet.end)
    return ends if ends > local else ends + timedelta(days=1)


def next_quiet(local: datetime, quiet: Sequence[QuietHours]) -> datetime | None:
    """The first wall-clock time from `local` on at which quiet hours begin (None without
    any): a queued reminder must be sent before then, or not at all."""
    starts = []
    for q in quiet:
        begins = datetime.combine(local.date(), q.start)
        starts.append(begins if begins >= local else begins + timedelta(days=1))
    return min(starts, default=None)


def still_worth_sending(*, due_at: datetime, starts_at: datetime, now: datetime) -> bool:
    """After Waypoint was down: a reminder whose moment has passed is sent only while the
    session is still ahead and the reminder has not been overtaken by a later one's moment
    (half the time from its moment to the start has not gone by)."""
    if now >= starts_at:
        return False
    if now - due_at <= CATCH_UP:
        return True
    return now - due_at < (starts_at - due_at) / 2


def send_by(*, due_at: datetime, starts_at: datetime) -> datetime:
    """The latest a queued reminder may leave: not after the session starts, and not once it
    would say something stale (the same half-way rule as after downtime)."""
    return min(starts_at, due_at + max(CATCH_UP, (starts_at - due_at) / 2))
