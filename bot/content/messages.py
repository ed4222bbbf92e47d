"""What content is made of: message ids with their wording per language and reading level.

A `Message` is one id from content/messages with its variants; a `Template` is the wording
picked for one reader. Reading the files is in `bot.content.message_files`; choosing among
variants (approval and fallback) is `bot.content.catalogue.Catalogue`.
"""

from __future__ import annotations

import functools
import string
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from babel.core import Locale, UnknownLocaleError

from bot.domain.profiles import Level

DEFAULT_LANGUAGE = "en"
DOMAIN = "waypoint"
MAX_BUTTONS = 3
# Every choice ends with these two, so a young person is never stuck (SL-7).
ALWAYS_BUTTONS = ("something_else", "help")
BUTTON_PREFIX = "button_"
_META_KEYS = frozenset(
    {"status", "reviewed_by", "reviewed_on", "notes", "audience", "buttons", "ends_with"}
)
AUDIENCES = frozenset({"young_person", "staff"})


class ContentError(Exception):
    """A content file is wrong; the message names the file, the message id and what to fix."""


@dataclass(frozen=True)
class Variant:
    """One message in one language."""

    texts: dict[Level, str]
    symbols: tuple[str, ...] = ()
    # Translations marked fuzzy in their .po file are drafts, whatever the message's status.
    drafts: frozenset[Level] = frozenset()


@dataclass(frozen=True)
class Message:
    """A message id with its wording in every language it has."""

    id: str
    source: Path
    status: str
    variants: dict[str, Variant] = field(default_factory=dict)
    audience: str = "young_person"
    buttons: tuple[str, ...] = ()
    # What the choice ends with: both of ALWAYS_BUTTONS unless content says only "help" (a
    # home, whose own words are already "something else": write anything).
    ends_with: tuple[str, ...] = ALWAYS_BUTTONS
    reviewed_by: str = ""
    reviewed_on: date | None = None
    notes: str = ""

    @property
    def approved(self) -> bool:
        """Whether a speech and language therapist has signed this message off."""
        return self.status == "approved"


@dataclass(frozen=True)
class Template:
    """The wording picked for one reader, and where it came from."""

    message: Message
    text: str
    language: str
    level: Level

    @property
    def symbols(self) -> tuple[str, ...]:
        """Pictures for the lines of the easy text, taken from English when translated."""
        if self.level is not Level.EASY:
            return ()
        return self.message.variants[DEFAULT_LANGUAGE].symbols


@dataclass(frozen=True)
class Wording:
    """One approved version of a message in one language, written for a council in the
    content studio, as the catalogue overlays it on the shipped message (bot.content.wordings).
    Symbols and buttons are English only; a translation names the English version it was
    written against (`english_version_id`, None for the shipped English)."""

    id: int
    message_id: str
    language: str
    easy: str | None
    standard: str | None
    symbols: tuple[str, ...] = ()
    buttons: tuple[str, ...] = ()
    english_version_id: int | None = None

    def texts(self) -> dict[Level, str]:
        """The version's texts by reading level (a level it leaves empty is missing)."""
        found = {Level.EASY: self.easy, Level.STANDARD: self.standard}
        return {level: text for level, text in found.items() if text}


def placeholders(text: str) -> set[str]:
    """The `{names}` a text needs filled in."""
    names = set()
    for _, name, spec, conversion in string.Formatter().parse(text):
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise ValueError(f"placeholder {{{name}}} must be a plain name like {{worker}}")
        names.add(name)
    return names


@functools.lru_cache(maxsize=64)
def right_to_left(language: str) -> bool:
    """Whether this language is written right to left (Arabic, Hebrew, Urdu, ...)."""
    try:
        return Locale.parse(language).character_order == "right-to-left"
    except (UnknownLocaleError, ValueError):
        return False


def checked_text(where: str, text: object) -> str:
    """The text, stripped, if it is non-empty and its placeholders are plain names."""
    if not isinstance(text, str) or not text.strip():
        raise ContentError(f"{where}: must be non-empty text")
    try:
        placeholders(text)
    except ValueError as exc:
        raise ContentError(f"{where}: {exc}") from None
    return text.strip()


def read_toml(path: Path, what: str = "it") -> dict[str, Any]:
    """One content file, parsed; a missing or broken file says which and why."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ContentError(f"{path}: cannot read {what}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ContentError(f"{path}: {what} must be saved as UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(f"{path}: not valid TOML: {exc}") from None
