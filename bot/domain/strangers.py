"""Answering people Waypoint does not know: a few answers an hour each, keeping nothing.

A stranger who writes a hundred messages gets a handful of answers, not a hundred: every
answer goes through the shared outbox, and a flood of them would spend the sending budget
everyone shares. The budget is counted under a pseudonymous key and forgotten after the hour.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

ANSWERS_PER_WINDOW = 3
# Someone fixing a mistyped invite link is answered each time, up to the guessing brake's own
# pauses (bot.domain.guessing), and someone who sounds worried keeps being shown the helplines;
# every other kind of answer gets the small allowance.
ALLOWANCES = {"code_refused": 10, "concern_helplines": 10}
WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class Answered:
    """How many answers one stranger has had in the current window."""

    count: int
    window_started_at: datetime


def budget_key(telegram_user_id: int, purpose: str) -> str:
    """A pseudonymous key for an account and a kind of answer (greetings, helplines)."""
    return hashlib.sha256(f"waypoint-stranger:{purpose}:{telegram_user_id}".encode()).hexdigest()


def may_answer(answered: Answered | None, now: datetime, *, purpose: str) -> bool:
    """Whether this stranger may get one more answer of this kind now."""
    if answered is None or now - answered.window_started_at >= WINDOW:
        return True
    return answered.count < ALLOWANCES.get(purpose, ANSWERS_PER_WINDOW)


def after_answer(answered: Answered | None, now: datetime) -> Answered:
    """The record after one more answer."""
    if answered is None or now - answered.window_started_at >= WINDOW:
        return Answered(1, now)
    return Answered(answered.count + 1, answered.window_started_at)
