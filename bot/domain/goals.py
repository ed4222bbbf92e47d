"""Goals a young person owns (research GL-1..10), as pure rules.

A goal is the young person's own words, kept exactly as given (GL-2); a change of words is
a new version, and ratings stay with the words they were given against (GL-9). A rating is
on one of two scales, kept as given and never turned into the other or into a percentage
(GL-3): 0 to 10 with Goal Based Outcomes' anchors, or Talking Mats' three pictures. Nothing
is scored against the young person: steps are done or "not yet", never failed (GL-5).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.domain.numbers import whole_number

# Goal Based Outcomes: "up to three goals" (GL-1); one at a time for an easy-read profile,
# unless their profile says more.
MOST_GOALS = 3
MOST_GOALS_EASY = 1
MOST_OPEN_STEPS = 3
# Longest goal or step, in characters: a sentence or two, not a plan.
LONGEST_WORDS = 300
# No rating for this long and the worker is asked to rate it with them (GL-4, Outcomes Star's
# 12-week reviews): the worker, never the young person.
REVIEW_AFTER = timedelta(weeks=12)
# An unanswered check-in is asked once more, in the same words, after the young person's
# processing time (GL-7); never a third time.
MOST_REPEATS = 1


class Area(StrEnum):
    """The six No Wrong Door portfolio areas, an optional tag on a goal (GL-10, NWD-5)."""

    SAFETY = "safety"
    RELATIONSHIPS = "relationships"
    HOME = "home"
    LEARNING = "learning"
    CONFIDENCE = "confidence"
    FEELINGS = "feelings"


class GoalState(StrEnum):
    """Where a goal is. Pausing, completing and dropping are recorded with who and why."""

    # Written by the young person and being read back to them: nobody else sees it yet.
    DRAFT = "draft"
    # Suggested by the young person, waiting for their worker or coach to agree it.
    SUGGESTED = "suggested"
    ACTIVE = "active"
    PAUSED = "paused"
    DONE = "done"
    DROPPED = "dropped"


# States that count towards the most goals at once (a suggestion holds a place too).
COUNTED = frozenset({GoalState.SUGGESTED, GoalState.ACTIVE})
OPEN = frozenset({GoalState.SUGGESTED, GoalState.ACTIVE, GoalState.PAUSED})


class Scale(StrEnum):
    """How a young person rates a goal (GL-3), chosen per profile."""

    # 0 "not started", 5 "half way", 10 "done" (Goal Based Outcomes' anchors).
    TEN = "ten"
    # "going well / sometimes / not going well" (Talking Mats' three-point scale).
    PICTURES = "pictures"


class Picture(StrEnum):
    """The three points of the picture scale, stored as their names, never as numbers."""

    GOING_WELL = "going_well"
    SOMETIMES = "sometimes"
    NOT_GOING_WELL = "not_going_well"


class Cadence(StrEnum):
    """How often Waypoint asks about a goal, chosen by the young person (GL-4)."""

    # The default: the goal is talked about at sessions, and Waypoint does not ask.
    SESSIONS = "sessions"
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"

    @property
    def every(self) -> timedelta | None:
        """The time between check-ins, or None when Waypoint never asks."""
        return _EVERY.get(self)


_EVERY = {
    Cadence.WEEKLY: timedelta(weeks=1),
    Cadence.FORTNIGHTLY: timedelta(weeks=2),
    Cadence.MONTHLY: timedelta(weeks=4),
}


class StepState(StrEnum):
    """A small step (GL-5): open until done; changing its words replaces it."""

    OPEN = "open"
    DONE = "done"
    CHANGED = "changed"
    DROPPED = "dropped"


class GoalProblem(ValueError):
    """A goal change that cannot be made; `reason` names the content message that says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Rating:
    """One rating as given: its scale and its raw value, never converted (GL-3)."""

    scale: Scale
    value: str

    @classmethod
    def of(cls, scale: Scale, value: str) -> Rating:
        """A rating from what was tapped or written; GoalProblem if it is not on the scale."""
        value = value.strip().lower()
        if scale is Scale.TEN:
            # Digits as people write them (Arabic-Indic too), never "²" or "½".
            number = whole_number(value, low=0, high=10)
            if number is None:
                raise GoalProblem("goal_rating_not_on_scale")
            return cls(scale, str(number))
        if value not in {picture.value for picture in Picture}:
            raise GoalProblem("goal_rating_not_on_scale")
        return cls(scale, value)


def most_goals(profile_most: int | None, *, easy_read: bool) -> int:
    """How many goals a young person may have at once: their profile's number, else 1 for
    easy read and 3 otherwise (GL-1)."""
    if profile_most is not None:
        return max(1, min(profile_most, MOST_GOALS))
    return MOST_GOALS_EASY if easy_read else MOST_GOALS


def default_scale(*, easy_read: bool) -> Scale:
    """Three pictures for easy read (managed by people with and without cognitive
    difficulties), 0 to 10 otherwise; a profile may choose either."""
    return Scale.PICTURES if easy_read else Scale.TEN


def check_words(words: str) -> str:
    """A goal's or step's words exactly as given (GL-2), if there are some and not too many."""
    if not words.strip():
        raise GoalProblem("goal_words_missing")
    if len(words) > LONGEST_WORDS:
        raise GoalProblem("goal_words_too_long")
    return words


def check_room(counted: int, most: int) -> None:
    """Room for one more goal, or GoalProblem offering to pause one (GL-1)."""
    if counted >= most:
        raise GoalProblem("goal_no_room")


def check_step_room(open_steps: int) -> None:
    """Room for one more open step (GL-5)."""
    if open_steps >= MOST_OPEN_STEPS:
        raise GoalProblem("goal_step_no_room")


def next_check_in(cadence: Cadence, *, after: datetime) -> datetime | None:
    """When to ask next, one period after `after` (the last rating or check-in); None at
    sessions only. Never because of silence: only the chosen period moves it (GL-7)."""
    every = cadence.every
    return None if every is None else after + every


def needs_review(last_rated: datetime, now: datetime) -> bool:
    """No rating for 12 weeks: the worker is asked to rate it with them (GL-4)."""
    return now - last_rated >= REVIEW_AFTER
