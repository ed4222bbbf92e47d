"""Hearing a message with the ones before it reads each message once, and hears exactly what
hearing every joined text afresh would: the same verdicts, the same words, the same model
chances to the last bit. Thoughts split over messages at every place a young person might
break them, across the lexicon's phrases and the model's word pairs."""

from __future__ import annotations

import random
from functools import cache

import pytest

from bot.content.safety_examples import load_examples
from bot.domain.safety.hearing import Detector
from bot.entrypoints.bootstrap import safety_detector

# Places where reading joins two messages ("my" then "self"), and other edges of reading.
EDGES = [
    ("i want to hurt my", "self"),
    ("i keep cutting my-", "self"),
    ("nobody cares about him", "self harm is all i think about"),
    ("i want to kill", "myself tonight"),
    ("i want to kill my", "   self"),
    # Messages that clean to white space ("-", a direction mark) between "my" and "self".
    ("i want to kill my", "-", "self"),
    ("hurt my", "", "self"),
    ("i want to kill my", "~", "\u200f", "self tonight"),
    ("bite my", "\u0640", "self"),
    ("he hits me", "...", "every night"),
    ("hello.", ".", "i am not ok"),
    ("im gonna", "k1ll", "mys3lf"),
    ("  ", "i want to die", ""),
    ("بدي", "انتحر"),
    ("😢", "i cant do this anymore 😢😢😢"),
    ("it", "selves", "itself it self"),
    ("she", "is being groomed by an older man"),
    ("not", "safe at home"),
    # A full stop in a later message still breaks the clause where it stands.
    ("hello there", "no. want to die"),
    ("ok", "not. safe at home"),
    ("hi", "never. going to kill myself"),
]


@cache
def _detector() -> Detector:
    detector = safety_detector(allow_drafts=True, serving=False)
    assert detector.model is not None
    return detector


def _split(line: str, pieces: int, chance: random.Random) -> list[str]:
    words = line.split(" ")
    if len(words) <= pieces:
        return [line]
    cuts = sorted(chance.sample(range(1, len(words)), pieces - 1))
    return [" ".join(words[a:b]) for a, b in zip([0, *cuts], [*cuts, len(words)], strict=True)]


def _conversations() -> list[list[str]]:
    chance = random.Random(20261128)
    lines = [example.text for example in load_examples()]
    found = [list(edge) for edge in EDGES]
    # Each lexicon phrase with "myself" (or "herself", "itself", ...) cut before "self", with
    # a message that cleans to white space between: reading still joins the two.
    for phrase in _detector().lexicon.phrases:
        head, cut, tail = phrase.text.partition("self")
        if cut and head.endswith(("my", "her", "him", "your", "them", "our", "it")):
            found.append([head, chance.choice(["", " ", "-", "~", "\u200f"]), cut + tail])
    for _ in range(300):  # whole lines, one to four of them
        found.append(chance.sample(lines, chance.randint(1, 4)))
    for _ in range(300):  # one line broken into two to four messages
        found.append(_split(chance.choice(lines), chance.randint(2, 4), chance))
    return found


CONVERSATIONS = _conversations()


@pytest.mark.parametrize("lexicon_only", [False, True], ids=["with the model", "lexicon only"])
def test_each_message_read_once_hears_what_every_joined_text_heard_afresh(
    lexicon_only: bool,
) -> None:
    detector = _detector().lexicon_only() if lexicon_only else _detector()
    heard_differently = [
        said
        for said in CONVERSATIONS
        if detector.hear_with_earlier(said[-1], said[:-1])
        != detector.hear_each_joined(said[-1], said[:-1])
    ]
    assert heard_differently == []


@pytest.mark.parametrize("lexicon_only", [False, True], ids=["with the model", "lexicon only"])
def test_every_joined_text_put_together_from_its_parts_is_heard_as_in_full(
    lexicon_only: bool,
) -> None:
    """Each window, not just the strongest: a stop, a phrase or a word pair in a later message
    keeps its place in the joined text."""
    detector = _detector().lexicon_only() if lexicon_only else _detector()
    heard_differently = [
        said[start:]
        for said in CONVERSATIONS
        for start in range(len(said))
        if detector.hear_read([detector.read(one) for one in said[start:]])
        != detector.hear("\n".join(said[start:]))
    ]
    assert heard_differently == []


def test_the_conversations_reach_worries_only_heard_joined() -> None:
    """The comparison above means something: some worries are only heard across a join."""
    detector = _detector()
    joined_only = [
        said
        for said in CONVERSATIONS
        if len(said) > 1 and detector.hear_with_earlier(said[-1], said[:-1])[1] != said[-1]
    ]
    assert len(joined_only) >= 20
