"""The gap report (rule GAP, always a warning): what is not ready to go live yet.

Drafts, English messages with no easy-read text, and translations that are missing, still
marked fuzzy, or made from English that has since changed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from babel.core import Locale, UnknownLocaleError

from bot.content.catalogue import Catalogue
from bot.content.findings import Finding, Located, Severity
from bot.content.message_files import read_translations
from bot.content.messages import DEFAULT_LANGUAGE, DOMAIN, Message
from bot.domain.profiles import Level


def po_name(language: str) -> str:
    """Where a language's translations live, relative to the content folder."""
    return f"locale/{language}/LC_MESSAGES/{DOMAIN}.po"


def po_files(root: Path) -> list[Path]:
    """Every translation file under a content folder."""
    return sorted((root / "locale").glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def language_name(language: str) -> str:
    """The language's name in English, for hints ("Arabic")."""
    try:
        return Locale.parse(language).get_display_name("en") or language
    except (UnknownLocaleError, ValueError):
        return language


def at(message: Message, language: str, level: Level | None, finding: Finding) -> Located:
    """Where a finding is: the message file for English, the .po file for a translation."""
    file = message.source.name if language == DEFAULT_LANGUAGE else po_name(language)
    return Located(file, message.id, language, level.value if level else "", finding)


def _drafts(catalogue: Catalogue) -> Iterator[Located]:
    by_file: dict[str, list[Message]] = defaultdict(list)
    for message in catalogue.messages():
        by_file[message.source.name].append(message)
    for name, messages in sorted(by_file.items()):
        drafts = [message.id for message in messages if not message.approved]
        if drafts:
            hint = (
                f"{len(drafts)} of {len(messages)} messages are drafts, not live yet: a speech "
                f"and language therapist approves each one (status, reviewed_by, reviewed_on): "
                f"{', '.join(drafts)}"
            )
            yield Located(name, "", "", "", Finding("GAP", Severity.WARN, hint))


def _no_easy_text(message: Message) -> Iterator[Located]:
    if Level.EASY not in message.variants[DEFAULT_LANGUAGE].texts:
        hint = "no easy-read text: young people who read easy read get the standard text"
        yield at(message, DEFAULT_LANGUAGE, Level.EASY, Finding("GAP", Severity.WARN, hint))


def _stale(catalogue: Catalogue, root: Path) -> Iterator[Located]:
    """Translations of English that has changed or gone: the loader leaves them out."""
    english = {
        message.id: message.variants[DEFAULT_LANGUAGE].texts for message in catalogue.messages()
    }
    for path in po_files(root):
        language = path.parent.parent.name
        for entry in read_translations(path):
            current = english.get(entry.message_id, {}).get(entry.level)
            if current == entry.english:
                continue
            hint = (
                "English changed since this was translated"
                if current
                else "there is no such message in content/messages any more"
            )
            finding = Finding("GAP", Severity.WARN, f"{hint}: run `waypoint content extract`")
            yield Located(
                po_name(language), entry.message_id, language, entry.level.value, finding
            )


def _translation_gaps(
    message: Message, language: str, stale: set[tuple[str, str, str]]
) -> Iterator[Located]:
    name, variant = language_name(language), message.variants.get(language)
    for level in message.variants[DEFAULT_LANGUAGE].texts:
        if (message.id, language, level.value) in stale:
            continue
        if variant is None or level not in variant.texts:
            hint = f"no {name} translation: English will be used"
            if variant is not None:
                other = next(iter(variant.texts)).value
                hint = (
                    f"no {name} translation of the {level} text: the {name} {other} text is used"
                )
            yield at(message, language, level, Finding("GAP", Severity.WARN, hint))
        elif level in variant.drafts:
            hint = (
                f"draft translation: an SLT who reads {name} must check it, "
                "then remove the fuzzy flag"
            )
            yield at(message, language, level, Finding("GAP", Severity.WARN, hint))


def skipped_word_lists(languages: list[str]) -> Iterator[Located]:
    """One warning for each language that has no word lists of its own."""
    for language in languages:
        hint = (
            f"no word lists for {language_name(language)}: the word-list rules "
            "(ER-2..8, SL-3..6, SG-2) were skipped; add this file with the keys of en.toml"
        )
        finding = Finding("GAP", Severity.WARN, hint)
        yield Located(f"lint/{language}.toml", "", language, "", finding)


def gaps(catalogue: Catalogue, languages: list[str], root: Path) -> list[Located]:
    """What is not ready yet; staff read English, so their messages need no translation."""
    young = [m for m in catalogue.messages() if m.audience == "young_person"]
    stale = list(_stale(catalogue, root))
    stale_keys = {(item.message_id, item.language, item.level) for item in stale}
    found = [*_drafts(catalogue), *stale]
    for message in young:
        found += _no_easy_text(message)
        for language in languages[1:]:
            found += _translation_gaps(message, language, stale_keys)
    return found
