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

from collections.abc import Mapping
from pathlib import Path

from bot.content.message_files import add_translations, read_messages
from bot.content.messages import (
    ALWAYS_BUTTONS,
    BUTTON_PREFIX,
    DEFAULT_LANGUAGE,
    ContentError,
    Message,
    Template,
    placeholders,
)
from bot.domain.profiles import Level
from bot.paths import project_folder


class Catalogue:
    """All messages, loaded and checked once at start-up."""

    def __init__(self, messages: dict[str, Message], *, allow_drafts: bool = False) -> None:
        self._messages = messages
        self.allow_drafts = allow_drafts

    @classmethod
    def load(
        cls, folder: Path | None = None, *, allow_drafts: bool = False, refuse_drafts: bool = True
    ) -> Catalogue:
        """Read content/messages and content/locale; a bad file stops start-up with its name.

        Without `allow_drafts`, a draft is never sent: `refuse_drafts` (serving Telegram)
        refuses to start while any message is a draft; otherwise (admin commands) drafts load,
        and only asking for one to send fails, with a line that says which.
        """
        root = folder or project_folder("content")
        messages = read_messages(root / "messages")
        add_translations(messages, root / "locale")
        catalogue = cls(messages, allow_drafts=allow_drafts)
        catalogue._check_buttons()
        if refuse_drafts and not allow_drafts:
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


def fill(template: Template, values: Mapping[str, str]) -> str:
    """The template's text with its `{names}` filled in; a missing value is a content error."""
    missing = placeholders(template.text) - set(values)
    if missing:
        raise ContentError(f"{template.message.id}: no value given for {sorted(missing)}")
    return template.text.format_map(values)
