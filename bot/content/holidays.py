"""Bank holidays from content/bank_holidays.toml: weekdays the hubs are closed."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from pathlib import Path

from bot.content.messages import ContentError, read_toml
from bot.paths import project_folder

# Warn when the file's last day is closer than this: next year's days need adding.
LOOK_AHEAD = timedelta(days=183)


def load_holidays(folder: Path | None = None) -> frozenset[date]:
    """Every bank holiday in the file; a mistake stops start-up with what to fix."""
    path = (folder or project_folder("content")) / "bank_holidays.toml"
    days = read_toml(path).get("days")
    if not isinstance(days, list) or not all(isinstance(day, date) for day in days):
        raise ContentError(f"{path}: days must be a list of dates like [2026-12-25, 2026-12-28]")
    return frozenset(days)


@cache
def project_holidays() -> frozenset[date]:
    """The project's bank holidays, read once."""
    return load_holidays()


def running_out(days: frozenset[date], today: date) -> bool:
    """Whether the list ends within the next 6 months."""
    return not days or max(days) < today + LOOK_AHEAD
