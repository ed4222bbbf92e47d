"""Rules about words and phrases, beside bot.content.lint: idioms from a broad, openly licensed
list (SL-4) and long or rare words judged by how often people use them (ER-6).

Word frequency comes from wordfreq (pinned in pyproject.toml; its lists ship in the wheel, so
nothing is fetched at run time): the Zipf scale, log10 of uses per billion words, where 7 is
"the", 5 is "school", 3 is once in a million words ("placate") and 1 is hardly ever.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bot.content.findings import Finding, Severity
from bot.content.lint_grammar import normal
from bot.content.lint_grammar import words as word_list

# Irregular verbs at the start of an idiom ("keep your chin up" is also "kept their chin up").
_IRREGULAR = {
    "be": "am is are was were been being",
    "have": "has had having",
    "do": "does did done doing",
    "go": "goes went gone going",
    "get": "gets got gotten getting",
    "take": "takes took taken taking",
    "make": "makes made making",
    "give": "gives gave given giving",
    "keep": "keeps kept keeping",
    "come": "comes came coming",
    "break": "breaks broke broken breaking",
    "bite": "bites bit bitten biting",
    "hit": "hits hitting",
    "put": "puts putting",
    "let": "lets letting",
    "cut": "cuts cutting",
    "throw": "throws threw thrown throwing",
    "hold": "holds held holding",
    "run": "runs ran running",
    "lose": "loses lost losing",
    "find": "finds found finding",
    "know": "knows knew known knowing",
    "see": "sees saw seen seeing",
    "tell": "tells told telling",
    "sit": "sits sat sitting",
    "bring": "brings brought bringing",
    "buy": "buys bought buying",
    "catch": "catches caught catching",
    "feel": "feels felt feeling",
    "fall": "falls fell fallen falling",
    "leave": "leaves left leaving",
    "pay": "pays paid paying",
    "say": "says said saying",
    "sell": "sells sold selling",
    "send": "sends sent sending",
    "shake": "shakes shook shaken shaking",
    "spill": "spills spilt spilled spilling",
    "stand": "stands stood standing",
    "stick": "sticks stuck sticking",
    "strike": "strikes struck striking",
    "think": "thinks thought thinking",
    "wear": "wears wore worn wearing",
    "win": "wins won winning",
    "draw": "draws drew drawn drawing",
    "drive": "drives drove driven driving",
    "eat": "eats ate eaten eating",
    "fly": "flies flew flown flying",
    "hang": "hangs hung hanging",
    "hide": "hides hid hidden hiding",
    "lay": "lays laid laying",
    "lead": "leads led leading",
    "ride": "rides rode ridden riding",
    "ring": "rings rang rung ringing",
    "rise": "rises rose risen rising",
    "shoot": "shoots shot shooting",
    "sleep": "sleeps slept sleeping",
    "speak": "speaks spoke spoken speaking",
    "spend": "spends spent spending",
    "steal": "steals stole stolen stealing",
    "swim": "swims swam swum swimming",
    "wake": "wakes woke woken waking",
    "write": "writes wrote written writing",
    "blow": "blows blew blown blowing",
    "burn": "burns burnt burned burning",
    "dig": "digs dug digging",
    "feed": "feeds fed feeding",
    "fight": "fights fought fighting",
    "forget": "forgets forgot forgotten forgetting",
    "grow": "grows grew grown growing",
    "hear": "hears heard hearing",
    "meet": "meets met meeting",
    "set": "sets setting",
    "shut": "shuts shutting",
    "begin": "begins began begun beginning",
    "bend": "bends bent bending",
    "build": "builds built building",
    "deal": "deals dealt dealing",
    "bury": "buries buried burying",
    "beat": "beats beaten beating",
    "pull": "pulls pulled pulling",
}
# Idioms whose first word is not a verb keep it as it is.
_NOT_VERBS = frozenset(
    word_list(
        "a an the in on at of to for by with from up down out off over under all no not every "
        "as like so too once it its it's one my your his her our their this that what when where "
        "who how why if and or but"
    )
)
_POSSESSIVE = r"(?:my|your|his|her|our|their|its|one's|[a-z]+'s)"
# A person: a pronoun, a name ("jo") or "my mum"; not any word ("has stopped going").
_PERSON = (
    r"(?:me|you|him|her|us|them|jo|everyone|everybody|anyone|anybody|people"
    r"|(?:my|your|his|her|our|their|the)\s+[a-z]+)"
)
_SLOTS = {
    "one's": _POSSESSIVE,
    "someone's": _POSSESSIVE,
    "somebody's": _POSSESSIVE,
    "someone": _PERSON,
    "somebody": _PERSON,
    "something": r"[a-z']+(?:\s+[a-z']+){0,2}",
    "oneself": r"(?:myself|yourself|himself|herself|ourselves|themselves|oneself|itself)",
}
_TOKEN = re.compile(r"[a-z0-9']+")


def _inflected(word: str) -> str:
    """A verb at the start of an idiom in any form: keep, keeps, kept, keeping."""
    if word in _IRREGULAR:
        return f"(?:{'|'.join([word, *_IRREGULAR[word].split()])})"
    if word.endswith("e"):
        return f"{word[:-1]}(?:e|es|ed|ing)"
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        return f"{word[:-1]}(?:y|ies|ied|ying)"
    return f"{word}(?:s|es|ed|ing|{word[-1]}ed|{word[-1]}ing)?"


@dataclass(frozen=True)
class Idiom:
    """One idiom as a pattern, and the word a text must hold for it to be worth a look."""

    phrase: str
    source: str
    anchor: str

    @property
    def pattern(self) -> re.Pattern[str]:
        """Compiled on first use: most idioms are never tried (their anchor word is absent)."""
        return _compiled(self.source)


@functools.cache
def _compiled(source: str) -> re.Pattern[str]:
    return re.compile(source)


def _idiom(phrase: str) -> Idiom:
    words = normal(phrase).replace("-", " ").split()
    parts, literal = [], []
    for index, word in enumerate(words):
        if word in _SLOTS:
            parts.append(_SLOTS[word])
        elif index == 0 and word not in _NOT_VERBS and word.isalpha():
            parts.append(_inflected(word))
        else:
            parts.append(re.escape(word))
            literal += _TOKEN.findall(word)
    joined = r"[\s-]+".join(parts)
    anchor = max(literal, key=len) if literal else ""
    return Idiom(phrase, rf"(?<![\w']){joined}(?![\w'])", anchor)


@dataclass(frozen=True)
class Idioms:
    """Idioms found by the rarest-looking word they hold, so a text is tried against few."""

    by_anchor: dict[str, tuple[Idiom, ...]]
    always: tuple[Idiom, ...]

    def find(self, text: str) -> Iterator[str]:
        """Each idiom in `text` (one sentence), by its listed wording."""
        plain = normal(text)
        words = set(_TOKEN.findall(plain))
        tried = [*self.always, *(i for word in words for i in self.by_anchor.get(word, ()))]
        spans = []
        for idiom in tried:
            match = idiom.pattern.search(plain)
            if match:
                spans.append((match.end() - match.start(), match.start(), idiom.phrase))
        # "keep your chin up" and "chin up", or one idiom on two lists: one finding.
        kept: list[tuple[int, int]] = []
        for length, start, phrase in sorted(spans, reverse=True):
            if not any(start < end and begin < start + length for begin, end in kept):
                kept.append((start, start + length))
                yield phrase


@functools.lru_cache(maxsize=8)
def idioms(phrases: tuple[str, ...], allowed: frozenset[str]) -> Idioms:
    """Compiled idioms, leaving out the ones therapists allowed (read as literal)."""
    by_anchor: dict[str, list[Idiom]] = {}
    always = []
    for phrase in phrases:
        if normal(phrase) in allowed:
            continue
        idiom = _idiom(phrase)
        if idiom.anchor:
            by_anchor.setdefault(idiom.anchor, []).append(idiom)
        else:
            always.append(idiom)
    return Idioms({k: tuple(v) for k, v in by_anchor.items()}, tuple(always))


def read_idiom_list(path: Path) -> dict[str, str]:
    """Idioms and what they mean: one a line, the meaning after a tab; '#' starts a comment."""
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            phrase, _, meaning = line.partition("\t")
            found[phrase.strip()] = meaning.strip()
    return found


@dataclass(frozen=True)
class RareWords:
    """How to judge a hard word: its Zipf frequency below `below`, or long and uncommon."""

    language: str
    below: float
    allowed: frozenset[str]
    plain: dict[str, str]


_WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019-]*")
# Long words are hard even when fairly common in print ("accommodation"): this long, and not
# among the words everyone uses, they fail too ("embarrassment" 3.77 fails; "uncomfortable"
# 4.19 and "conversations" 4.30 pass).
LONG_LETTERS = 13
LONG_BELOW = 4.1


_NAME_FOLLOWS = re.compile(
    r"(?:'s|\u2019s|,|\s+(?:will|is|was|has|had|can|could|may|might|would|says|said|and|wants"
    r"|works|asked|told|knows|likes|lives|helps|comes|is|are))\b"
)


@functools.lru_cache(maxsize=4096)
def zipf(word: str, language: str) -> float:
    """How common a word is (wordfreq's Zipf scale; 0 when it has never been seen)."""
    from wordfreq import zipf_frequency  # noqa: PLC0415 (a third of a second to import)

    return float(zipf_frequency(word, language))


def _bases(word: str) -> tuple[str, ...]:
    """The forms a word in -s, -ed or -ing may come from: "messaged" from "message", "stopped"
    from "stop", "tries" from "try"."""
    found = [word]
    for ending in ("ies", "ied"):
        if word.endswith(ending):
            found.append(word[: -len(ending)] + "y")
    for ending in ("s", "es", "d", "ed", "ing"):
        stem = word.removesuffix(ending)
        if stem == word or len(stem) < 3:
            continue
        found.append(stem)
        if ending in ("ed", "ing"):
            found.append(stem + "e")
            if len(stem) > 3 and stem[-1] == stem[-2]:
                found.append(stem[:-1])
    return tuple(found)


def common_as(word: str, language: str) -> float:
    """How common a word is, counting its base form: an ending does not make a common word
    hard to read ("messaged" is rare in print; "message" is not)."""
    return max(zipf(form, language) for form in _bases(word))


def _explained(word: str, rest: list[str]) -> bool:
    """ER-6: a hard word is fine when the next sentence says what it means."""
    return bool(rest) and re.match(rf"\W*{re.escape(word)}\s+means\b", rest[0], re.I) is not None


def rare_words(sentences: list[str], rules: RareWords) -> Iterator[Finding]:
    """ER-6: words few people use, or long and uncommon ones, unless explained next."""
    seen: set[str] = set()
    for index, sentence in enumerate(sentences):
        for position, match in enumerate(_WORD.finditer(sentence)):
            found = match.group().replace("\u2019", "'").strip("'-")
            owner = found.endswith("'s")
            found = found.removesuffix("'s")
            word = found.lower()
            # Jargon is the jargon rule's to report, with its plain words.
            if word in seen or word in rules.allowed or word in rules.plain or len(word) < 4:
                continue
            # A capital inside a sentence is a name or a place ("Childline"): not judged; nor is
            # a capital first word that does or owns something ("Priya will call", "Priya's
            # phone").
            named = position > 0 or owner or _NAME_FOLLOWS.match(sentence[match.end() :])
            if found[:1].isupper() and named:
                continue
            for part in word.split("-"):
                common = common_as(part, rules.language)
                hard = common < rules.below or (len(part) >= LONG_LETTERS and common < LONG_BELOW)
                if hard and part not in rules.allowed:
                    seen.add(word)
                    if _explained(found, sentences[index + 1 :]):
                        continue
                    hint = f"'{part}' is a hard word for many readers"
                    plain = rules.plain.get(part)
                    hint += (
                        f": try '{plain}'"
                        if plain
                        else (f": use a more common word, or explain it next ('{part} means ...')")
                    )
                    yield Finding("ER-6", Severity.FAIL, hint)
                    break
