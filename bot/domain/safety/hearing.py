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

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from bot.domain.safety.detection import Detection, detect, detect_found
from bot.domain.safety.learned import (
    Guess,
    Model,
    features_of,
    letter_pieces,
    words_of,
)
from bot.domain.safety.lexicon import Lexicon
from bot.domain.safety.matching import Found, Seen, find, lexicon_words
from bot.domain.safety.reading import Token, clean, joins_across, read_cleaned
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
    return _verdict(found, model.guess(text) if model is not None else None, model)


def _verdict(found: Detection | None, guess: Guess | None, model: Model | None) -> Verdict:
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
class ReadMessage:
    """One message read once, for hearing it alone and joined with the messages before it.
    A young person's words: never shown in a repr, so never in a log or a traceback."""

    text: str = field(repr=False)
    cleaned: str = field(repr=False)
    tokens: list[Token] = field(repr=False)
    stops: frozenset[int] = field(repr=False)
    seen: list[Seen] = field(repr=False)
    words: list[str] = field(repr=False)  # the model's (none without a model)
    pieces: list[str] = field(repr=False)


@dataclass(frozen=True)
class Detector:
    """The lexicon and (unless it is left out) the learned model, heard together."""

    lexicon: Lexicon
    model: Model | None = None

    def hear(self, text: str) -> Verdict:
        """Alert, ask or none for `text` (see `hear`)."""
        return hear(text, self.lexicon, self.model)

    def hear_with_earlier(self, text: str, earlier: Sequence[str]) -> tuple[Verdict, str]:
        """The strongest verdict on `text` heard alone, then joined with the last one, two or
        three `earlier` messages (newest last); and the words that hold it (alone wins a tie).
        """
        parts = [self.read(one) for one in (*earlier, text)]
        best, words = Verdict(Action.NONE, None), text
        for back, heard in enumerate(self._windows(parts)):
            if back == 0 or stronger(heard, best):
                best, words = heard, "\n".join(part.text for part in parts[-1 - back :])
        return best, words

    def hear_each_joined(self, text: str, earlier: Sequence[str]) -> tuple[Verdict, str]:
        """What `hear_with_earlier` gives, the plain way: every joined text heard in full.
        Slower; kept to check and to measure the fast way against."""
        best, words = self.hear(text), text
        for start in range(len(earlier) - 1, -1, -1):
            joined = "\n".join((*earlier[start:], text))
            heard = self.hear(joined)
            if stronger(heard, best):
                best, words = heard, joined
        return best, words

    def read(self, text: str) -> ReadMessage:
        """`text` read for the lexicon and the model, to be heard alone or joined."""
        cleaned = clean(text)
        tokens, stops = read_cleaned(cleaned, self.lexicon.textspeak, self.lexicon.spell)
        words = words_of(text) if self.model is not None else []
        return ReadMessage(
            text=text,
            cleaned=cleaned,
            tokens=tokens,
            stops=stops,
            seen=lexicon_words(tokens, self.lexicon),
            words=words,
            pieces=letter_pieces(words),
        )

    def hear_read(self, parts: Sequence[ReadMessage]) -> Verdict:
        """The verdict on `parts` joined by newlines, the same as `hear` gives the joined text."""
        *_, joined = self._windows(parts)
        return joined

    def _windows(self, parts: Sequence[ReadMessage]) -> Iterator[Verdict]:
        """The verdict on the last of `parts` alone, then joined with one, two, ... before it.

        Each message is read once. Joined by newlines, messages read as they do apart, one
        after the other (but see `joins_across`), so each joined text is put together from its
        parts' readings, and only phrases that start in the part put before are looked for
        afresh; phrases and word pairs across the joins are found as in the whole text.
        """
        tokens: list[Token] = []
        stops: frozenset[int] = frozenset()
        seen: list[Seen] = []
        found: list[Found] = []
        words: list[str] = []
        pieces: list[str] = []
        # The nearest later message with more than white space once cleaned: reading joins
        # "my" and "self" across any white space, messages of only "-" or "~" between too.
        following = ""
        for at in range(len(parts) - 1, -1, -1):
            part = parts[at]
            if following and joins_across(part.cleaned, following):
                for start in range(at, -1, -1):
                    yield self.hear("\n".join(one.text for one in parts[start:]))
                return
            if part.cleaned.strip():
                following = part.cleaned
            places = len(part.tokens)
            tokens = part.tokens + tokens
            stops = part.stops | {stop + places for stop in stops}
            seen = part.seen + seen
            found = find(seen, self.lexicon, first=places) + [one.shifted(places) for one in found]
            detection = detect_found(tokens, stops, found, self.lexicon)
            if self.model is None:
                yield _verdict(detection, None, None)
                continue
            words = part.words + words
            pieces = part.pieces + pieces
            guess = self.model.guess_features(features_of(words, pieces))
            yield _verdict(detection, guess, self.model)

    def lexicon_only(self) -> Detector:
        """The same lexicon without the learned model."""
        return Detector(self.lexicon)
