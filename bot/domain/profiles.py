"""A young person's communication profile: how Waypoint writes to them.

It follows the Accessible Information Standard (ask, record, flag, share, act, review): the
speech and language therapist or worker records it, Waypoint acts on it for every message,
and it carries the date it must be reviewed by.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import Any

from bot.domain.goals import MOST_GOALS, Cadence, Scale, default_scale, most_goals
from bot.domain.numbers import calendar_day, whole_number
from bot.domain.reminders import (
    DEFAULT_OFFSETS,
    Offset,
    OffsetProblem,
    QuietHours,
    format_offsets,
    parse_offsets,
    parse_quiet,
)


class Level(StrEnum):
    """How a message is written: easy read, or standard for those whose profile says so."""

    EASY = "easy"
    STANDARD = "standard"


class Replies(StrEnum):
    """How the young person answers a choice: by tapping buttons or by writing."""

    BUTTONS = "buttons"
    FREE_TEXT = "free_text"


DEFAULT_PROCESSING_MINUTES = 10
DEFAULT_MAX_SENTENCES = 3
LANGUAGES = ("en", "ar")


class ProfileProblem(ValueError):
    """A profile change that cannot be made; the text says what to write instead."""


@dataclass(frozen=True)
class CommunicationProfile:
    """Everything that decides which words a young person gets, and how many at once."""

    language: str = "en"
    level: Level = Level.EASY
    symbols: bool = False
    preferred_name: str | None = None
    # Words the young person knows, used in place of the word content/ uses ("goal" -> "plan").
    swaps: Mapping[str, str] = field(default_factory=dict)
    processing_minutes: int = DEFAULT_PROCESSING_MINUTES
    replies: Replies = Replies.BUTTONS
    max_sentences: int = DEFAULT_MAX_SENTENCES
    review_on: date | None = None
    # Session reminders: how long before (SE-3), sent without a sound (SE-8), and the young
    # person's own quiet hours on top of the council's (SE-7).
    reminders: tuple[Offset, ...] = DEFAULT_OFFSETS
    silent: bool = False
    quiet: QuietHours | None = None
    # Goals (GL-1, GL-3, GL-4): how many at once (None: 1 for easy read, else 3), the rating
    # scale (None: pictures for easy read, else 0 to 10) and how often Waypoint asks.
    goals_most: int | None = None
    rating_scale: Scale | None = None
    check_ins: Cadence = Cadence.SESSIONS

    @property
    def most_goals(self) -> int:
        """How many goals they may have at once."""
        return most_goals(self.goals_most, easy_read=self.level is Level.EASY)

    @property
    def scale(self) -> Scale:
        """The scale they rate goals on."""
        return self.rating_scale or default_scale(easy_read=self.level is Level.EASY)

    @classmethod
    def from_record(cls, language: str, stored: Mapping[str, Any] | None) -> CommunicationProfile:
        """Rebuild a profile from its database row; unknown or missing keys take defaults."""
        data = dict(stored or {})
        review = data.get("review_on")
        return cls(
            language=language,
            level=Level(data.get("level", Level.EASY)),
            symbols=bool(data.get("symbols", False)),
            preferred_name=data.get("preferred_name") or None,
            swaps=dict(data.get("swaps", {})),
            processing_minutes=int(data.get("processing_minutes", DEFAULT_PROCESSING_MINUTES)),
            replies=Replies(data.get("replies", Replies.BUTTONS)),
            max_sentences=int(data.get("max_sentences", DEFAULT_MAX_SENTENCES)),
            review_on=date.fromisoformat(review) if review else None,
            reminders=_stored_offsets(data.get("reminders")),
            silent=bool(data.get("silent", False)),
            quiet=parse_quiet(data["quiet"]) if data.get("quiet") else None,
            goals_most=int(data["goals"]) if data.get("goals") else None,
            rating_scale=Scale(data["scale"]) if data.get("scale") else None,
            check_ins=Cadence(data.get("check_ins", Cadence.SESSIONS)),
        )

    def to_record(self) -> dict[str, Any]:
        """The JSON kept in the database (language has its own column)."""
        return {
            "level": self.level.value,
            "symbols": self.symbols,
            "preferred_name": self.preferred_name,
            "swaps": dict(self.swaps),
            "processing_minutes": self.processing_minutes,
            "replies": self.replies.value,
            "max_sentences": self.max_sentences,
            "review_on": self.review_on.isoformat() if self.review_on else None,
            "reminders": format_offsets(self.reminders),
            "silent": self.silent,
            "quiet": str(self.quiet) if self.quiet else None,
            "goals": self.goals_most,
            "scale": self.rating_scale.value if self.rating_scale else None,
            "check_ins": self.check_ins.value,
        }

    def review_due(self, today: date) -> bool:
        """Whether the profile has no review date, or the date has come."""
        return self.review_on is None or self.review_on <= today

    def changed(self, setting: str, value: str, *, today: date) -> CommunicationProfile:
        """This profile with one setting changed from the words staff typed."""
        parse = _PARSERS.get(setting.lower())
        if parse is None:
            raise ProfileProblem(f"there is no setting called {setting!r}; use one of {SETTINGS}")
        return parse(self, value.strip(), today)


def _language(profile: CommunicationProfile, value: str, _: date) -> CommunicationProfile:
    if value.lower() not in LANGUAGES:
        raise ProfileProblem(f"language must be one of {', '.join(LANGUAGES)}")
    return replace(profile, language=value.lower())


def _level(profile: CommunicationProfile, value: str, _: date) -> CommunicationProfile:
    try:
        return replace(profile, level=Level(value.lower()))
    except ValueError:
        raise ProfileProblem("reading must be easy or standard") from None


def _on_off(value: str) -> bool:
    if value.lower() in {"on", "yes", "true"}:
        return True
    if value.lower() in {"off", "no", "false"}:
        return False
    raise ProfileProblem("write on or off")


def _symbols(profile: CommunicationProfile, value: str, _: date) -> CommunicationProfile:
    return replace(profile, symbols=_on_off(value))


def _name(profile: CommunicationProfile, value: str, _: date) -> CommunicationProfile:
    if len(value) > 40:
        raise ProfileProblem("a preferred name can be at most 40 characters")
    return replace(profile, preferred_name=value or None)


_SWAP = re.compile(r"^\s*([^=]+?)\s*=\s*([^=]*?)\s*$")


def _words(profile: CommunicationProfile, value: str, _: date) -> CommunicationProfile:
    """`goal=plan` swaps a word; `goal=` forgets the swap."""
    match = _SWAP.match(value)
    if match is None:
        raise ProfileProblem("write the word to avoid, =, then the word to use, like goal=plan")
    avoid, use = match.group(1).lower(), match.group(2)
    swaps = dict(profile.swaps)
    if use:
        swaps[avoid] = use
    else:
        swaps.pop(avoid, None)
    return replace(profile, swaps=swaps)


def _whole_number(value: str, low: int, high: int, what: str) -> int:
    number = whole_number(value, low=low, high=high)
    if number is None:
        raise ProfileProblem(f"{what} must be a whole number from {low} to {high}")
    return number


def _wait(profile: CommunicationProfile, value: str, _: date) -> CommunicationProfile:
    minutes = _whole_number(value, 1, 24 * 60, "wait (minutes before a follow-up)")
    return replace(profile, processing_minutes=minutes)


def _sentences(profile: CommunicationProfile, value: str, _: date) -> CommunicationProfile:
    return replace(profile, max_sentences=_whole_number(value, 1, 10, "sentences"))


def _replies(profile: CommunicationProfile, value: str, _: date) -> CommunicationProfile:
    choices = {"buttons": Replies.BUTTONS, "text": Replies.FREE_TEXT}
    if value.lower() not in choices:
        raise ProfileProblem("replies must be buttons or text")
    return replace(profile, replies=choices[value.lower()])


def _review(profile: CommunicationProfile, value: str, today: date) -> CommunicationProfile:
    review_on = calendar_day(value)
    if review_on is None:
        raise ProfileProblem("write the review date as year-month-day, like 2027-03-02")
    if review_on <= today:
        raise ProfileProblem("the review date must be after today")
    return replace(profile, review_on=review_on)


def _stored_offsets(stored: str | None) -> tuple[Offset, ...]:
    return DEFAULT_OFFSETS if stored is None else parse_offsets(stored)


def _reminders(profile: CommunicationProfile, value: str, _: date) -> CommunicationProfile:
    try:
        return replace(profile, reminders=parse_offsets(value))
    except OffsetProblem as problem:
        raise ProfileProblem(str(problem)) from None


def _silent(profile: CommunicationProfile, value: str, _: date) -> CommunicationProfile:
    return replace(profile, silent=_on_off(value))


def _quiet(profile: CommunicationProfile, value: str, _: date) -> CommunicationProfile:
    if value.lower() in {"off", "none"}:
        return replace(profile, quiet=None)
    try:
        return replace(profile, quiet=parse_quiet(value))
    except OffsetProblem as problem:
        raise ProfileProblem(str(problem)) from None


def _goals(profile: CommunicationProfile, value: str, _: date) -> CommunicationProfile:
    return replace(profile, goals_most=_whole_number(value, 1, MOST_GOALS, "goals"))


def _scale(profile: CommunicationProfile, value: str, _: date) -> CommunicationProfile:
    choices = {"pictures": Scale.PICTURES, "ten": Scale.TEN, "0-10": Scale.TEN}
    if value.lower() not in choices:
        raise ProfileProblem(
            "scale must be pictures (going well, sometimes, not going well) or ten"
        )
    return replace(profile, rating_scale=choices[value.lower()])


def _check_ins(profile: CommunicationProfile, value: str, _: date) -> CommunicationProfile:
    try:
        return replace(profile, check_ins=Cadence(value.lower()))
    except ValueError:
        names = ", ".join(c.value for c in Cadence)
        raise ProfileProblem(f"check_ins must be one of {names}") from None


_PARSERS = {
    "language": _language,
    "reading": _level,
    "symbols": _symbols,
    "name": _name,
    "words": _words,
    "wait": _wait,
    "sentences": _sentences,
    "replies": _replies,
    "review": _review,
    "reminders": _reminders,
    "silent": _silent,
    "quiet": _quiet,
    "goals": _goals,
    "scale": _scale,
    "check_ins": _check_ins,
}
SETTINGS = ", ".join(_PARSERS)
