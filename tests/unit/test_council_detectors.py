"""Each council's detector: the shipped lexicon with the council's approved phrases, where a
phrase the lexicon's rules refuse (stored before a rule changed, or written to the database by
hand) is left out instead of stopping anyone's worry from being heard."""

from __future__ import annotations

import pytest

from bot.content.council_detectors import CouncilDetectors
from bot.domain.safety.additions import Addition, checked_phrase
from bot.domain.safety.hearing import Action
from bot.domain.safety.lexicon import LexiconError

BLORP = Addition("blorp run", "criminal_exploitation", "phrases")
WORDS = "doing a blorp run later"


def test_a_councils_phrase_is_heard_for_that_council_only() -> None:
    detectors = CouncilDetectors()
    detectors.put(1, [BLORP], stamp="one")
    assert detectors.for_council(1).hear(WORDS).action is Action.ALERT
    assert detectors.for_council(2).hear(WORDS).action is Action.NONE
    assert detectors.for_council(None) is detectors.shipped
    assert (detectors.councils(), detectors.stamp(1)) == ([1], "one")


def test_a_maybe_phrase_asks_first() -> None:
    detectors = CouncilDetectors()
    detectors.put(1, [Addition("blorp run", "missing", "maybe")], stamp="one")
    verdict = detectors.for_council(1).hear(WORDS)
    assert verdict.action is Action.ASK
    assert verdict.detection is not None
    assert verdict.detection.category == "missing"


def test_a_bad_phrase_is_left_out_and_the_rest_are_heard() -> None:
    detectors = CouncilDetectors()
    bad = [Addition("me", "suicide", "phrases"), Addition("...", "abuse", "phrases")]
    detectors.put(1, [*bad, BLORP], stamp="one")
    council = detectors.for_council(1)
    assert council.hear(WORDS).action is Action.ALERT
    assert council.hear("tell me about the weekend").action is Action.NONE


def test_only_bad_phrases_leave_the_shipped_detector() -> None:
    detectors = CouncilDetectors()
    detectors.put(1, [Addition("me", "suicide", "phrases")], stamp="one")
    assert detectors.for_council(1) is detectors.shipped
    assert detectors.stamp(1) == "one"
    detectors.put(2, [BLORP], stamp="two")
    detectors.forget(2)
    assert detectors.for_council(2) is detectors.shipped


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("jump off ... blorp", None),
        ("🔪 🩸 blorp", None),
        ("unaliv* myself now", None),
        ("me", "fewer than 3 letters"),
        ("un* myself", 'at least 4 letters before the "*"'),
        ("kill myself", "has this phrase already"),
    ],
)
def test_the_lexicons_rules_decide(text: str, problem: str | None) -> None:
    lexicon = CouncilDetectors().shipped.lexicon
    if problem is None:
        assert checked_phrase(text, "suicide", "phrases", lexicon).text == text
        return
    with pytest.raises(LexiconError, match=problem):
        checked_phrase(text, "suicide", "phrases", lexicon)
