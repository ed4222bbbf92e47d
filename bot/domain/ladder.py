"""Who hears about a concern, in what order, and how long each has before the next is told.

A concern goes to the young person's named worker first. If nobody acknowledges it in time it
climbs: the hub's duty worker, then the council's out-of-hours team (out of hours) or a hub
manager (in office hours). A council may have the out-of-hours team told first out of hours.
At the top, the last step is repeated until someone has it: a concern is never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from bot.domain.safety.worry import Urgency

__all__ = [
    "ABOVE_THE_TOP",
    "ConcernState",
    "CouncilRules",
    "Step",
    "Urgency",
    "also_told",
    "fallback",
    "ladder",
    "next_rung",
]


class Step(StrEnum):
    """One step of the ladder: who is told."""

    NAMED_WORKER = "named_worker"
    DUTY = "duty"
    ON_CALL = "on_call"
    MANAGER = "manager"


class ConcernState(StrEnum):
    """Where a concern is."""

    # Waypoint asked the young person "Are you OK?" (words that may be a worry).
    ASKING = "asking"
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    CLOSED = "closed"
    # They said "I'm OK": never alerted, closed, and shown to staff at their next look.
    NOTED = "noted"


# States with no step to come: nobody is (or will be) alerted about these.
DONE = frozenset({ConcernState.CLOSED, ConcernState.NOTED})


class CheckAnswer(StrEnum):
    """The young person's answer to "Are you OK?"."""

    OK = "ok"
    WORRIED = "worried"
    TALK = "talk"

    @property
    def event(self) -> str:
        """The concern's chronology entry for this answer."""
        return f"check_{self.value}"


@dataclass(frozen=True)
class CouncilRules:
    """A council's choices for its ladder; the defaults are the research's."""

    minutes_high: int = 10
    minutes_other: int = 60
    opens: time = time(9)
    closes: time = time(17)
    on_call_first: bool = False
    # Weekdays the hubs are closed (bank holidays): out of hours all day.
    holidays: frozenset[date] = frozenset()

    def wait(self, urgency: Urgency) -> timedelta:
        """How long one step has to acknowledge before the next is told."""
        return timedelta(
            minutes=self.minutes_high if urgency is Urgency.HIGH else self.minutes_other
        )

    def in_hours(self, local: datetime) -> bool:
        """Office hours: Monday to Friday, not a bank holiday, between opening and closing, in
        the hub's time zone."""
        if local.weekday() >= 5 or local.date() in self.holidays:
            return False
        return self.opens <= local.time() < self.closes


# With nobody on a concern's rung or above: the council's out-of-hours team, whatever the
# time; then, coming back down, anyone who could take it now (the named worker or cover first).
ABOVE_THE_TOP = (Step.ON_CALL, Step.NAMED_WORKER, Step.DUTY, Step.MANAGER)


def ladder(*, in_hours: bool, on_call_first: bool) -> tuple[Step, ...]:
    """The steps for a concern raised in or out of office hours."""
    if in_hours:
        return (Step.NAMED_WORKER, Step.DUTY, Step.MANAGER)
    if on_call_first:
        # The named worker is told at the first step too (see `also_told`).
        return (Step.ON_CALL, Step.MANAGER)
    return (Step.NAMED_WORKER, Step.DUTY, Step.ON_CALL)


def also_told(*, in_hours: bool, on_call_first: bool) -> tuple[Step, ...]:
    """Who hears at the first step as well as the first step's own people."""
    if not in_hours and on_call_first:
        return (Step.NAMED_WORKER,)
    return ()


def fallback(step: Step) -> Step | None:
    """Who takes a step when nobody fills it (no on-call team: a manager)."""
    return Step.MANAGER if step is Step.ON_CALL else None


def next_rung(rung: int, steps: tuple[Step, ...]) -> int:
    """The rung after this one; the top rung repeats, so nobody can stop being told."""
    return min(rung + 1, len(steps) - 1)
