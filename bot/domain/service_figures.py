"""*How we are doing* (issue 15): a hub's service figures, counted by week, for its managers.

Pure rules, read in one place: what a week is (Monday to Sunday at the council's zone, so a
week with a clock change is 167 or 169 hours long), what "acknowledged", "reached the top",
"sent", "seen" and "progress" mean, and the median and 90th percentile (nearest rank: each is
a time some concern really took). Every figure counts concerns, reminders, sessions or goals,
never young people: nothing here is about one young person.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.goals import Picture, Scale

# The range a manager may choose, in weeks (the last 12 unless they choose another).
WEEK_CHOICES = (4, 8, 12, 26, 52)
DEFAULT_WEEKS = 12


@dataclass(frozen=True)
class Week:
    """Monday to Sunday at the council's zone: its Monday, and its two ends as instants."""

    monday: date
    starts_at: datetime
    ends_at: datetime

    def holds(self, at: datetime) -> bool:
        """Whether this instant falls in the week."""
        return self.starts_at <= at < self.ends_at


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    """Midnight at the zone, as a UTC instant (arithmetic on times in a zone is on the wall
    clock: in UTC, a week with a clock change is its true length)."""
    # Midnight exists on every day in the UK (clocks change at 01:00 and 02:00).
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def week_of(day: date, zone: ZoneInfo) -> Week:
    """The week (Monday to Sunday, at the zone) that holds this day."""
    monday = day - timedelta(days=day.weekday())
    return Week(monday, _midnight(monday, zone), _midnight(monday + timedelta(weeks=1), zone))


def last_weeks(now: datetime, count: int, zone: ZoneInfo) -> tuple[Week, ...]:
    """The `count` weeks ending with this one (so far), oldest first."""
    this = week_of(now.astimezone(zone).date(), zone).monday
    return tuple(week_of(this - timedelta(weeks=back), zone) for back in range(count - 1, -1, -1))


def week_index(weeks: Sequence[Week], at: datetime) -> int | None:
    """Which of these (consecutive) weeks holds this instant, if any."""
    for index, week in enumerate(weeks):
        if week.holds(at):
            return index
    return None


def nearest_rank(values: Sequence[float], percent: int) -> float | None:
    """The `percent`th percentile by nearest rank: the smallest value that at least that share
    of the values is at or below (the median is the 50th). None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(percent / 100 * len(ordered)))
    return ordered[rank - 1]


# The picture scale's points, from lowest to highest.
_PICTURES = (Picture.NOT_GOING_WELL.value, Picture.SOMETIMES.value, Picture.GOING_WELL.value)


def _place(scale: Scale, value: str) -> int | None:
    if scale is Scale.TEN:
        return int(value) if value.isdigit() else None
    return _PICTURES.index(value) if value in _PICTURES else None


def higher(scale: Scale, first: str, later: str) -> bool:
    """Whether a later rating is higher than the first on the same scale (never converted
    between scales: GL-3)."""
    before, after = _place(scale, first), _place(scale, later)
    return before is not None and after is not None and after > before


# --- The facts each figure is counted from (no young person's id, name or words) ---


@dataclass(frozen=True)
class ToldConcern:
    """A concern staff were alerted about: when first, when first acknowledged and by whom,
    and whether the ladder reached its top (a "top of the ladder" alert went out)."""

    told_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    reached_top: bool


class ReminderOutcome(StrEnum):
    """What became of a session reminder due in the range."""

    # Telegram took it.
    SENT = "sent"
    # Its moment passed unsent (Waypoint was down, or it waited past its `send_by`).
    TOO_LATE = "too_late"
    # Left out on purpose: it would have come too late when booked, or they paused reminders.
    SKIPPED = "skipped"
    # Telegram refused it (blocked, deleted account) or it failed after its retries.
    FAILED = "failed"
    # Still on its way (due, queued, not yet sent).
    WAITING = "waiting"


class SessionOutcome(StrEnum):
    """How a session that started in the range went, as staff marked it."""

    SEEN = "seen"
    NOT_SEEN = "not_seen"
    # Started, and nobody has marked it yet.
    NOT_MARKED = "not_marked"


@dataclass(frozen=True)
class GoalRatingFact:
    """One rating of a goal: which goal (an id, only to compare its ratings), its scale, the
    value as given, and when."""

    goal_id: int
    scale: Scale
    value: str
    at: datetime


def progressed(ratings: Sequence[GoalRatingFact], week: Week) -> set[int]:
    """The goals with a rating in this week higher than their first rating on that scale."""
    first: dict[tuple[int, Scale], GoalRatingFact] = {}
    for rating in sorted(ratings, key=lambda r: r.at):
        first.setdefault((rating.goal_id, rating.scale), rating)
    return {
        rating.goal_id
        for rating in ratings
        if week.holds(rating.at)
        and higher(rating.scale, first[rating.goal_id, rating.scale].value, rating.value)
    }
