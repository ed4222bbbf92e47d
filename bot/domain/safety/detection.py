"""Worrying words in a young person's message, found with the lexicon clinicians own (issue 5).

`content/safety/lexicon.toml` explains the rules for the people who edit it. In short:

1. A message is read as one text (lines joined), casefolded, without accents or apostrophes,
   with text-speak expanded ("wanna" is "want to", "im" is "i am") and numbers for letters
   undone ("k1ll"). Emoji are words.
2. A lexicon word matches a word of the message that is the same: after letters typed 3 or
   more times are cut to 1 or 2 ("diiiie") or doubled letters to 1 ("cutt"); with an "s"
   added; as its -ing or -ed form ("cut": cutting, cuting); as any ending when the lexicon
   word ends in "*". A lexicon word of 5 letters or more also matches a typo with the same
   first letter: a missing, extra or swapped letter costs 1, a wrong letter 2, and words of
   5-7 letters allow 1, of 8 or more 2. Never when the typed word is itself a lexicon word or
   listed as a real word, or the lexicon word is marked exact. Short words never match a typo:
   that would raise too many false alarms. "..." in a phrase skips up to 3 words. "me", "my"
   and "myself" in a phrase also match her, him, them, herself and the like.
3. Each phrase found starts at its category's urgency, sure (a `maybe` phrase: low, not sure).
   Past words lower it one step unless something says it is still happening; a negation just
   before it, or hyperbole anywhere, makes it low and not sure; a raise_to_high cue anywhere
   makes it high (staying not sure if it was). A phrase about someone else is other_child.
4. The most urgent finding wins; then a sure one; then TIE_ORDER.

Negation and hyperbole never drop a concern: a miss costs more than a false alarm.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

from bot.paths import project_folder


class Category(StrEnum):
    """What a worry is about."""

    SELF_HARM = "self_harm"
    SUICIDE = "suicide"
    ABUSE = "abuse"
    UNSAFE = "unsafe"
    MISSING = "missing"
    EXPLOITATION = "exploitation"
    BULLYING = "bullying"
    SUBSTANCES = "substances"
    OTHER_CHILD = "other_child"


class Urgency(StrEnum):
    """How soon a person must see a worry."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


# Equally urgent and equally sure: the first here wins. The young person's own risk to life
# comes first, then harm done to them, then worries about others, then the rest.
TIE_ORDER = (
    Category.SUICIDE,
    Category.SELF_HARM,
    Category.UNSAFE,
    Category.ABUSE,
    Category.EXPLOITATION,
    Category.MISSING,
    Category.OTHER_CHILD,
    Category.SUBSTANCES,
    Category.BULLYING,
)
_RANK = {Urgency.LOW: 0, Urgency.MEDIUM: 1, Urgency.HIGH: 2}
_LOWER = {Urgency.HIGH: Urgency.MEDIUM, Urgency.MEDIUM: Urgency.LOW, Urgency.LOW: Urgency.LOW}
_CUES = (
    "raise_to_high",
    "negation",
    "not_a_negation",
    "hyperbole",
    "past",
    "still_happening",
    "someone_else",
)
GAP = "..."
_GAP_WORDS = 3
_NEGATION_REACH = 2  # words allowed between a negation and the phrase it negates
_SUBJECT_REACH = 10  # words looked back, within the clause, for who a phrase is about
_FIRST_PERSON = frozenset({"i", "me", "my", "myself", "mine", "us", "we", "our", "ourselves"})
# "my" before a phrase is not its subject ("this girl in my year is being groomed").
_FIRST_PERSON_SUBJECT = frozenset({"i", "me", "myself", "us", "we", "ourselves"})
_NEW_CLAUSE = frozenset({"i", "but", "and", "because", "then"})
_PRONOUNS = frozenset({("she",), ("he",), ("they",)})
# "He" or "she" just before one of these is usually the person doing the harm ("he's got a
# knife"), so only a named person ("my sister isn't safe") makes them about someone else.
_HARMED_BY_SUBJECT = frozenset({Category.ABUSE, Category.UNSAFE})
# Words that phrases treat as the same word ("she is running away" / "i am running away").
_SAME = {
    "am": ("is", "are"),
    "is": ("am", "are"),
    "are": ("am", "is"),
    "was": ("were",),
    "were": ("was",),
    "has": ("have",),
    "have": ("has",),
    "us": ("me",),
    "ourselves": ("myself",),
}
# Someone else in the place of the young person: a match through these is other_child.
_SOMEONE_ELSE = {
    "herself": ("myself",),
    "himself": ("myself",),
    "themselves": ("myself",),
    "themself": ("myself",),
    "her": ("me", "my"),
    "him": ("me",),
    "them": ("me",),
    "his": ("my",),
    "their": ("my",),
    "she": ("i",),
    "he": ("i",),
    "they": ("i",),
}
_CATEGORY_NAMES = frozenset(category.value for category in Category)
_URGENCY_NAMES = tuple(urgency.value for urgency in Urgency)
_LEET = {"0": "o", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
_APOSTROPHES = "'\u2019"
_WORD = rf"(?:[^\W_]|[@$])+(?:[{_APOSTROPHES}/](?:[^\W_]|[@$])+)*"
_TEXT_TOKENS = re.compile(rf"(?P<word>{_WORD})|(?P<stop>[.!?;,:…]+)|(?P<other>\S)")
_PHRASE_TOKENS = re.compile(rf"(?P<word>{_WORD}\*?)|(?P<stop>[.!?;,:…]+)|(?P<other>\S)")
_JOINERS = re.compile("[-_\u2010-\u2015+=~|\\\\]")  # hyphens and dashes join words
_NO_APOSTROPHES = str.maketrans("", "", _APOSTROPHES)
_SPLIT_SELF = re.compile(r"\b(my|her|him|your|them|our|it)\s+(?:self|selves|slef)\b")
_RUNS = re.compile(r"(.)\1{2,}")
_DOUBLES = re.compile(r"(.)\1+")


@dataclass(frozen=True)
class Detection:
    """A worry found in one message; sure=False means ask the young person before telling."""

    category: Category
    urgency: Urgency
    sure: bool
    matched: tuple[str, ...] = ()  # lexicon entries, for tests and tuning; never log them
    # The harm itself: the same as `category`, except for a worry about another young person,
    # where it says what the worry is ("my mate is made to sell" is other_child, exploitation).
    harm: Category | None = None


class LexiconError(Exception):
    """The lexicon has a mistake; the message names the file, the table and what to fix."""


@dataclass(frozen=True)
class Phrase:
    """One lexicon entry: a category's phrase or a cue, as written and as words to match."""

    text: str
    words: tuple[str, ...]
    kind: str  # a Category value, or one of the cue lists
    sure: bool = True


@dataclass(frozen=True)
class _Token:
    forms: frozenset[str]
    proxies: frozenset[str]  # what it stands for when it is someone else: her -> me
    squeezed: frozenset[str]  # doubled letters cut to one ("cutt"): matched exactly, no typos


_Seen = tuple[frozenset[str], frozenset[str]]  # lexicon words at a position: direct, via her/him
# Category, urgency, sure, and the harm itself (which stays put when the worry is for a friend).
_Verdict = tuple[Category, Urgency, bool, Category]


@dataclass(frozen=True)
class _Found:
    phrase: Phrase
    start: int
    end: int
    proxied: bool

    def entry(self) -> str:
        return f"{self.phrase.kind}: {self.phrase.text}"


class _Words:
    """The lexicon's words, indexed for matching, with a cache of what each typed word matches."""

    def __init__(self, phrases: Sequence[Phrase], known: Iterable[str], lexicon: Lexicon) -> None:
        vocabulary = {word for phrase in phrases for word in phrase.words if word != GAP}
        self.exact = frozenset(word for word in vocabulary if not word.endswith("*"))
        self.prefixes = tuple(sorted(word[:-1] for word in vocabulary if word.endswith("*")))
        self.known = self.exact | frozenset(known)
        self.not_misspellings = lexicon.not_misspellings
        fuzzy: dict[str, list[str]] = {}
        for word in sorted(self.exact - lexicon.exact_only):
            if len(word) >= 5 and word.isalpha():
                fuzzy.setdefault(word[0], []).append(word)
        self.fuzzy = {letter: tuple(words) for letter, words in fuzzy.items()}
        by_stem: dict[str, set[str]] = {}
        for word in self.exact - lexicon.exact_only:
            for stem in _stems(word):
                by_stem.setdefault(stem, set()).add(word)
        self.by_stem = {stem: frozenset(words) for stem, words in by_stem.items()}
        by_first: dict[str, list[Phrase]] = {}
        for phrase in phrases:
            by_first.setdefault(phrase.words[0], []).append(phrase)
        self.by_first = {word: tuple(found) for word, found in by_first.items()}
        self.seen: dict[tuple[str, bool], frozenset[str]] = {}

    def matches(self, form: str, *, typos: bool = True) -> frozenset[str]:
        """The lexicon words that the typed form `form` matches."""
        cached = self.seen.get((form, typos))
        if cached is not None:
            return cached
        stems = _stems(form)
        plain = form[:-1] if len(form) >= 4 and form.endswith("s") else form
        found = {form, plain, *stems} & self.exact
        for stem in stems:
            found |= self.by_stem.get(stem, frozenset())
        found.update(prefix + "*" for prefix in self.prefixes if form.startswith(prefix))
        if typos and form not in self.known and form not in self.not_misspellings:
            found.update(word for word in self.fuzzy.get(form[:1], ()) if _close(form, word))
        if len(self.seen) > 50_000:
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
    _words: _Words = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        known = {word for words in self.textspeak.values() for word in words}
        object.__setattr__(self, "_words", _Words(self.phrases, known, self))

    @classmethod
    def load(cls, folder: Path | None = None) -> Lexicon:
        """Read the lexicon: `folder` is the content folder, a folder with it, or the file."""
        path = _lexicon_path(folder)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise LexiconError(f"{path}: cannot read the lexicon: {exc.strerror}") from None
        except tomllib.TOMLDecodeError as exc:
            raise LexiconError(f"{path}: not valid TOML: {exc}") from None
        return _parse(path, data)


def detect(text: str, lexicon: Lexicon) -> Detection | None:
    """The most urgent worry in `text`, or None when nothing in the lexicon is there."""
    tokens, stops = _read(text, lexicon)
    found = _find(tokens, lexicon)
    message = _Message.of(tokens, stops, found)
    if not message.hits:
        return None
    verdicts = [_judge(hit, message, lexicon) for hit in message.hits]
    category, urgency, sure, harm = max(
        verdicts, key=lambda v: (_RANK[v[1]], v[2], -TIE_ORDER.index(v[0]))
    )
    matched = tuple(dict.fromkeys(one.entry() for one in found))
    return Detection(category, urgency, sure, matched, harm)


# Reading text ---------------------------------------------------------------------------------


def _clean(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPLIT_SELF.sub(r"\1self", _JOINERS.sub(" ", bare.casefold()))


def _stems(word: str) -> set[str]:
    """The plain verb a word may be ("cutting", "cuting": cut, cute; "dying": die), or none."""
    if len(word) < 5 or not word.isalpha():
        return set()
    if word.endswith("ying") and len(word) == 5:
        return {word[:-4] + "ie"}
    base = word[:-3] if word.endswith("ing") else word[:-2] if word.endswith("ed") else ""
    if len(base) < 3:
        return set()
    stems = {base, base + "e"}
    if base[-1] == base[-2]:
        stems.add(base[:-1])
    return stems


def _squeezed(word: str) -> set[str]:
    """Letters typed 3 or more times cut to 1 or to 2 ("diiiie")."""
    return {_RUNS.sub(r"\1", word), _RUNS.sub(r"\1\1", word)}


def _unleet(word: str) -> set[str]:
    if not (any(ch.isalpha() for ch in word) and any(ch in _LEET or ch == "1" for ch in word)):
        return set()
    base = "".join(_LEET.get(ch, ch) for ch in word)
    return {base.replace("1", "i"), base.replace("1", "l")}


def _spellings(raw: str, textspeak: Mapping[str, tuple[str, ...]]) -> list[set[str]]:
    """The words `raw` stands for, each as the set of forms it may be read as."""
    word = raw.translate(_NO_APOSTROPHES)
    for form in (word, *sorted(_squeezed(word)), *sorted(_unleet(word))):
        if form in textspeak:
            return [{part} for part in textspeak[form]]
    if "/" in word:
        return [forms for part in word.split("/") if part for forms in _spellings(part, textspeak)]
    forms = {word} | _unleet(word)
    for form in list(forms):
        forms |= _squeezed(form)
    return [forms]


def _token(forms: set[str]) -> _Token:
    same = {alias for form in forms for alias in _SAME.get(form, ())}
    proxies = {alias for form in forms for alias in _SOMEONE_ELSE.get(form, ())}
    squeezed = {_DOUBLES.sub(r"\1", form) for form in forms} - forms
    return _Token(
        forms=frozenset(forms | same), proxies=frozenset(proxies), squeezed=frozenset(squeezed)
    )


def _read(text: str, lexicon: Lexicon) -> tuple[list[_Token], frozenset[int]]:
    """The words of `text`, and the positions that follow a full stop, comma and the like."""
    tokens: list[_Token] = []
    stops: set[int] = set()
    for match in _TEXT_TOKENS.finditer(_clean(text)):
        if match["word"]:
            tokens.extend(_token(forms) for forms in _spellings(match["word"], lexicon.textspeak))
        elif match["stop"]:
            stops.add(len(tokens))
        elif unicodedata.category(match["other"]) == "So":
            tokens.append(_token({match["other"]}))
    return tokens, frozenset(stops)


# Matching ------------------------------------------------------------------------------------


def _close(form: str, word: str) -> bool:
    """Whether typed `form` is a typo of lexicon `word` (same first letter, checked already).

    A missing, extra or swapped letter costs 1 and a wrong letter 2, because a wrong letter in
    a short word usually makes another real word (slaps/swaps, drugs/drums, abused/amused).
    Words of 5 to 7 letters may cost 1, words of 8 or more 2.
    """
    allowed = 2 if len(word) >= 8 else 1
    if len(form) < 4 or abs(len(form) - len(word)) > allowed:
        return False
    if len(set(form) ^ set(word)) > allowed:
        return False
    return _distance(form, word, allowed) <= allowed


def _distance(a: str, b: str, limit: int) -> int:
    """Cost of the edits from a to b (change 2; insert, delete, swap two letters 1), capped."""
    before: list[int] | None = None
    row = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 2
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + cost)
            swapped = i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]
            if swapped and before is not None:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before, row = row, current
    return row[len(b)]


def _word_at(word: str, at: int, seen: Sequence[_Seen], *, proxy: bool) -> bool | None:
    """None if `word` is not at `at`; else whether it is there only as someone else (her: me)."""
    if at >= len(seen):
        return None
    direct, through_someone = seen[at]
    if word in direct:
        return False
    return True if proxy and word in through_someone else None


def _match(
    words: tuple[str, ...], at: int, seen: Sequence[_Seen], *, proxy: bool
) -> tuple[int, bool] | None:
    """Where `words` ends if it starts at `at`, and whether it matched through someone else."""
    if not words:
        return at, False
    if words[0] == GAP:
        skips = range(min(_GAP_WORDS, len(seen) - at) + 1)
        ends = (_match(words[1:], at + skip, seen, proxy=proxy) for skip in skips)
        return next((end for end in ends if end), None)
    here = _word_at(words[0], at, seen, proxy=proxy)
    rest = None if here is None else _match(words[1:], at + 1, seen, proxy=proxy)
    return None if rest is None else (rest[0], rest[1] or bool(here))


def _find(tokens: list[_Token], lexicon: Lexicon) -> list[_Found]:
    """Every lexicon phrase and cue in the message, in order."""
    words = lexicon._words
    seen: list[_Seen] = []
    for token in tokens:
        direct = frozenset[str]().union(
            *(words.matches(form) for form in token.forms),
            *(words.matches(form, typos=False) for form in token.squeezed),
        )
        proxied = frozenset[str]().union(*(words.matches(form) for form in token.proxies))
        seen.append((direct, proxied - direct))
    found: list[_Found] = []
    for start, (direct, proxied) in enumerate(seen):
        candidates = {p for word in direct | proxied for p in words.by_first.get(word, ())}
        for phrase in sorted(candidates, key=lambda p: (p.kind, p.text)):
            if end := _match(phrase.words, start, seen, proxy=phrase.kind in _CATEGORY_NAMES):
                found.append(_Found(phrase, start, end[0], proxied=end[1]))
    return found


# Judging -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Message:
    """One message read: its words, where clauses break, and every lexicon entry found."""

    tokens: list[_Token]
    stops: frozenset[int]
    hits: list[_Found]
    cues: Mapping[str, list[_Found]]

    @classmethod
    def of(cls, tokens: list[_Token], stops: frozenset[int], found: list[_Found]) -> _Message:
        """Split what was found into category phrases and cues."""
        hits = [one for one in found if one.phrase.kind in _CATEGORY_NAMES]
        cues = {name: [one for one in found if one.phrase.kind == name] for name in _CUES}
        # A negation inside "won't stop" or inside a phrase ("not safe") negates nothing.
        ignore = [*cues["not_a_negation"], *hits]
        cues["negation"] = [
            cue
            for cue in cues["negation"]
            if not any(other.start <= cue.start and cue.end <= other.end for other in ignore)
        ]
        return cls(tokens=tokens, stops=stops, hits=hits, cues=cues)

    def broken(self, start: int, end: int) -> bool:
        """Whether punctuation or a new clause ("but", "i") comes between `start` and `end`."""
        if any(start <= stop <= end for stop in self.stops):
            return True
        return any(token.forms & _NEW_CLAUSE for token in self.tokens[start:end])


def _negated(hit: _Found, message: _Message) -> bool:
    """Whether a negation comes just before the phrase, in the same clause."""
    return any(
        0 <= hit.start - cue.end <= _NEGATION_REACH and not message.broken(cue.end, hit.start)
        for cue in message.cues["negation"]
    )


def _person_after(hit: _Found, named: list[_Found], tokens: list[_Token]) -> bool | None:
    """Someone else named just after the phrase ("bullying my friend"), or me, or unknown."""
    if any(other.start == hit.end for other in named):
        return True
    if any(token.forms & _FIRST_PERSON for token in tokens[hit.end : hit.end + 2]):
        return False  # "a fake account of me"
    return None


def _person_before(hit: _Found, others: list[_Found], message: _Message) -> bool:
    """Whether the nearest person named before the phrase, in its clause, is someone else."""
    for at in range(hit.start - 1, max(hit.start - _SUBJECT_REACH, 0) - 1, -1):
        if at + 1 in message.stops:
            break
        if any(other.end == at + 1 for other in others):
            return True
        if message.tokens[at].forms & (_FIRST_PERSON_SUBJECT | _NEW_CLAUSE):
            break
    return False


def _about_someone_else(hit: _Found, message: _Message) -> bool:
    """Whether the phrase is about another young person ("my mate is being made to sell").

    When in doubt it is about the young person: their own worry reaches their worker.
    """
    if hit.proxied:
        return True
    if _FIRST_PERSON & set(hit.phrase.words):
        return False
    others = message.cues["someone_else"]
    named = [other for other in others if other.phrase.words not in _PRONOUNS]
    after = _person_after(hit, named, message.tokens)
    if after is not None:
        return after
    return _person_before(hit, named if hit.phrase.kind in _HARMED_BY_SUBJECT else others, message)


def _judge(hit: _Found, message: _Message, lexicon: Lexicon) -> _Verdict:
    """Category, urgency and sureness of one phrase found, after the cues around it."""
    category = harm = Category(hit.phrase.kind)
    sure = hit.phrase.sure
    urgency = lexicon.urgency[category] if sure else Urgency.LOW
    cues = message.cues
    if cues["past"] and not cues["still_happening"]:
        urgency = _LOWER[urgency]
    if cues["hyperbole"] or _negated(hit, message):
        urgency, sure = Urgency.LOW, False
    if cues["raise_to_high"]:
        urgency = Urgency.HIGH
    if _about_someone_else(hit, message):
        category = Category.OTHER_CHILD
    return category, urgency, sure, harm


# Loading -------------------------------------------------------------------------------------


def _lexicon_path(folder: Path | None) -> Path:
    if folder is None:
        return project_folder("content") / "safety" / "lexicon.toml"
    if folder.is_file() or folder.suffix == ".toml":
        return folder
    if (folder / "lexicon.toml").is_file():
        return folder / "lexicon.toml"
    return folder / "safety" / "lexicon.toml"


def _strings(value: object, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise LexiconError(f'{where}: must be a list of phrases in quotes, like ["kms", "kys"]')
    return list(value)


def _phrase_words(text: str, textspeak: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    """A lexicon phrase as words: spelled as written, text-speak expanded, "..." kept."""
    words: list[str] = []
    for number, part in enumerate(_clean(text).split(GAP)):
        if number:
            words.append(GAP)
        for match in _PHRASE_TOKENS.finditer(part):
            word = (match["word"] or "").translate(_NO_APOSTROPHES)
            if word in textspeak:
                words.extend(textspeak[word])
            elif word:
                words.extend(piece for piece in word.split("/") if piece)
            elif match["other"] and unicodedata.category(match["other"]) == "So":
                words.append(match["other"])
    return tuple(words)


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
        _clean(k).translate(_NO_APOSTROPHES): tuple(_clean(v).split()) for k, v in speak.items()
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
    cues = _table(data, "cues", path, _CUES)
    for name in _CUES:
        if name not in cues:
            raise LexiconError(f"{path} [cues]: {name} is missing; add {name} = [...]")
        phrases += _phrases(cues[name], f"{path} [cues] {name}", name, textspeak, sure=True)
    words = {
        name: frozenset(
            _clean(w) for w in _strings(spelling.get(name, []), f"{path} [spelling] {name}")
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
