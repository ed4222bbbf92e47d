"""Babel extraction for content/messages: translators work in ordinary gettext .po files.

`pybabel extract -F babel.cfg -o content/locale/waypoint.pot .` finds this extractor through
the `babel.extractors` entry point; `waypoint content extract` runs the same steps and also
brings each language's .po file up to date (changed English is marked fuzzy, for review).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from bot.content.messages import DOMAIN
from bot.domain.profiles import Level

Extracted = tuple[int, str, tuple[str, str], list[str]]
HEADER = """\
# Waypoint's words for young people, to translate. Made by `waypoint content extract`
# from content/messages: change the English there, never here.
# The context "<message id>|easy" or "|standard" says which text it is; keep one line per
# line of the English. A translation stays marked fuzzy until a speech and language
# therapist who reads the language has checked it.
#"""


def _line_numbers(source: str) -> dict[str, int]:
    found = {}
    for number, line in enumerate(source.splitlines(), 1):
        match = re.match(r"\s*\[([A-Za-z0-9_]+)\.en\]", line)
        if match:
            found[match.group(1)] = number
    return found


def extract_content(
    fileobj: IO[bytes],
    keywords: Collection[str],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[Extracted]:
    """Yield one pgettext entry per young-person text: context "<id>|<level>"."""
    source = fileobj.read().decode("utf-8")
    lines = _line_numbers(source)
    for message_id, table in tomllib.loads(source).items():
        if not isinstance(table, dict) or table.get("audience") == "staff":
            continue  # staff read English
        english = table.get("en", {})
        comments = [str(table["notes"])] if table.get("notes") else []
        symbols = english.get("symbols")
        if symbols:
            comments.append(
                f"Easy read: keep one line per picture, in this order: {' '.join(symbols)}"
            )
        for level in Level:
            text = english.get(level.value)
            if isinstance(text, str) and text.strip():
                context = f"{message_id}|{level.value}"
                yield lines.get(message_id, 0), "pgettext", (context, text.strip()), comments


def template_catalogue(messages_folder: Path) -> Catalog:
    """The .pot catalogue for every file in content/messages."""
    template = Catalog(
        project="Waypoint",
        domain=DOMAIN,
        fuzzy=False,
        copyright_holder="the Waypoint developers",
        header_comment=HEADER,
    )
    for path in sorted(messages_folder.glob("*.toml")):
        with path.open("rb") as handle:
            for lineno, _, (context, text), comments in extract_content(handle, (), (), {}):
                template.add(
                    text,
                    locations=[(f"messages/{path.name}", lineno)],
                    auto_comments=comments,
                    context=context,
                )
    return template


def update_translations(content: Path) -> list[Path]:
    """Write content/locale/waypoint.pot and update every language's .po; returns what changed."""
    locale_root = content / "locale"
    template = template_catalogue(content / "messages")
    written = [locale_root / f"{DOMAIN}.pot"]
    _write(written[0], template)
    for path in sorted(locale_root.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=path.parent.parent.name)
        contexts = _contexts_by_english(catalog)
        catalog.update(template, update_header_comment=False)
        _drop_strangers_guesses(catalog, contexts)
        _write(path, catalog)
        written.append(path)
    return written


def _contexts_by_english(catalog: Catalog) -> dict[str, set[str]]:
    """For each English text translated so far, the message ids (contexts) it belongs to."""
    found: dict[str, set[str]] = {}
    for message in catalog:
        if message.id and isinstance(message.id, str) and message.context:
            found.setdefault(message.id, set()).add(message.context)
    return found


def _drop_strangers_guesses(catalog: Catalog, contexts: Mapping[str, set[str]]) -> None:
    """Babel guesses a translation for changed English from any similar text; a guess taken
    from another message (new "today at {time}" guessed from "{day} at {time}") would have
    the wrong placeholders or meaning, so only a message's own old translation is kept."""
    for message in catalog:
        if not message.fuzzy or not message.previous_id or not message.context:
            continue
        previous = (
            message.previous_id[0]
            if isinstance(message.previous_id, list | tuple)
            else message.previous_id
        )
        if message.context not in contexts.get(str(previous), set()):
            message.string = ""
            message.flags.discard("fuzzy")
            message.previous_id = []


def _write(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(
            handle, catalog, width=100, omit_header=False, sort_output=False, include_previous=True
        )
