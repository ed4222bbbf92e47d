"""The easy-read linter: checks wording against the rules in research/domain.md (ER-, SL-, SG-).

Rules that fail block a change; rules that warn ask a speech and language therapist to look.
Word lists live in content/lint/<language>.toml so therapists can extend them.
"""

from __future__ import annotations

import itertools
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from bot.content.catalogue import Catalogue
from bot.paths import project_folder

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_WORD = re.compile(r"[A-Za-z0-9'\u2019&]+")
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
_TWENTY_FOUR_HOUR = re.compile(r"\b(1[3-9]|2[0-3]|00):[0-5]\d\b")
_ACRONYM = re.compile(r"\b[A-Z][A-Z&]{1,}\b")
_ABBREVIATION = re.compile(r"\b(e\.g|i\.e|etc|approx|asap)\b\.?", re.IGNORECASE)
_PERCENT = re.compile(r"%|\bper ?cent\b", re.IGNORECASE)


class LintFailed(Exception):
    """At least one finding must be fixed before the wording can go live."""


class Severity(StrEnum):
    """Whether a finding blocks the change or asks for a look."""

    FAIL = "fail"
    WARN = "warn"


@dataclass(frozen=True)
class Finding:
    """One problem in one text, with a hint that says what to do instead."""

    rule: str
    severity: Severity
    hint: str


@dataclass(frozen=True)
class WordLists:
    """The linter's word lists for one language."""

    allowed_acronyms: frozenset[str]
    number_words: frozenset[str]
    linking_words: frozenset[str]
    negative_words: frozenset[str]
    never_ask: tuple[str, ...]
    secrecy: tuple[str, ...]
    vague_time: tuple[str, ...]
    idioms: tuple[str, ...]
    passive_markers: frozenset[str]
    jargon: dict[str, str]
    glossary: dict[str, list[str]]

    @classmethod
    def load(cls, language: str = "en", folder: Path | None = None) -> WordLists:
        """Read content/lint/<language>.toml."""
        path = (folder or project_folder("content")) / "lint" / f"{language}.toml"
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return cls(
            allowed_acronyms=frozenset(data["allowed_acronyms"]),
            number_words=frozenset(data["number_words"]),
            linking_words=frozenset(data["linking_words"]),
            negative_words=frozenset(data["negative_words"]),
            never_ask=tuple(data["never_ask"]),
            secrecy=tuple(data["secrecy"]),
            vague_time=tuple(data["vague_time"]),
            idioms=tuple(data["idioms"]),
            passive_markers=frozenset(data["passive_markers"]),
            jargon=dict(data["jargon"]),
            glossary={k: list(v) for k, v in data["glossary"].items()},
        )


def sentences(text: str) -> list[str]:
    """The sentences of a text, split at . ! ? and line breaks."""
    return [part.strip() for part in _SENTENCE_END.split(text) if part.strip()]


def _words(text: str) -> list[str]:
    return _WORD.findall(_PLACEHOLDER.sub("Jo", text))


def _has_phrase(text: str, phrase: str) -> bool:
    return re.search(rf"(?<![\w']){re.escape(phrase)}(?![\w'])", text, re.IGNORECASE) is not None


def _sentence_rules(sentence: str, lists: WordLists) -> Iterator[Finding]:
    words = _words(sentence)
    if len(words) > 15:
        yield Finding("ER-1", Severity.FAIL, f"{len(words)} words: keep sentences to 15 or fewer")
    elif len(words) > 10:
        yield Finding("ER-1", Severity.WARN, f"{len(words)} words: 10 or fewer is easier")
    links = [w for w in words if w.lower() in lists.linking_words]
    if len(links) > 1:
        yield Finding("ER-2", Severity.WARN, f"linking words {links}: one idea per sentence")
    lowered = [w.lower() for w in words]
    for before, after in itertools.pairwise(lowered):
        if before in lists.passive_markers and after.endswith("ed") and len(after) > 4:
            hint = f"'{before} {after}' may be passive: say who does it"
            yield Finding("ER-3", Severity.WARN, hint)


def _text_rules(text: str, lists: WordLists) -> Iterator[Finding]:
    filled = _PLACEHOLDER.sub("Jo", text)
    words = [w.lower() for w in _words(text)]
    for word in sorted(set(words) & lists.number_words):
        yield Finding("ER-4", Severity.FAIL, f"'{word}': write numbers as digits")
    if _PERCENT.search(filled):
        yield Finding("ER-4", Severity.FAIL, "percentages are hard: say '1 in 4' or 'most'")
    for match in _TWENTY_FOUR_HOUR.finditer(filled):
        hint = f"'{match.group()}': use the 12-hour clock (4 o'clock)"
        yield Finding("ER-4", Severity.FAIL, hint)
    for match in _ACRONYM.finditer(filled):
        if match.group() not in lists.allowed_acronyms:
            yield Finding("ER-5", Severity.FAIL, f"'{match.group()}': spell it out in plain words")
    for match in _ABBREVIATION.finditer(filled):
        yield Finding("ER-5", Severity.FAIL, f"'{match.group()}': write it out in words")
    negatives = [w for w in words if w in lists.negative_words]
    if len(negatives) > 1:
        yield Finding("ER-7", Severity.WARN, f"{len(negatives)} negatives: say what to do instead")
    yield from _phrase_rules(filled, lists)


def _phrase_rules(text: str, lists: WordLists) -> Iterator[Finding]:
    checks = (
        ("SL-3", lists.never_ask, "check understanding with a choice of buttons instead"),
        ("SG-2", lists.secrecy, "never promise secrecy: say who will know"),
        ("SL-5", lists.vague_time, "say the day, date and clock time"),
        ("SL-4", lists.idioms, "say what you mean in plain words"),
    )
    for rule, phrases, hint in checks:
        for phrase in phrases:
            if _has_phrase(text, phrase):
                yield Finding(rule, Severity.FAIL, f"'{phrase}': {hint}")
    for word, plain in lists.jargon.items():
        if _has_phrase(text, word):
            yield Finding("ER-6", Severity.FAIL, f"'{word}' is service jargon: try '{plain}'")
    for canonical, avoid in lists.glossary.items():
        for other in avoid:
            if _has_phrase(text, other):
                yield Finding("ER-8", Severity.FAIL, f"'{other}': always say '{canonical}'")


def _message_rules(text: str) -> Iterator[Finding]:
    parts = sentences(text)
    if text.count("?") > 1:
        yield Finding("SL-1", Severity.FAIL, "more than one question: ask one at a time")
    if len(parts) > 3:
        yield Finding("SL-1", Severity.WARN, f"{len(parts)} sentences: 3 or fewer per message")
    for sentence in parts:
        if sentence.endswith("?") and re.match(r"(?i)\s*(why|how)\b", sentence):
            hint = "why/how questions need example answers as buttons"
            yield Finding("SL-6", Severity.WARN, hint)


def lint_text(text: str, lists: WordLists) -> list[Finding]:
    """Every finding for one young-person-facing text."""
    found = list(_text_rules(text, lists))
    found += _message_rules(text)
    for sentence in sentences(text):
        found += _sentence_rules(sentence, lists)
    return found


@dataclass(frozen=True)
class Located:
    """A finding in a content file: which message, language and reading level."""

    file: str
    message_id: str
    language: str
    level: str
    finding: Finding

    def __str__(self) -> str:
        where = f"{self.file} [{self.message_id}] {self.language}/{self.level}"
        return f"{where}: {self.finding.rule} {self.finding.severity}: {self.finding.hint}"


def lint_catalogue(catalogue: Catalogue, folder: Path | None = None) -> list[Located]:
    """Lint every text young people can see (staff messages are left to plain sense)."""
    lists: dict[str, WordLists] = {}
    found: list[Located] = []
    for message in catalogue.messages():
        if message.audience != "young_person":
            continue
        for language, variant in message.variants.items():
            if language not in lists:
                lists[language] = WordLists.load(language, folder)
            for level, text in variant.texts.items():
                found += [
                    Located(message.source.name, message.id, language, level.value, finding)
                    for finding in lint_text(text, lists[language])
                ]
    return found
