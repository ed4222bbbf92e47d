"""A council's own worrying words (issue 16): phrases its safeguarding leads add to the
shipped lexicon in the staff console, heard for that council's young people only.

An addition is checked by the lexicon's own rules when it is proposed (`checked_phrase`), so
a bad one never reaches a detector; `with_additions` checks each again and leaves out any the
shipped lexicon no longer accepts (its text-speak may have changed since), so building a
council's detector cannot fail.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from bot.domain.safety.lexicon import GAP, Lexicon, LexiconError, Phrase, phrase_words
from bot.domain.safety.worry import Category

# A phrase is a few words, as a young person would write them.
MAX_PHRASE = 120
# One word this short, or a "*" word with this few letters before the "*", would match far
# too much ("me", "ki*"): every young person's ordinary messages would become concerns.
SHORTEST_WORD = 3
SHORTEST_STEM = 4


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
