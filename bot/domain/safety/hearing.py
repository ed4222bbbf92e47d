"""The hybrid detector: the lexicon when it is sure, the learned layer for what it never saw.

Three outcomes (issue 14):
- alert: the lexicon found a worry and is sure: the concern path as it always was;
- ask: the lexicon found something it is unsure of (negated, joking, a `maybe` phrase), or only
  the learned layer heard a worry: the young person gets one short check ("Are you OK?")
  before anyone is alerted; "I'm worried" or no answer in time reaches their worker;
- none: neither heard anything.

The lexicon keeps its categories, urgencies and explanations; a worry only the model heard
is low urgency, in the model's category ("help" when the model cannot tell which).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.domain.safety.detection import Detection, detect
from bot.domain.safety.learned import Guess, Model
from bot.domain.safety.lexicon import Lexicon
from bot.domain.safety.worry import Category, Urgency

# Below this share of the model's worry, its category is a guess: routed as "help".
_CATEGORY_SURE = 0.5


class Action(StrEnum):
    """What Waypoint does with a message."""

    ALERT = "alert"
    ASK = "ask"
    NONE = "none"


@dataclass(frozen=True)
class Verdict:
    """The verdict on a message: what to do, and the worry it would be."""

    action: Action
    detection: Detection | None
    guess: Guess | None = None

    @property
    def only_learned(self) -> bool:
        """Whether only the learned layer heard a worry (the lexicon matched nothing)."""
        return (
            self.action is not Action.NONE
            and self.detection is not None
            and (not self.detection.matched)
        )


def hear(text: str, lexicon: Lexicon, model: Model | None) -> Verdict:
    """Alert, ask or none for `text` (with no model, the lexicon alone)."""
    found = detect(text, lexicon)
    guess = model.guess(text) if model is not None else None
    if found is not None:
        return Verdict(Action.ALERT if found.sure else Action.ASK, found, guess)
    if guess is None or model is None or guess.worry < model.ask_at:
        return Verdict(Action.NONE, None, guess)
    category = guess.category if guess.category_chance >= _CATEGORY_SURE else Category.HELP
    learned = Detection(category, Urgency.LOW, sure=False, matched=(), harm=category)
    return Verdict(Action.ASK, learned, guess)


_STRENGTH = {Action.NONE: 0, Action.ASK: 1, Action.ALERT: 2}


def stronger(first: Verdict, second: Verdict) -> bool:
    """Whether `first` is a stronger verdict than `second` (alert over ask over none)."""
    return _STRENGTH[first.action] > _STRENGTH[second.action]


@dataclass(frozen=True)
class Detector:
    """The lexicon and (unless it is left out) the learned model, heard together."""

    lexicon: Lexicon
    model: Model | None = None

    def hear(self, text: str) -> Verdict:
        """Alert, ask or none for `text` (see `hear`)."""
        return hear(text, self.lexicon, self.model)

    def lexicon_only(self) -> Detector:
        """The same lexicon without the learned model."""
        return Detector(self.lexicon)
