"""The message catalogue: every word Waypoint says, picked by id, language and reading level.

Files are TOML, one table per message id:

    [welcome]
    status = "approved"            # or "draft"
    reviewed_by = "A. Therapist"
    reviewed_on = 2026-11-22
    [welcome.en]
    easy = "Hi {name}."
    standard = "Hi {name}, welcome."
    symbols = "👋"                  # optional

Fallback when a variant is missing: the other reading level in the same language, then the
same reading level in English, then the other level in English.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from bot.paths import project_folder

DEFAULT_LANGUAGE = "en"
_META_KEYS = frozenset({"status", "reviewed_by", "reviewed_on", "notes", "audience"})
AUDIENCES = frozenset({"young_person", "staff"})


class Level(StrEnum):
    """How a message is written: easy read, or standard for those whose profile says so."""

    EASY = "easy"
    STANDARD = "standard"


class ContentError(Exception):
    """A content file is wrong; the message names the file, the message id and what to fix."""


@dataclass(frozen=True)
class Variant:
    """One message in one language."""

    texts: dict[Level, str]
    symbols: str | None = None


@dataclass(frozen=True)
class Message:
    """A message id with its wording in every language it has."""

    id: str
    source: Path
    status: str
    variants: dict[str, Variant] = field(default_factory=dict)
    audience: str = "young_person"


def _placeholders(text: str) -> set[str]:
    names = set()
    for _, name, spec, conversion in string.Formatter().parse(text):
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise ValueError(f"placeholder {{{name}}} must be a plain name like {{worker}}")
        names.add(name)
    return names


def _variant(where: str, table: object) -> Variant:
    if not isinstance(table, dict):
        raise ContentError(f"{where}: expected a table with easy and standard texts")
    texts: dict[Level, str] = {}
    for level in Level:
        text = table.get(level.value)
        if text is None:
            continue
        if not isinstance(text, str) or not text.strip():
            raise ContentError(f"{where}.{level.value}: must be non-empty text")
        try:
            _placeholders(text)
        except ValueError as exc:
            raise ContentError(f"{where}.{level.value}: {exc}") from None
        texts[level] = text.strip()
    unknown = set(table) - {*Level, "symbols"}
    if unknown:
        raise ContentError(
            f"{where}: unknown keys {sorted(unknown)} (use easy, standard, symbols)"
        )
    if not texts:
        raise ContentError(f"{where}: has neither an easy nor a standard text")
    symbols = table.get("symbols")
    return Variant(texts, symbols if isinstance(symbols, str) else None)


def _message(path: Path, message_id: str, table: object) -> Message:
    where = f"{path.name} [{message_id}]"
    if not isinstance(table, dict):
        raise ContentError(f"{where}: expected a table, found a plain value")
    status = table.get("status", "draft")
    if status not in {"draft", "approved"}:
        raise ContentError(f"{where}: status must be 'draft' or 'approved', not {status!r}")
    audience = table.get("audience", "young_person")
    if audience not in AUDIENCES:
        raise ContentError(
            f"{where}: audience must be 'young_person' or 'staff', not {audience!r}"
        )
    variants = {
        language: _variant(f"{where}.{language}", value)
        for language, value in table.items()
        if language not in _META_KEYS
    }
    if DEFAULT_LANGUAGE not in variants:
        raise ContentError(f"{where}: has no English ({DEFAULT_LANGUAGE}) wording to fall back on")
    return Message(message_id, path, str(status), variants, str(audience))


class Catalogue:
    """All messages, loaded and checked once at start-up."""

    def __init__(self, messages: dict[str, Message]) -> None:
        self._messages = messages

    @classmethod
    def load(cls, folder: Path | None = None) -> Catalogue:
        """Read every `*.toml` under `folder/messages`; a bad file stops start-up with its name."""
        root = (folder or project_folder("content")) / "messages"
        messages: dict[str, Message] = {}
        for path in sorted(root.glob("*.toml")):
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except tomllib.TOMLDecodeError as exc:
                raise ContentError(f"{path}: not valid TOML: {exc}") from None
            for message_id, table in data.items():
                if message_id in messages:
                    other = messages[message_id].source.name
                    raise ContentError(f"{path.name} [{message_id}]: also defined in {other}")
                messages[message_id] = _message(path, message_id, table)
        if not messages:
            raise ContentError(f"{root}: no message files found")
        return cls(messages)

    def ids(self) -> list[str]:
        """Every message id, sorted."""
        return sorted(self._messages)

    def messages(self) -> list[Message]:
        """Every message, sorted by id."""
        return [self._messages[message_id] for message_id in self.ids()]

    def text(
        self,
        message_id: str,
        *,
        language: str = DEFAULT_LANGUAGE,
        level: Level = Level.EASY,
        **values: str,
    ) -> str:
        """The wording for this message, filled in with `values`."""
        return self.render(message_id, values, language=language, level=level)

    def render(
        self,
        message_id: str,
        values: Mapping[str, str],
        *,
        language: str = DEFAULT_LANGUAGE,
        level: Level = Level.EASY,
    ) -> str:
        """Like `text`, with the values given as a mapping."""
        message = self._messages.get(message_id)
        if message is None:
            raise ContentError(f"no message with id {message_id!r} in content/messages")
        template = _pick(message, language, level)
        missing = _placeholders(template) - set(values)
        if missing:
            raise ContentError(f"{message_id}: no value given for {sorted(missing)}")
        return template.format_map(values)


def _pick(message: Message, language: str, level: Level) -> str:
    other = Level.STANDARD if level is Level.EASY else Level.EASY
    for lang, lvl in ((language, level), (language, other), (DEFAULT_LANGUAGE, level)):
        variant = message.variants.get(lang)
        if variant and lvl in variant.texts:
            return variant.texts[lvl]
    return message.variants[DEFAULT_LANGUAGE].texts[other]
