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
        catalog.update(template, update_header_comment=False)
        _write(path, catalog)
        written.append(path)
    return written


def _write(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(
            handle, catalog, width=100, omit_header=False, sort_output=False, include_previous=True
        )
