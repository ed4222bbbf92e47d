"""A council's wording as content files, to share with another council or propose upstream
(`waypoint content export` and `import`), in the shapes of content/: English in
`messages/<area>.toml`, translations in `locale/<language>/LC_MESSAGES/waypoint.po`.

Exported files are drafts (`status = "draft"`): one council's approval does not carry to
another; an import makes drafts for the importing council's therapists to check.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from bot.content.catalogue import Catalogue
from bot.content.message_files import read_translations
from bot.content.messages import DEFAULT_LANGUAGE, DOMAIN, ContentError, Wording, read_toml
from bot.domain.profiles import Level

_ENGLISH_KEYS = frozenset({"easy", "standard", "symbols"})


def _toml_string(text: str) -> str:
    # A JSON string is a TOML basic string (the same escapes), whatever the text holds.
    return json.dumps(text, ensure_ascii=False)


def _toml_list(items: Sequence[str]) -> str:
    return "[" + ", ".join(_toml_string(item) for item in items) + "]"


def _english_table(wording: Wording, catalogue: Catalogue) -> str:
    message = catalogue.message(wording.message_id)
    lines = [f"[{wording.message_id}]"]
    if message.audience != "young_person":
        lines.append(f"audience = {_toml_string(message.audience)}")
    lines += ['status = "draft"', 'reviewed_by = ""']
    if message.notes:
        lines.append(f"notes = {_toml_string(message.notes)}")
    if wording.buttons:
        lines.append(f"buttons = {_toml_list(wording.buttons)}")
    lines.append(f"[{wording.message_id}.en]")
    for level, text in wording.texts().items():
        lines.append(f"{level.value} = {_toml_string(text)}")
    if wording.symbols:
        lines.append(f"symbols = {_toml_list(wording.symbols)}")
    return "\n".join(lines) + "\n"


def write_council_files(
    folder: Path,
    wordings: Sequence[Wording],
    catalogue: Catalogue,
    *,
    out_of_date: Collection[tuple[str, str]] = (),
) -> list[Path]:
    """Write `wordings` (a council's newest versions) under `folder`; returns the files.

    `catalogue` is the council's (its live English is what each translation translates) and
    names each message's area (the shipped file it comes from). Translations named in
    `out_of_date` (message id, language) translate English no longer live: they are written
    fuzzy, as gettext marks a translation to check again."""
    english: dict[str, list[str]] = {}
    translations: dict[str, list[Wording]] = {}
    for wording in wordings:
        if wording.message_id not in catalogue:
            continue
        if wording.language == DEFAULT_LANGUAGE:
            area = catalogue.message(wording.message_id).source.stem
            english.setdefault(area, []).append(_english_table(wording, catalogue))
        else:
            translations.setdefault(wording.language, []).append(wording)
    written = []
    for area, tables in sorted(english.items()):
        path = folder / "messages" / f"{area}.toml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(tables), encoding="utf-8")
        written.append(path)
    for language, found in sorted(translations.items()):
        path = folder / "locale" / language / "LC_MESSAGES" / f"{DOMAIN}.po"
        path.parent.mkdir(parents=True, exist_ok=True)
        po = Catalog(locale=language, domain=DOMAIN)
        for wording in found:
            shown = catalogue.message(wording.message_id).variants[DEFAULT_LANGUAGE].texts
            for level, text in wording.texts().items():
                source = shown.get(level, "")
                stale = (wording.message_id, wording.language) in out_of_date
                po.add(
                    source or text,
                    text,
                    context=f"{wording.message_id}|{level.value}",
                    flags=("fuzzy",) if stale else (),
                )
        with path.open("wb") as handle:
            write_po(handle, po, width=0, omit_header=False)
        written.append(path)
    return written


def _english(path: Path) -> list[Wording]:
    found = []
    for message_id, table in read_toml(path).items():
        english = table.get(DEFAULT_LANGUAGE) if isinstance(table, dict) else None
        if not isinstance(english, dict) or not set(english) <= _ENGLISH_KEYS:
            raise ContentError(
                f"{path.name} [{message_id}]: expected an [{message_id}.en] table with easy, "
                "standard and symbols"
            )
        texts = [english.get(level.value) for level in Level]
        symbols, buttons = english.get("symbols", []), table.get("buttons", [])
        lists = (symbols, buttons)
        if not all(t is None or isinstance(t, str) for t in texts) or not all(
            isinstance(items, list) and all(isinstance(i, str) for i in items) for items in lists
        ):
            raise ContentError(f"{path.name} [{message_id}]: texts must be text, lists lists")
        found.append(
            Wording(
                0, message_id, DEFAULT_LANGUAGE, texts[0], texts[1], tuple(symbols), tuple(buttons)
            )
        )
    return found


def read_council_files(folder: Path) -> list[Wording]:
    """Every message's wording in content files under `folder`, as unsaved versions (id 0):
    English from messages/*.toml, translations from locale/*/LC_MESSAGES/waypoint.po. A file
    that does not read is a ContentError naming it."""
    return [wording for _, wording in read_council_files_from(folder)]


def read_council_files_from(folder: Path) -> list[tuple[Path, Wording]]:
    """As `read_council_files`, each version with the file it was read from (to name it)."""
    if not folder.is_dir():
        raise ContentError(f"{folder}: no such folder")
    found = [
        (path, wording)
        for path in sorted(folder.glob("messages/*.toml"))
        for wording in _english(path)
    ]
    for path in sorted(folder.glob(f"locale/*/LC_MESSAGES/{DOMAIN}.po")):
        language = path.parent.parent.name
        texts: dict[str, dict[Level, str]] = {}
        try:
            for entry in read_translations(path):
                texts.setdefault(entry.message_id, {})[entry.level] = entry.text
        except (OSError, ValueError) as error:
            raise ContentError(f"{path}: not a .po file Waypoint can read ({error})") from None
        for message_id, by_level in texts.items():
            easy, standard = by_level.get(Level.EASY), by_level.get(Level.STANDARD)
            found.append((path, Wording(0, message_id, language, easy, standard)))
    if not found:
        raise ContentError(f"{folder}: no messages/*.toml or locale/*/LC_MESSAGES/*.po files")
    return found
