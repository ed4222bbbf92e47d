"""A council's phrases cannot make hearing slow or every message a concern (issue 16, red
team): the matcher remembers what it has worked out, so gaps cost little, and the studio
refuses a phrase with many gaps or one that ordinary messages would match. Costs are counted
in match steps, never timed."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import pytest

from bot.content.council_detectors import CouncilDetectors
from bot.content.safety_examples import load_examples
from bot.domain.safety.additions import (
    MOST_GAPS,
    Addition,
    PhraseRefused,
    Refusal,
    checked_phrase,
)
from bot.domain.safety.hearing import Action
from bot.domain.safety.lexicon import GAP, Lexicon, LexiconError
from bot.domain.safety.matching import Steps, _match, _word_at, lexicon_words
from bot.domain.safety.reading import read
from bot.domain.safety.worry import CATEGORY_NAMES, Category

_Seen = tuple[frozenset[str], frozenset[str]]


@cache
def _lexicon() -> Lexicon:
    return CouncilDetectors().shipped.lexicon


def _plain_match(
    words: tuple[str, ...], at: int, seen: Sequence[_Seen], *, proxy: bool
) -> tuple[int, bool] | None:
    """The matcher as it was before it remembered anything (about 4 to the power of the gaps
    on a long message): the answers the remembering one must give."""
    if not words:
        return at, False
    if words[0] == GAP:
        skips = range(min(3, len(seen) - at) + 1)
        ends = (_plain_match(words[1:], at + skip, seen, proxy=proxy) for skip in skips)
        return next((end for end in ends if end), None)
    here = _word_at(words[0], at, seen, proxy=proxy)
    rest = None if here is None else _plain_match(words[1:], at + 1, seen, proxy=proxy)
    return None if rest is None else (rest[0], rest[1] or bool(here))


def test_many_gaps_on_a_long_message_cost_few_steps() -> None:
    # The red team's phrase: 27.8 s through hearing before (4 to the power of the gaps).
    words = ("the", *[GAP] * 10, "zebra")
    seen: list[_Seen] = [(frozenset({"the"}), frozenset())] * 60
    steps = Steps()
    for start in range(len(seen)):
        assert _match(words, start, seen, proxy=True, steps=steps) is None
    # Each start looks at each (phrase word, message word) place once at most.
    assert steps.count <= len(seen) * (len(words) + 1) * (len(seen) + 1)
    one = Steps()
    _match(words, 0, seen, proxy=True, steps=one)
    assert one.count <= (len(words) + 1) * (len(seen) + 1)


def test_the_plain_search_would_take_exponentially_many_steps() -> None:
    # What the count above is measured against: with 6 gaps the plain search already makes
    # thousands of calls from one start; the remembering one makes a few dozen.
    words = ("the", *[GAP] * 6, "zebra")
    seen: list[_Seen] = [(frozenset({"the"}), frozenset())] * 30
    calls = 0

    def counted(at: int, rest: tuple[str, ...]) -> None:
        nonlocal calls
        calls += 1
        if not rest or (rest[0] != GAP and _word_at(rest[0], at, seen, proxy=False) is None):
            return
        if rest[0] == GAP:
            for skip in range(min(3, len(seen) - at) + 1):
                counted(at + skip, rest[1:])
        else:
            counted(at + 1, rest[1:])

    counted(0, words)
    steps = Steps()
    _match(words, 0, seen, proxy=False, steps=steps)
    assert calls > 4**5
    assert steps.count < 200


def test_remembering_gives_the_same_matches_on_the_labelled_examples() -> None:
    lexicon = _lexicon()
    # Every fourth example keeps the unit tests quick (all 7332 agreed when this was written).
    examples = load_examples()[::4]
    assert examples
    compared = gapped = 0
    for example in examples:
        tokens, _ = read(example.text, lexicon.textspeak)
        seen = lexicon_words(tokens, lexicon)
        for start, (direct, proxied) in enumerate(seen):
            candidates = {
                p for word in direct | proxied for p in lexicon.index.by_first.get(word, ())
            }
            for phrase in candidates:
                proxy = phrase.kind in CATEGORY_NAMES
                assert _match(phrase.words, start, seen, proxy=proxy) == _plain_match(
                    phrase.words, start, seen, proxy=proxy
                ), phrase.text
                compared += 1
                gapped += GAP in phrase.words
    assert compared > 1000
    assert gapped > 50


def test_a_gapped_phrase_still_matches_with_its_gaps() -> None:
    lexicon = _lexicon()
    tokens, _ = read("i want to jump off the big bridge", lexicon.textspeak)
    seen = lexicon_words(tokens, lexicon)
    words = ("jump", "off", GAP, "bridge")
    assert _match(words, 3, seen, proxy=False) == _plain_match(words, 3, seen, proxy=False)
    assert _match(words, 3, seen, proxy=False) == (8, False)


def test_the_shipped_lexicon_keeps_within_the_gaps_allowed() -> None:
    assert max(p.words.count(GAP) for p in _lexicon().phrases) <= MOST_GAPS


def test_every_shipped_category_phrase_passes_the_frequency_and_gap_rules() -> None:
    lexicon = _lexicon()
    categories = {c.value for c in Category}
    refused = []
    for phrase in lexicon.phrases:
        if phrase.kind not in categories:
            continue
        try:
            checked_phrase(
                phrase.text, phrase.kind, "phrases" if phrase.sure else "maybe", lexicon
            )
        except PhraseRefused as error:
            # The shipped lexicon's lone emoji (curated, mostly "maybe") are the only ones.
            if error.refusal is not Refusal.LONE_EMOJI:
                refused.append((phrase.text, error.refusal))
        except LexiconError:
            continue  # "the lexicon has this phrase already" and the like
    assert refused == []


@pytest.mark.parametrize(
    ("text", "refusal"),
    [
        ("the ... the ... ... zebra", Refusal.TOO_MANY_GAPS),
        ("blorp ... blorp ... blorp ... run", Refusal.TOO_MANY_GAPS),
        ("you", Refusal.TOO_COMMON),
        ("lol", Refusal.TOO_COMMON),
        ("and the", Refusal.TOO_COMMON),
        ("i'm", Refusal.TOO_COMMON),
        ("im", Refusal.TOO_COMMON),
        ("you are", Refusal.TOO_COMMON),
        ("😭", Refusal.LONE_EMOJI),
        ("a ... b", Refusal.SINGLE_LETTERS),
        ("(a+)+$", Refusal.NO_LETTERS),
        ("$$ blorp", Refusal.NO_LETTERS),
    ],
)
def test_a_phrase_that_would_match_too_much_is_refused(text: str, refusal: Refusal) -> None:
    with pytest.raises(PhraseRefused) as refused:
        checked_phrase(text, "suicide", "phrases", _lexicon())
    assert refused.value.refusal is refusal
    assert "\n" not in str(refused.value)


@pytest.mark.parametrize(
    "text",
    [
        "blorp ... run ... tonight",
        "want it all to stop now",
        "🔪 blorp",
        "لا اريد ان اعيش بعد",
        "easier if i ... vanished",
    ],
)
def test_a_specific_phrase_is_still_accepted(text: str) -> None:
    assert checked_phrase(text, "suicide", "phrases", _lexicon()).text == text


def test_a_stored_phrase_with_many_gaps_is_left_out_and_hearing_goes_on() -> None:
    detectors = CouncilDetectors()
    many = Addition("the ... the ... ... zebra", "suicide", "phrases")
    detectors.put(1, [many, Addition("blorp run", "missing", "phrases")], stamp="one")
    council = detectors.for_council(1)
    assert council.hear(" ".join(["the"] * 60)).action is Action.NONE
    assert council.hear("doing a blorp run").action is Action.ALERT
