"""The lexicon clinicians own: worrying phrases and the cues around them (issue 5).

`content/safety/lexicon.toml` explains the rules for the people who edit it. This module reads
and checks that file: every mistake is a `LexiconError` that names the file, the table and
what to fix. It also indexes the lexicon's words for matching (`WordIndex`), once per lexicon.

A lexicon word matches a word of the message that is the same (in any of the forms the
message's word may be read as, see `reading`): with an "s" added; as its -ing or -ed form
("cut": cutting, cuting); as any ending when the lexicon word ends in "*". A lexicon word of 5
letters or more also matches a typo with the same first letter (see `reading.is_typo_of`).
Never when the typed word is itself a lexicon word or listed as a real word, or the lexicon
word is marked exact. Short words never match a typo: that would raise too many false alarms.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from bot.domain.safety.reading import (
    NO_APOSTROPHES,
    PHRASE_TOKENS,
    Token,
    clean,
    is_typo_of,
    spell,
    stems,
)
from bot.domain.safety.worry import Category, Urgency

GAP = "..."  # in a phrase: skip a few words (see `matching`)
# The lists of the [cues] table; a cue changes the urgency of the phrases found with it.
CUES = (
    "raise_to_high",
    "negation",
    "not_a_negation",
    "hyperbole",
    "story",
    "past",
    "still_happening",
    "someone_else",
)
_URGENCY_NAMES = tuple(urgency.value for urgency in Urgency)
# Words remembered at most, by each cache of what a typed word matches or reads as.
REMEMBERED = 50_000


class LexiconError(Exception):
    """The lexicon has a mistake; the message names the file, the table and what to fix."""


@dataclass(frozen=True)
class Phrase:
    """One lexicon entry: a category's phrase or a cue, as written and as words to match."""

    text: str
    words: tuple[str, ...]
    kind: str  # a Category value, or one of the cue lists
    sure: bool = True


class WordIndex:
    """The lexicon's words, indexed for matching, with a cache of what each typed word matches."""

    def __init__(
        self,
        phrases: Sequence[Phrase],
        known: Iterable[str],
        *,
        not_misspellings: frozenset[str],
        exact_only: frozenset[str],
    ) -> None:
        vocabulary = {word for phrase in phrases for word in phrase.words if word != GAP}
        self.exact = frozenset(word for word in vocabulary if not word.endswith("*"))
        self.prefixes = tuple(sorted(word[:-1] for word in vocabulary if word.endswith("*")))
        self.known = self.exact | frozenset(known)
        self.not_misspellings = not_misspellings
        fuzzy: dict[str, list[str]] = {}
        for word in sorted(self.exact - exact_only):
            if len(word) >= 5 and word.isalpha():
                fuzzy.setdefault(word[0], []).append(word)
        self.fuzzy = {letter: tuple(words) for letter, words in fuzzy.items()}
        by_stem: dict[str, set[str]] = {}
        for word in self.exact - exact_only:
            for stem in stems(word):
                by_stem.setdefault(stem, set()).add(word)
        self.by_stem = {stem: frozenset(words) for stem, words in by_stem.items()}
        by_first: dict[str, list[Phrase]] = {}
        for phrase in phrases:
            by_first.setdefault(phrase.words[0], []).append(phrase)
        self.by_first = {word: tuple(found) for word, found in by_first.items()}
        self.seen: dict[tuple[str, bool], frozenset[str]] = {}
        # The lexicon words at a message's place, per token read there (bot...matching).
        self.places: dict[Token, tuple[frozenset[str], frozenset[str]]] = {}

    def matches(self, form: str, *, typos: bool = True) -> frozenset[str]:
        """The lexicon words that the typed form `form` matches."""
        cached = self.seen.get((form, typos))
        if cached is not None:
            return cached
        form_stems = stems(form)
        plain = form[:-1] if len(form) >= 4 and form.endswith("s") else form
        found = {form, plain, *form_stems} & self.exact
        for stem in form_stems:
            found |= self.by_stem.get(stem, frozenset())
        found.update(prefix + "*" for prefix in self.prefixes if form.startswith(prefix))
        if typos and form not in self.known and form not in self.not_misspellings:
            found.update(word for word in self.fuzzy.get(form[:1], ()) if is_typo_of(form, word))
        if len(self.seen) > REMEMBERED:
            self.seen.clear()
        self.seen[form, typos] = result = frozenset(found)
        return result


@dataclass(frozen=True)
class Lexicon:
    """The worrying words and the cues that change their urgency, from content/safety."""

    urgency: Mapping[Category, Urgency]
    phrases: tuple[Phrase, ...] = field(repr=False)
    textspeak: Mapping[str, tuple[str, ...]] = field(repr=False)
    not_misspellings: frozenset[str] = field(default=frozenset(), repr=False)
    exact_only: frozenset[str] = field(default=frozenset(), repr=False)
    # Signed off by the clinical staff and therapists who own it ([review] in the file).
    approved: bool = False
    index: WordIndex = field(init=False, repr=False, compare=False)
    # How each word of a message reads (`spell`), worked out once per lexicon. Single words
    # only, held in memory as the index's typo cache is, and never logged.
    _spelt: dict[str, tuple[Token, ...]] = field(
        init=False, default_factory=dict, repr=False, compare=False
    )

    def spell(self, word: str) -> tuple[Token, ...]:
        """The tokens one word of a cleaned message is read as, with this text-speak."""
        known = self._spelt.get(word)
        if known is None:
            if len(self._spelt) > REMEMBERED:
                self._spelt.clear()
            known = self._spelt[word] = spell(word, self.textspeak)
        return known

    def __post_init__(self) -> None:
        known = {word for words in self.textspeak.values() for word in words}
        index = WordIndex(
            self.phrases,
            known,
            not_misspellings=self.not_misspellings,
            exact_only=self.exact_only,
        )
        object.__setattr__(self, "index", index)

    @classmethod
    def from_toml(cls, data: Mapping[str, Any], where: Path | str) -> Lexicon:
        """Check and build the lexicon from its parsed TOML; `where` names it in errors."""
        return _parse(Path(where), data)


# Loading -------------------------------------------------------------------------------------


def _strings(value: object, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise LexiconError(f'{where}: must be a list of phrases in quotes, like ["kms", "kys"]')
    return list(value)


def _phrase_words(text: str, textspeak: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    """A lexicon phrase as words: spelled as written, text-speak expanded, "..." kept."""
    words: list[str] = []
    for number, part in enumerate(clean(text).split(GAP)):
        if number:
            words.append(GAP)
        for match in PHRASE_TOKENS.finditer(part):
            word = (match["word"] or "").translate(NO_APOSTROPHES)
            if word in textspeak:
                words.extend(textspeak[word])
            elif word:
                words.extend(piece for piece in word.split("/") if piece)
            elif match["other"] and unicodedata.category(match["other"]) == "So":
                words.append(match["other"])
    return tuple(words)


def phrase_words(text: str, textspeak: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    """A phrase as the lexicon matches it (a council's additions are read the same way:
    bot.domain.safety.additions)."""
    return _phrase_words(text, textspeak)


def _phrases(
    value: object, where: str, kind: str, textspeak: Mapping[str, tuple[str, ...]], *, sure: bool
) -> list[Phrase]:
    phrases = []
    for number, text in enumerate(_strings(value, where), start=1):
        words = _phrase_words(text, textspeak)
        if not [word for word in words if word != GAP]:
            raise LexiconError(
                f"{where}: entry {number} ({text!r}) is empty; write words or remove it"
            )
        if words[0] == GAP or words[-1] == GAP:
            raise LexiconError(
                f'{where}: entry {number} ({text!r}) cannot start or end with "..."'
            )
        phrases.append(Phrase(text=text, words=words, kind=kind, sure=sure))
    return phrases


def _table(data: Mapping[str, Any], name: str, path: Path, keys: Iterable[str]) -> dict[str, Any]:
    table = data.get(name)
    if not isinstance(table, dict):
        raise LexiconError(f"{path} [{name}]: missing; add the table [{name}]")
    unknown = sorted(set(table) - set(keys))
    if unknown:
        allowed = ", ".join(keys)
        raise LexiconError(f"{path} [{name}]: unknown {', '.join(unknown)}; use only {allowed}")
    return table


def _category(
    data: Mapping[str, Any],
    category: Category,
    path: Path,
    textspeak: Mapping[str, tuple[str, ...]],
) -> tuple[Urgency, list[Phrase]]:
    table = _table(data, category.value, path, ("urgency", "phrases", "maybe"))
    where = f"{path} [{category.value}]"
    urgency = table.get("urgency")
    if urgency not in _URGENCY_NAMES:
        raise LexiconError(f'{where}: urgency must be "high", "medium" or "low", not {urgency!r}')
    if not table.get("phrases"):
        raise LexiconError(f"{where}: phrases is missing or empty; list at least one phrase")
    found = _phrases(table["phrases"], f"{where} phrases", category.value, textspeak, sure=True)
    found += _phrases(
        table.get("maybe", []), f"{where} maybe", category.value, textspeak, sure=False
    )
    return Urgency(urgency), found


def _spelling(
    data: Mapping[str, Any], path: Path
) -> tuple[dict[str, tuple[str, ...]], dict[str, Any]]:
    keys = ("not_misspellings", "exact_only", "textspeak")
    table = _table(data, "spelling", path, keys) if "spelling" in data else {}
    speak = table.get("textspeak", {})
    if not isinstance(speak, dict) or not all(isinstance(v, str) for v in speak.values()):
        raise LexiconError(f'{path} [spelling.textspeak]: write each as "wanna" = "want to"')
    textspeak = {
        clean(k).translate(NO_APOSTROPHES): tuple(clean(v).split()) for k, v in speak.items()
    }
    return textspeak, table


def _parse(path: Path, data: Mapping[str, Any]) -> Lexicon:
    categories = [category.value for category in Category]
    for name in data:
        if name not in (*categories, "cues", "spelling", "review"):
            raise LexiconError(
                f"{path} [{name}]: unknown category; use one of {', '.join(categories)}"
            )
    textspeak, spelling = _spelling(data, path)
    urgency: dict[Category, Urgency] = {}
    phrases: list[Phrase] = []
    for category in Category:
        urgency[category], found = _category(data, category, path, textspeak)
        phrases += found
    cues = _table(data, "cues", path, CUES)
    for name in CUES:
        if name not in cues:
            raise LexiconError(f"{path} [cues]: {name} is missing; add {name} = [...]")
        phrases += _phrases(cues[name], f"{path} [cues] {name}", name, textspeak, sure=True)
    words = {
        name: frozenset(
            clean(w) for w in _strings(spelling.get(name, []), f"{path} [spelling] {name}")
        )
        for name in ("not_misspellings", "exact_only")
    }
    return Lexicon(
        urgency=urgency,
        phrases=tuple(phrases),
        textspeak=textspeak,
        not_misspellings=words["not_misspellings"],
        exact_only=words["exact_only"],
        approved=_approved(data, path),
    )


def _approved(data: Mapping[str, Any], path: Path) -> bool:
    """[review] status = "approved" with reviewed_by and reviewed_on, or a draft."""
    review = data.get("review", {})
    if not isinstance(review, dict):
        raise LexiconError(
            f"{path} [review]: must be a table with status, reviewed_by, reviewed_on"
        )
    if review.get("status", "draft") == "draft":
        return False
    if (
        review.get("status") != "approved"
        or not review.get("reviewed_by")
        or not isinstance(review.get("reviewed_on"), date)
    ):
        raise LexiconError(
            f"{path} [review]: status must be draft, or approved with reviewed_by and "
            "reviewed_on (like 2026-11-20)"
        )
    return True
