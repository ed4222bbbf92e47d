"""The message catalogue: every word Waypoint says, picked by id, language and reading level.

English lives in TOML files under content/messages, one table per message id:

    [welcome]
    status = "approved"            # or "draft": only approved messages go live
    reviewed_by = "A. Therapist"
    reviewed_on = 2026-11-22
    buttons = ["yes", "no"]        # optional: at most 3, labels are the button_<key> messages
    [welcome.en]
    easy = "Hi {name}."
    standard = "Hi {name}, welcome."
    symbols = ["👋"]                # optional: one picture per line of the easy text

Other languages live in gettext catalogues, content/locale/<lang>/LC_MESSAGES/waypoint.po,
made from the TOML files by Babel (`pybabel extract -F babel.cfg`): the context of each
entry is "<message id>|<level>". A translation marked fuzzy is a draft.

Fallback when a variant is missing or not live: the other reading level in the same
language, then the same reading level in English, then the other level in English.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from babel.core import Locale, UnknownLocaleError
from babel.messages.pofile import read_po

from bot.domain.profiles import Level
from bot.paths import project_folder

__all__ = ["Catalogue", "ContentError", "Level", "Message", "Variant"]

DEFAULT_LANGUAGE = "en"
DOMAIN = "waypoint"
MAX_BUTTONS = 3
# Every choice ends with these two, so a young person is never stuck (SL-7).
ALWAYS_BUTTONS = ("something_else", "help")
BUTTON_PREFIX = "button_"
_META_KEYS = frozenset({"status", "reviewed_by", "reviewed_on", "notes", "audience", "buttons"})
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


def right_to_left(language: str) -> bool:
    """Whether this language is written right to left (Arabic, Hebrew, Urdu, ...)."""
    try:
        return Locale.parse(language).character_order == "right-to-left"
    except (UnknownLocaleError, ValueError):
        return False


def _checked_text(where: str, text: object) -> str:
    if not isinstance(text, str) or not text.strip():
        raise ContentError(f"{where}: must be non-empty text")
    try:
        placeholders(text)
    except ValueError as exc:
        raise ContentError(f"{where}: {exc}") from None
    return text.strip()


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
        level: _checked_text(f"{where}.{level.value}", table[level.value])
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
        reviewed_by=str(reviewed_by),
        reviewed_on=reviewed_on if isinstance(reviewed_on, date) else None,
        notes=str(table.get("notes", "")),
    )


def _read_toml(root: Path) -> dict[str, Message]:
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


def _add_translations(messages: dict[str, Message], locale_root: Path) -> None:
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
            texts.setdefault(entry.message_id, {})[entry.level] = _checked_text(where, entry.text)
            if entry.fuzzy:
                drafts.setdefault(entry.message_id, set()).add(entry.level)
        for message_id, by_level in texts.items():
            messages[message_id].variants[language] = Variant(
                by_level, drafts=frozenset(drafts.get(message_id, ()))
            )


class Catalogue:
    """All messages, loaded and checked once at start-up."""

    def __init__(self, messages: dict[str, Message], *, allow_drafts: bool = False) -> None:
        self._messages = messages
        self.allow_drafts = allow_drafts

    @classmethod
    def load(cls, folder: Path | None = None, *, allow_drafts: bool = False) -> Catalogue:
        """Read content/messages and content/locale; a bad file stops start-up with its name.

        Without `allow_drafts`, every message must be approved: Waypoint will not say
        anything to a young person that a speech and language therapist has not signed off.
        """
        root = folder or project_folder("content")
        messages = _read_toml(root / "messages")
        _add_translations(messages, root / "locale")
        catalogue = cls(messages, allow_drafts=allow_drafts)
        catalogue._check_buttons()
        if not allow_drafts:
            drafts = [m for m in catalogue.messages() if not m.approved]
            if drafts:
                names = ", ".join(f"{m.source.name} [{m.id}]" for m in drafts[:5])
                more = f" and {len(drafts) - 5} more" if len(drafts) > 5 else ""
                raise ContentError(
                    f"{len(drafts)} messages are drafts ({names}{more}): a speech and language "
                    "therapist must approve them (status, reviewed_by, reviewed_on) before "
                    "Waypoint talks to young people. To try Waypoint with draft wording, set "
                    "WAYPOINT_ALLOW_DRAFT_CONTENT=true."
                )
        return catalogue

    def _check_buttons(self) -> None:
        for key in ALWAYS_BUTTONS:
            if BUTTON_PREFIX + key not in self._messages:
                raise ContentError(f"content/messages: no [{BUTTON_PREFIX}{key}] button label")
        for message in self._messages.values():
            for key in message.buttons:
                if BUTTON_PREFIX + key not in self._messages:
                    raise ContentError(
                        f"{message.source.name} [{message.id}]: button {key!r} has no "
                        f"[{BUTTON_PREFIX}{key}] label"
                    )

    def ids(self) -> list[str]:
        """Every message id, sorted."""
        return sorted(self._messages)

    def messages(self) -> list[Message]:
        """Every message, sorted by id."""
        return [self._messages[message_id] for message_id in self.ids()]

    def message(self, message_id: str) -> Message:
        """One message by id."""
        message = self._messages.get(message_id)
        if message is None:
            raise ContentError(f"no message with id {message_id!r} in content/messages")
        return message

    def languages(self) -> list[str]:
        """English, then every language with at least one translation."""
        found = {lang for m in self._messages.values() for lang in m.variants}
        return [DEFAULT_LANGUAGE, *sorted(found - {DEFAULT_LANGUAGE})]

    def live(self, message: Message, language: str, level: Level) -> bool:
        """Whether this variant may be shown: approved, or drafts allowed for a trial."""
        variant = message.variants.get(language)
        if variant is None or level not in variant.texts:
            return False
        return self.allow_drafts or (message.approved and level not in variant.drafts)

    def template(self, message_id: str, language: str, level: Level) -> Template:
        """The wording for this reader, following the fallback order in the module notes."""
        message = self.message(message_id)
        other = Level.STANDARD if level is Level.EASY else Level.EASY
        for lang, lvl in (
            (language, level),
            (language, other),
            (DEFAULT_LANGUAGE, level),
            (DEFAULT_LANGUAGE, other),
        ):
            if self.live(message, lang, lvl):
                return Template(message, message.variants[lang].texts[lvl], lang, lvl)
        raise ContentError(f"{message.source.name} [{message_id}]: no approved wording to send")

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
        """Like `text`, with the values given as a mapping (no profile: see content.render)."""
        return fill(self.template(message_id, language, level), values)


def fill(template: Template, values: Mapping[str, str]) -> str:
    """The template's text with its `{names}` filled in; a missing value is a content error."""
    missing = placeholders(template.text) - set(values)
    if missing:
        raise ContentError(f"{template.message.id}: no value given for {sorted(missing)}")
    return template.text.format_map(values)
