"""Making a goal with a young person (`/goal Sam`): the steps, in one map.

The coach or worker writes the goal in the young person's own words, reads it back exactly
(GL-2) and either saves it or writes it again; then an optional area (GL-10), and it is
saved. Anything not in `TRANSITIONS` (an old button, words where a button was asked for)
changes nothing. The draft is a database row, kept for `DRAFT_LIFETIME`.
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

# A draft nobody touched for this long is forgotten: the next /goal starts afresh.
DRAFT_LIFETIME = timedelta(minutes=30)


class Step(StrEnum):
    """Where the goal being made is: the question the member of staff is answering now."""

    WORDS = "words"
    CHECK = "check"
    AREA = "area"
    # Over: saved, or given up. A draft at either is deleted, never kept.
    SAVED = "saved"
    DROPPED = "dropped"


class Did(StrEnum):
    """What the member of staff did: a button they tapped, or the words they wrote. Every
    value starts `goal_`, so these buttons never reach a booking (bot.domain.booking)."""

    WROTE = "goal_wrote"
    RIGHT = "goal_right"
    AGAIN = "goal_again"
    CHOSE_AREA = "goal_area"
    NO_AREA = "goal_no_area"
    DROP = "goal_drop"


TRANSITIONS: dict[Step, dict[Did, Step]] = {
    Step.WORDS: {Did.WROTE: Step.CHECK, Did.DROP: Step.DROPPED},
    Step.CHECK: {Did.RIGHT: Step.AREA, Did.AGAIN: Step.WORDS, Did.DROP: Step.DROPPED},
    Step.AREA: {Did.CHOSE_AREA: Step.SAVED, Did.NO_AREA: Step.SAVED, Did.DROP: Step.DROPPED},
    Step.SAVED: {},
    Step.DROPPED: {},
}
# The step where the next thing the member of staff writes is the goal, not a new message.
WRITING = frozenset({Step.WORDS})


def next_step(step: Step, did: Did) -> Step | None:
    """The step `did` leads to from `step`, or None when it does not fit there."""
    return TRANSITIONS[step].get(did)
