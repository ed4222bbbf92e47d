"""Helplines from content/helplines.toml, and which of them are due a fresh check (SG-6)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from types import MappingProxyType

from bot.content.messages import ContentError, read_toml
from bot.paths import project_folder

# SG-6: a number nobody has checked for 6 months may have changed.
CHECK_EVERY = timedelta(days=183)
_FIELDS = ("name", "contact", "for_whom", "hours", "verified_on", "source")


@dataclass(frozen=True)
class Helpline:
    """One service a young person can contact, and when its details were last checked."""

    id: str
    name: str
    contact: str
    for_whom: str
    hours: str
    verified_on: date
    source: str


def _helpline(helpline_id: str, table: object) -> Helpline:
    where = f"helplines.toml [{helpline_id}]"
    if not isinstance(table, dict):
        raise ContentError(f"{where}: expected a table of {', '.join(_FIELDS)}")
    missing = [name for name in _FIELDS if name not in table]
    if missing:
        raise ContentError(f"{where}: missing {', '.join(missing)}")
    checked = table["verified_on"]
    if not isinstance(checked, date):
        raise ContentError(f"{where}: verified_on must be a date like 2026-11-22, not {checked!r}")
    return Helpline(
        id=helpline_id,
        name=str(table["name"]),
        contact=str(table["contact"]),
        for_whom=str(table["for_whom"]),
        hours=str(table["hours"]),
        verified_on=checked,
        source=str(table["source"]),
    )


def load_helplines(folder: Path | None = None) -> list[Helpline]:
    """Every helpline, in file order; a bad entry stops start-up with what to fix."""
    path = (folder or project_folder("content")) / "helplines.toml"
    data = read_toml(path)
    return [_helpline(helpline_id, table) for helpline_id, table in data.items()]


def due_a_check(helplines: list[Helpline], today: date) -> list[Helpline]:
    """The helplines whose last check is more than 6 months old."""
    return [line for line in helplines if today - line.verified_on > CHECK_EVERY]


# The placeholder in content/messages, and the helpline in helplines.toml that fills it.
_PLACEHOLDERS = {
    "emergency": "emergency",
    "childline": "childline",
    "shout": "shout",
    "samaritans": "samaritans",
    "nhs": "nhs_111",
}


@cache
def helpline_values() -> Mapping[str, str]:
    """The numbers young people are given, as values for content/messages placeholders.

    Read once (and checked at start-up), not on every greeting and every concern.
    """
    contacts = {line.id: line.contact for line in load_helplines()}
    missing = sorted(set(_PLACEHOLDERS.values()) - set(contacts))
    if missing:
        raise ContentError(f"helplines.toml: no [{'], ['.join(missing)}] table")
    return MappingProxyType({name: contacts[key] for name, key in _PLACEHOLDERS.items()})
