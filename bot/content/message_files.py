"""Reading content/messages/*.toml (English) and content/locale/*/LC_MESSAGES/waypoint.po
(translations), with errors that name the file, the message id and what to fix."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from babel.messages.pofile import read_po

from bot.content.messages import (
    ALWAYS_BUTTONS,
    AUDIENCES,
    DEFAULT_LANGUAGE,
    DOMAIN,
    MAX_BUTTONS,
    ContentError,
    Message,
    Variant,
    checked_text,
    placeholders,
    read_toml,
)
from bot.domain.profiles import Level

_META_KEYS = frozenset(
    {"status", "reviewed_by", "reviewed_on", "notes", "audience", "buttons", "ends_with"}
)


def _symbols(where: str, value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(s, str) and s for s in value):
        raise ContentError(f'{where}.symbols: write one picture per line, like ["👋", "🧑"]')
    return tuple(value)


def _variant(where: str, table: object) -> Variant:
    if not isinstance(table, dict):
        raise ContentError(f"{where}: expected a table with easy and standard texts")
    unknown = set(table) - {*Level, "symbols"}
    if unknown:
        raise ContentError(
            f"{where}: unknown keys {sorted(unknown)} (use easy, standard, symbols)"
        )
    texts = {
        level: checked_text(f"{where}.{level.value}", table[level.value])
        for level in Level
        if level.value in table
    }
    if not texts:
        raise ContentError(f"{where}: has neither an easy nor a standard text")
    return Variant(texts, _symbols(where, table.get("symbols")))


def _buttons(where: str, value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(b, str) for b in value):
        raise ContentError(f'{where}: buttons must be a list of button names, like ["yes", "no"]')
    if len(value) > MAX_BUTTONS:
        raise ContentError(
            f"{where}: {len(value)} buttons; at most {MAX_BUTTONS} (SL-7), "
            '"Something else" and "Help" are added for you'
        )
    return tuple(value)


def _ends_with(where: str, value: object) -> tuple[str, ...]:
    if value is None:
        return ALWAYS_BUTTONS
    # "Help" is never left out (SL-7): a young person is never stuck.
    if value not in (["help"], list(ALWAYS_BUTTONS)):
        raise ContentError(f'{where}: ends_with must be ["help"] or {list(ALWAYS_BUTTONS)}')
    return tuple(value)


def _message(path: Path, message_id: str, table: object) -> Message:
    where = f"{path.name} [{message_id}]"
    if not isinstance(table, dict):
        raise ContentError(f"{where}: expected a table, found a plain value")
    status = table.get("status", "draft")
    if status not in {"draft", "approved"}:
        raise ContentError(f"{where}: status must be 'draft' or 'approved', not {status!r}")
    reviewed_by, reviewed_on = table.get("reviewed_by", ""), table.get("reviewed_on")
    if status == "approved" and not (reviewed_by and isinstance(reviewed_on, date)):
        raise ContentError(
            f"{where}: an approved message needs reviewed_by and reviewed_on (like 2026-11-22)"
        )
    audience = table.get("audience", "young_person")
    if audience not in AUDIENCES:
        raise ContentError(
            f"{where}: audience must be 'young_person' or 'staff', not {audience!r}"
        )
    languages = [key for key in table if key not in _META_KEYS]
    if languages != [DEFAULT_LANGUAGE]:
        raise ContentError(
            f"{where}: write only English ({DEFAULT_LANGUAGE}) here, found {languages}; "
            f"translations go in content/locale/<language>/LC_MESSAGES/{DOMAIN}.po"
        )
    return Message(
        id=message_id,
        source=path,
        status=str(status),
        variants={DEFAULT_LANGUAGE: _variant(f"{where}.en", table[DEFAULT_LANGUAGE])},
        audience=str(audience),
        buttons=_buttons(where, table.get("buttons")),
        ends_with=_ends_with(where, table.get("ends_with")),
        reviewed_by=str(reviewed_by),
        reviewed_on=reviewed_on if isinstance(reviewed_on, date) else None,
        notes=str(table.get("notes", "")),
    )


def read_messages(root: Path) -> dict[str, Message]:
    """Every message in the TOML files under `root`; the same id twice is an error."""
    messages: dict[str, Message] = {}
    for path in sorted(root.glob("*.toml")):
        data = read_toml(path)
        for message_id, table in data.items():
            if message_id in messages:
                other = messages[message_id].source.name
                raise ContentError(f"{path.name} [{message_id}]: also defined in {other}")
            messages[message_id] = _message(path, message_id, table)
    if not messages:
        raise ContentError(f"{root}: no message files found")
    return messages


@dataclass(frozen=True)
class Translation:
    """One entry of a .po file, matched to the English it translates."""

    message_id: str
    level: Level
    english: str
    text: str
    fuzzy: bool


def read_translations(path: Path) -> Iterator[Translation]:
    """Every translated entry of a .po file; a malformed context names the line to fix."""
    with path.open("rb") as handle:
        catalog = read_po(handle, abort_invalid=True)
    for entry in catalog:
        if not entry.id or not entry.string:
            continue
        message_id, _, level = (entry.context or "").partition("|")
        if level not in set(Level):
            raise ContentError(
                f"{path}:{entry.lineno}: msgctxt must be '<message id>|easy' or '|standard'"
            )
        yield Translation(message_id, Level(level), str(entry.id), str(entry.string), entry.fuzzy)


def _same_placeholders(where: str, english: str, translated: str) -> None:
    """A translation must use exactly the English's {names}: one it renamed ({عامل} for
    {worker}) could not be filled in, and the message would fail when it matters most."""
    wanted, found = placeholders(english), placeholders(translated)
    if wanted != found:
        raise ContentError(
            f"{where}: the translation's placeholders {sorted(found)} differ from the "
            f"English {sorted(wanted)}; copy each {{name}} from the English unchanged"
        )


def add_translations(messages: dict[str, Message], locale_root: Path) -> None:
    """Add each .po file's translations of the current English as that language's variants."""
    for path in sorted(locale_root.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        language = path.parent.parent.name
        texts: dict[str, dict[Level, str]] = {}
        drafts: dict[str, set[Level]] = {}
        for entry in read_translations(path):
            message = messages.get(entry.message_id)
            # An entry for English that has since changed is stale: the linter reports it.
            english = (
                message.variants[DEFAULT_LANGUAGE].texts.get(entry.level) if message else None
            )
            if english != entry.english:
                continue
            where = f"{path} [{entry.message_id}|{entry.level.value}]"
            text = checked_text(where, entry.text)
            _same_placeholders(where, english, text)
            texts.setdefault(entry.message_id, {})[entry.level] = text
            if entry.fuzzy:
                drafts.setdefault(entry.message_id, set()).add(entry.level)
        for message_id, by_level in texts.items():
            messages[message_id].variants[language] = Variant(
                by_level, drafts=frozenset(drafts.get(message_id, ()))
            )
