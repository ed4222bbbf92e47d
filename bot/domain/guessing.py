"""Slowing down anyone who guesses invite codes, while keeping almost nothing about them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

FREE_FAILURES = 5
WINDOW = timedelta(hours=1)
FIRST_PAUSE = timedelta(minutes=1)
LONGEST_PAUSE = timedelta(hours=24)


@dataclass(frozen=True)
class Attempts:
    """Failed code attempts from one Telegram account within the current window."""

    failures: int
    window_started_at: datetime
    blocked_until: datetime | None = None


def subject_key(telegram_user_id: int) -> str:
    """A pseudonymous key for an account, so the attempts table holds no Telegram ids."""
    return hashlib.sha256(f"waypoint-code-attempts:{telegram_user_id}".encode()).hexdigest()


def is_blocked(attempts: Attempts | None, now: datetime) -> bool:
    """Whether this account must wait before any code it sends is even looked at."""
    return (
        attempts is not None
        and attempts.blocked_until is not None
        and now < attempts.blocked_until
    )


def is_forgotten(attempts: Attempts, now: datetime) -> bool:
    """Whether the record has done its job and should be deleted.

    A paused account is remembered for a window after its pause ends, so that guessing on
    straight after a pause keeps doubling it instead of starting again from free attempts.
    """
    if attempts.blocked_until is not None:
        return now - attempts.blocked_until >= WINDOW
    return now - attempts.window_started_at >= WINDOW


def after_failure(attempts: Attempts | None, now: datetime) -> Attempts:
    """The record after one more wrong, used or expired code.

    The first few mistakes are free (a young person may mistype); after that each one doubles
    the pause, up to a day, so guessing a 144-bit code is hopeless and a typo costs little.
    """
    if attempts is None or is_forgotten(attempts, now):
        attempts = Attempts(failures=0, window_started_at=now)
    failures = attempts.failures + 1
    blocked_until = None
    if failures >= FREE_FAILURES:
        pause = min(FIRST_PAUSE * 2 ** (failures - FREE_FAILURES), LONGEST_PAUSE)
        blocked_until = now + pause
    return Attempts(failures, attempts.window_started_at, blocked_until)
