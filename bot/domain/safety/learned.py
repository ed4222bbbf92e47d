"""The learned layer: a model that hears worries in wording the lexicon has never seen (issue 14).

`waypoint safety train` builds it from the labelled lines in `content/safety/examples/` (and
openly licensed everyday text as negatives) with scikit-learn, and writes what it learned to
`content/safety/model.json`. Reading a message needs none of that: this module turns the
message into the same features the training used and adds up their weights, in plain Python,
so Waypoint runs without scikit-learn, numpy or anything downloaded.

The model is a multinomial logistic regression over TF-IDF features (sublinear term
frequency, L2 norm): words, pairs of words, and 3 to 5 letters inside a word, so a misspelt or
new word still shares most of its pieces with words it was trained on.
"""

from __future__ import annotations

import itertools
import math
import operator
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.domain.safety.worry import Category

NONE = "none"
# The categories the model tells apart: the routing categories. The lexicon's finer ones
# (suicide, unsafe) keep their own urgency; examples of them are labelled self_harm and abuse.
LEARNED_CATEGORIES = (
    Category.SELF_HARM,
    Category.ABUSE,
    Category.SEXUAL_EXPLOITATION,
    Category.CRIMINAL_EXPLOITATION,
    Category.MISSING,
    Category.BULLYING,
    Category.SUBSTANCES,
    Category.EATING,
    Category.OTHER_CHILD,
    Category.HELP,
)
_CHARS = range(3, 6)
_TOKENS = re.compile(r"[^\W_]+|[^\w\s]")
_RUNS = re.compile(r"(.)\1{2,}")
# Emoji variation selectors, skin tones and joiners say nothing about the message.
_DECORATION = re.compile("[\ufe0e\ufe0f\u200d\U0001f3fb-\U0001f3ff]")


def words_of(text: str) -> list[str]:
    """The message's words and symbols: casefolded, apostrophes dropped, long runs cut."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _DECORATION.sub("", text).replace("'", "").replace("\u2019", "")
    return _TOKENS.findall(_RUNS.sub(r"\1\1", text))


def features(text: str) -> list[str]:
    """Every feature of a message, repeated as often as it occurs (training uses this too)."""
    words = words_of(text)
    return features_of(words, letter_pieces(words))


def letter_pieces(words: Sequence[str]) -> list[str]:
    """The 3 to 5 letter pieces of each word (with a space before and after it), in order."""
    found: list[str] = []
    for word in words:
        if not word.isalnum():
            continue
        padded = f" {word} "
        for size in _CHARS:
            found += [f"c {padded[at : at + size]}" for at in range(len(padded) - size + 1)]
    return found


def features_of(words: Sequence[str], pieces: Sequence[str]) -> list[str]:
    """The features of a text from its words and their `letter_pieces`: the words, each pair
    of words next to each other, then the pieces (the order `features` has always had)."""
    found = [f"w {word}" for word in words]
    found += [f"b {first} {second}" for first, second in itertools.pairwise(words)]
    found += pieces
    return found


@dataclass(frozen=True)
class Guess:
    """What the model makes of a message: how likely it is a worry, and what about."""

    worry: float
    category: Category
    category_chance: float


@dataclass(frozen=True)
class Model:
    """A trained model: per feature its IDF and one weight per class; the threshold to ask."""

    classes: tuple[str, ...]
    weights: Mapping[str, tuple[float, tuple[float, ...]]]
    intercepts: tuple[float, ...]
    ask_at: float
    approved: bool
    data_sha256: str

    def guess(self, text: str) -> Guess:
        """The model's reading of `text` (one message, or a few joined by newlines)."""
        return self.guess_features(features(text))

    def guess_features(self, found: Iterable[str]) -> Guess:
        """The model's reading of a text from its `features`."""
        values: list[float] = []
        rows: list[tuple[float, ...]] = []
        for feature, count in Counter(found).items():
            known = self.weights.get(feature)
            if known is not None:
                idf, per_class = known
                values.append((1.0 + math.log(count)) * idf)
                rows.append(per_class)
        norm = math.sqrt(sum(map(operator.mul, values, values))) or 1.0
        # One class at a time, each a sum of products in C: a message has a few hundred
        # features, and a loop over each feature and class took most of the model's time.
        columns = zip(*rows, strict=True) if rows else [() for _ in self.intercepts]
        scores = [
            intercept + sum(map(operator.mul, values, column)) / norm
            for intercept, column in zip(self.intercepts, columns, strict=True)
        ]
        chances = _softmax(scores)
        worry = 1.0 - chances[self.classes.index(NONE)]
        best = max(
            (at for at, name in enumerate(self.classes) if name != NONE),
            key=lambda at: chances[at],
        )
        share_of_worry = chances[best] / worry if worry > 0 else 0.0
        return Guess(worry, Category(self.classes[best]), share_of_worry)


def _softmax(scores: Sequence[float]) -> list[float]:
    top = max(scores)
    exps = [math.exp(score - top) for score in scores]
    total = sum(exps)
    return [value / total for value in exps]
