"""A council's own worrying words (issue 16): phrases its safeguarding leads add to the
shipped lexicon in the staff console, heard for that council's young people only.

An addition is checked by the lexicon's own rules when it is proposed (`checked_phrase`), so
a bad one never reaches a detector; `with_additions` checks each again and leaves out any the
shipped lexicon no longer accepts (its text-speak may have changed since), so building a
council's detector cannot fail.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import lru_cache

from bot.domain.safety.lexicon import GAP, Lexicon, LexiconError, Phrase, phrase_words
from bot.domain.safety.reading import PHRASE_TOKENS, clean
from bot.domain.safety.worry import Category

# A phrase is a few words, as a young person would write them.
MAX_PHRASE = 120
# One word this short, or a "*" word with this few letters before the "*", would match far
# too much ("me", "ki*"): every young person's ordinary messages would become concerns.
SHORTEST_WORD = 3
SHORTEST_STEM = 4
# Gaps next to each other let a phrase match almost any run of words; the shipped lexicon
# uses one at most.
MOST_GAPS = 2
# How common a word is, on wordfreq's Zipf scale (7 is "the", 5 is "lol", 4 is "suicide").
# Tuned on the shipped lexicon so that none of its category phrases is refused: its commonest
# single word is 4.9 ("سكس"), and in its phrases of several words the least common word is
# at most 6.1 ("not good at all"). wordfreq's own 5.5 for every word would refuse 75 of them
# ("want it to be over", "no way out").
COMMON_ALONE = 5.0  # one word written alone: "lol", "you", "i'm"
COMMON_SPELLED_OUT = 5.5  # every word that one written word stands for: "im" is "i am"
COMMON_TOGETHER = 6.2  # every word of a phrase of several: "and the", "you are"
_ARABIC = re.compile("[\u0600-\u06ff]")


class Refusal(StrEnum):
    """Why a proposed phrase would match too much, as the staff message that says so."""

    TOO_MANY_GAPS = "safety_words_too_many_gaps"
    NO_LETTERS = "safety_words_no_letters"
    LONE_EMOJI = "safety_words_lone_emoji"
    SINGLE_LETTERS = "safety_words_single_letters"
    TOO_COMMON = "safety_words_too_common"


class PhraseRefused(LexiconError):
    """A phrase the lexicon could hold but that would make ordinary messages concerns:
    `refusal` is the staff message saying what to change, `values` fill it."""

    def __init__(
        self, refusal: Refusal, problem: str, values: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(problem)
        self.refusal = refusal
        self.values = dict(values or {})


class LexiconList(StrEnum):
    """Which list of its category an addition joins (as in content/safety/lexicon.toml)."""

    # A match is a concern.
    PHRASES = "phrases"
    # A match alone is unclear: Waypoint asks the young person first.
    MAYBE = "maybe"


@dataclass(frozen=True)
class Addition:
    """One approved addition, as stored."""

    text: str
    category: str
    list_name: str


def checked_phrase(text: str, category: str, list_name: str, lexicon: Lexicon) -> Phrase:
    """The phrase as the lexicon would hold it; a `LexiconError` (one line saying what to
    change) when the lexicon's rules refuse it or it is there already."""
    if category not in {c.value for c in Category}:
        names = ", ".join(c.value for c in Category)
        raise LexiconError(f"the category must be one of {names}")
    if list_name not in {item.value for item in LexiconList}:
        raise LexiconError("choose phrases (a concern) or maybe (ask first)")
    written = " ".join(text.split())
    if not written:
        raise LexiconError("the phrase is empty: write it as a young person would")
    if len(written) > MAX_PHRASE:
        raise LexiconError(f"the phrase is longer than {MAX_PHRASE} characters: write less")
    words = phrase_words(written, lexicon.textspeak)
    if not [word for word in words if word != GAP]:
        raise LexiconError("the phrase has no words Waypoint can match: write words or emoji")
    if words[0] == GAP or words[-1] == GAP:
        raise LexiconError('a phrase cannot start or end with "..."')
    _refuse_too_broad(words)
    _refuse_too_many(written, words)
    sure = list_name == LexiconList.PHRASES
    for phrase in lexicon.phrases:
        if phrase.words == words and phrase.kind == category and phrase.sure == sure:
            raise LexiconError(f"the lexicon has this phrase already, under {category}")
    return Phrase(text=written, words=words, kind=category, sure=sure)


def _refuse_too_broad(words: tuple[str, ...]) -> None:
    if len(words) == 1 and len(words[0]) < SHORTEST_WORD and words[0].isalnum():
        raise LexiconError(
            f"one word of fewer than {SHORTEST_WORD} letters would match too much: "
            "write a longer phrase"
        )
    short = [w for w in words if w.endswith("*") and len(w) - 1 < SHORTEST_STEM]
    if short:
        raise LexiconError(
            f'"{short[0]}" would match too many words: keep at least {SHORTEST_STEM} '
            'letters before the "*"'
        )


def _refuse_too_many(written: str, words: tuple[str, ...]) -> None:
    """Refuse a phrase that every young person's ordinary messages would match."""
    gaps = words.count(GAP)
    if gaps > MOST_GAPS:
        raise PhraseRefused(
            Refusal.TOO_MANY_GAPS,
            f'a phrase can have at most {MOST_GAPS} gaps ("..."): take some out',
            {"most": str(MOST_GAPS)},
        )
    matched = [word.rstrip("*") for word in words if word != GAP]
    for word in matched:
        if not any(letter.isalnum() for letter in word) and not _is_emoji(word):
            raise PhraseRefused(
                Refusal.NO_LETTERS,
                f'"{word}" has no letters or numbers: write words as a young person would',
                {"word": word},
            )
    if len(matched) == 1 and _is_emoji(matched[0]):
        raise PhraseRefused(
            Refusal.LONE_EMOJI, "an emoji on its own would match too much: add words to it"
        )
    for at, word in enumerate(words):
        if word == GAP and len(words[at - 1]) == 1 and len(words[at + 1]) == 1:
            raise PhraseRefused(
                Refusal.SINGLE_LETTERS,
                'one letter either side of "..." would match almost anything: write whole words',
            )
    if _too_common(_written_words(written), matched):
        raise PhraseRefused(
            Refusal.TOO_COMMON,
            "every word is very common, so ordinary messages would match: add a word "
            "that shows the worry",
        )


def _is_emoji(word: str) -> bool:
    return len(word) == 1 and unicodedata.category(word) == "So"


def _written_words(written: str) -> list[str]:
    """The phrase's words as written (before text-speak is spelled out), emoji as words."""
    words: list[str] = []
    for match in PHRASE_TOKENS.finditer(clean(written).replace(GAP, " ")):
        if match["word"]:
            words.append(match["word"].rstrip("*"))
        elif match["other"] and _is_emoji(match["other"]):
            words.append(match["other"])
    return words


def _too_common(written: Sequence[str], matched: Sequence[str]) -> bool:
    if not written or not matched:
        return False
    if len(written) == 1:
        return (
            _frequency(written[0]) >= COMMON_ALONE
            or (len(matched) == 1 and _frequency(matched[0]) >= COMMON_ALONE)
            or all(_frequency(word) >= COMMON_SPELLED_OUT for word in matched)
        )
    return all(_frequency(word) >= COMMON_TOGETHER for word in written) or all(
        _frequency(word) >= COMMON_TOGETHER for word in matched
    )


@lru_cache(maxsize=4096)
def _frequency(word: str) -> float:
    """How common the word is in English, or in Arabic for an Arabic word (0 if unknown)."""
    # Imported here: wordfreq's import looks up its own folder through the call stack, a
    # third of a second that every `waypoint` command and start would pay.
    from wordfreq import zipf_frequency  # noqa: PLC0415

    try:
        return float(zipf_frequency(word, "ar" if _ARABIC.search(word) else "en"))
    except (ValueError, LookupError, OSError):
        # An unreadable word list must not stop a council's detector being built.
        return 0.0


def usable(additions: Iterable[Addition], lexicon: Lexicon) -> list[Phrase]:
    """The additions the lexicon accepts now, each once (any other is left out)."""
    phrases: list[Phrase] = []
    seen: set[tuple[tuple[str, ...], str, bool]] = set()
    for addition in additions:
        try:
            phrase = checked_phrase(addition.text, addition.category, addition.list_name, lexicon)
        except LexiconError:
            continue
        if (key := (phrase.words, phrase.kind, phrase.sure)) not in seen:
            seen.add(key)
            phrases.append(phrase)
    return phrases


def with_additions(lexicon: Lexicon, phrases: Sequence[Phrase]) -> Lexicon:
    """The lexicon with a council's phrases besides its own (indexed afresh)."""
    if not phrases:
        return lexicon
    return replace(lexicon, phrases=(*lexicon.phrases, *phrases))


class SafetyWordKind(StrEnum):
    """What a council's safeguarding lead proposes in the studio's safety words."""

    # A phrase for the lexicon (its category, and the list: phrases or maybe).
    LEXICON = "lexicon"
    # A labelled example (worry or none, its category) for `waypoint safety train`.
    EXAMPLE = "example"
