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

from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path

from bot.content.message_files import add_translations, read_messages
from bot.content.messages import (
    ALWAYS_BUTTONS,
    BUTTON_PREFIX,
    DEFAULT_LANGUAGE,
    ContentError,
    Message,
    Template,
    Variant,
    Wording,
    placeholders,
)
from bot.domain.profiles import Level
from bot.paths import project_folder


class Catalogue:
    """All messages, loaded and checked once at start-up."""

    def __init__(
        self,
        messages: dict[str, Message],
        *,
        allow_drafts: bool = False,
        drafts_when_nothing_live: bool = False,
        shipped: Catalogue | None = None,
    ) -> None:
        self._messages = messages
        # The shipped wording under a council's (the placeholders the code fills in, and
        # the concern path's fallback): itself when nothing is overlaid.
        self.shipped: Catalogue = shipped or self
        self.allow_drafts = allow_drafts
        # The safety lane's view (`for_safety`): a concern never waits on wording.
        self.drafts_when_nothing_live = drafts_when_nothing_live
        self._safety: Catalogue | None = None
        # What `render.every_wording` found, per message: a catalogue never changes.
        self.wordings_seen: dict[str, frozenset[str]] = {}

    @classmethod
    def load(cls, folder: Path | None = None, *, allow_drafts: bool = False) -> Catalogue:
        """Read content/messages and content/locale; a bad file stops start-up with its name.

        Drafts load, but without `allow_drafts` none is sent (`template` refuses it, naming
        it), except on the safety lane (`for_safety`). A council's therapists approve wording
        in the content studio (bot.content.wordings overlays their versions).
        """
        root = folder or project_folder("content")
        messages = read_messages(root / "messages")
        add_translations(messages, root / "locale")
        catalogue = cls(messages, allow_drafts=allow_drafts)
        catalogue._check_buttons()
        return catalogue

    def for_safety(self) -> Catalogue:
        """This catalogue as the safety lane uses it: a concern or helpline message to a young
        person is sent in its draft wording when nothing is live, never held back."""
        if self.drafts_when_nothing_live:
            return self
        if self._safety is None:
            self._safety = Catalogue(
                self._messages,
                allow_drafts=self.allow_drafts,
                drafts_when_nothing_live=True,
                shipped=self.shipped,
            )
        return self._safety

    def overlaid(self, versions: Iterable[Wording]) -> Catalogue:
        """This catalogue with a council's approved versions over the shipped wording.

        `versions` are newest first: the first per message and language wins. A council's
        English replaces the shipped English (its texts, pictures and buttons) and goes live;
        a shipped translation stays only at the levels whose English it translates is
        unchanged. A council's translation goes live only while it translates the English live
        for the council (`english_version_id`); otherwise it is out of date and English is
        used, as a stale .po entry is. Versions of messages no longer shipped are ignored.
        """
        newest: dict[tuple[str, str], Wording] = {}
        for version in versions:
            if version.message_id in self._messages:
                newest.setdefault((version.message_id, version.language), version)
        by_message: dict[str, dict[str, Wording]] = {}
        for (message_id, language), version in newest.items():
            by_message.setdefault(message_id, {})[language] = version
        messages = dict(self._messages)
        for message_id, languages in by_message.items():
            messages[message_id] = _overlay(self._messages[message_id], languages, self)
        return Catalogue(messages, allow_drafts=self.allow_drafts, shipped=self.shipped)

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

    def __contains__(self, message_id: object) -> bool:
        return message_id in self._messages

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
        """Whether this variant may be shown: approved, or drafts allowed for a trial, or
        written for staff."""
        variant = message.variants.get(language)
        if variant is None or level not in variant.texts:
            return False
        return self.allow_drafts or approved(message, language, level)

    def template(self, message_id: str, language: str, level: Level) -> Template:
        """The wording for this reader, following the fallback order in the module notes."""
        message = self.message(message_id)
        other = Level.STANDARD if level is Level.EASY else Level.EASY
        order = [(language, level), (language, other), (DEFAULT_LANGUAGE, level)]
        order.append((DEFAULT_LANGUAGE, other))
        for lang, lvl in order:
            if self.live(message, lang, lvl):
                return Template(message, message.variants[lang].texts[lvl], lang, lvl)
        if self.drafts_when_nothing_live:
            for lang, lvl in order:
                variant = message.variants.get(lang)
                if variant is not None and lvl in variant.texts:
                    return Template(message, variant.texts[lvl], lang, lvl)
        raise ContentError(
            f"{message.source.name} [{message_id}] is a draft: a speech and language therapist "
            "must approve it before Waypoint sends it (for a trial, set "
            "WAYPOINT_ALLOW_DRAFT_CONTENT=true)"
        )

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


def approved(message: Message, language: str, level: Level) -> bool:
    """Whether this variant goes out by approval alone, whatever a trial allows: the one
    rule the catalogue, the studio's status tags and start-up's draft count share."""
    variant = message.variants.get(language)
    if variant is None or level not in variant.texts:
        return False
    # Staff read plain English, sent as it is: therapists approve young people's wording.
    if message.audience == "staff":
        return True
    return message.approved and level not in variant.drafts


def _overlay(shipped: Message, languages: dict[str, Wording], catalogue: Catalogue) -> Message:
    """One shipped message with a council's live versions over it (see `overlaid`)."""
    variants = dict(shipped.variants)
    english = languages.get(DEFAULT_LANGUAGE)
    shipped_english = shipped.variants[DEFAULT_LANGUAGE]
    # Approval is per variant from here on: a message-level draft marks each shipped level.
    if not shipped.approved:
        variants = {
            language: replace(variant, drafts=frozenset(variant.texts))
            for language, variant in variants.items()
        }
    if english is not None and english.texts():
        texts = english.texts()
        variants[DEFAULT_LANGUAGE] = Variant(texts, english.symbols)
        for language, variant in list(variants.items()):
            if language == DEFAULT_LANGUAGE:
                continue
            kept = {
                level: text
                for level, text in variant.texts.items()
                if shipped_english.texts.get(level) == texts.get(level)
            }
            if kept:
                variants[language] = Variant(kept, drafts=variant.drafts & set(kept))
            else:
                del variants[language]
    live_english_id = english.id if english is not None else None
    for language, version in languages.items():
        if language == DEFAULT_LANGUAGE or version.english_version_id != live_english_id:
            continue
        if version.texts():
            variants[language] = Variant(version.texts())
    buttons = shipped.buttons
    if english is not None and all(BUTTON_PREFIX + key in catalogue for key in english.buttons):
        buttons = english.buttons
    return replace(shipped, status="approved", variants=variants, buttons=buttons)


def fill(template: Template, values: Mapping[str, str]) -> str:
    """The template's text with its `{names}` filled in; a missing value is a content error."""
    missing = placeholders(template.text) - set(values)
    if missing:
        raise ContentError(f"{template.message.id}: no value given for {sorted(missing)}")
    return template.text.format_map(values)
