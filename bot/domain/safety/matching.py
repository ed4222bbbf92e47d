"""Finding the lexicon's phrases and cues in a message that has been read into tokens.

Each word of a phrase must match the message's word at its place (see `WordIndex.matches`
for what counts as a match). "..." in a phrase skips up to 3 words. "me", "my" and "myself"
in a category's phrase also match her, him, them, herself and the like: such a match is
marked, because the phrase is then about someone else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain.safety.lexicon import GAP, REMEMBERED, Lexicon, Phrase
from bot.domain.safety.reading import Token
from bot.domain.safety.worry import CATEGORY_NAMES

_GAP_WORDS = 3

# The lexicon words at one place of a message: as written, and through her, him and the like.
Seen = tuple[frozenset[str], frozenset[str]]


@dataclass(frozen=True)
class Found:
    """One lexicon phrase or cue found in a message, from token `start` up to `end`."""

    phrase: Phrase
    start: int
    end: int
    proxied: bool  # matched through her, him, them and the like: about someone else

    def shifted(self, places: int) -> Found:
        """The same find, `places` words further on (more words were put before it)."""
        return Found(self.phrase, self.start + places, self.end + places, self.proxied)

    def entry(self) -> str:
        """The lexicon entry, as "kind: text"."""
        return f"{self.phrase.kind}: {self.phrase.text}"


def _word_at(word: str, at: int, seen: Sequence[Seen], *, proxy: bool) -> bool | None:
    """None if `word` is not at `at`; else whether it is there only as someone else (her: me)."""
    if at >= len(seen):
        return None
    direct, through_someone = seen[at]
    if word in direct:
        return False
    return True if proxy and word in through_someone else None


@dataclass
class Steps:
    """How many (phrase word, message word) places a match looked at: tests count them to show
    that a phrase with many gaps costs little on a long message, without timing anything."""

    count: int = 0


def _match(
    words: tuple[str, ...],
    at: int,
    seen: Sequence[Seen],
    *,
    proxy: bool,
    steps: Steps | None = None,
) -> tuple[int, bool] | None:
    """Where `words` ends if it starts at `at`, and whether it matched through someone else.

    Gaps next to each other would try every way of sharing the skipped words between them
    (about 4 to the power of the gaps): each (phrase word, message word) place is worked out
    once and remembered, so a match costs at most the phrase's length times the message's.
    The answer is the one the plain search would give: the shortest skip that matches first.
    """
    if GAP not in words:
        return _match_gapless(words, at, seen, proxy=proxy, steps=steps)
    known: dict[tuple[int, int], tuple[int, bool] | None] = {}

    def from_here(word: int, place: int) -> tuple[int, bool] | None:
        if (word, place) in known:
            return known[word, place]
        if steps is not None:
            steps.count += 1
        answer: tuple[int, bool] | None = None
        if word == len(words):
            answer = place, False
        elif words[word] == GAP:
            for skip in range(min(_GAP_WORDS, len(seen) - place) + 1):
                if (answer := from_here(word + 1, place + skip)) is not None:
                    break
        elif (here := _word_at(words[word], place, seen, proxy=proxy)) is not None:
            rest = from_here(word + 1, place + 1)
            answer = None if rest is None else (rest[0], rest[1] or here)
        known[word, place] = answer
        return answer

    return from_here(0, at)


def _match_gapless(
    words: tuple[str, ...], at: int, seen: Sequence[Seen], *, proxy: bool, steps: Steps | None
) -> tuple[int, bool] | None:
    """Most phrases have no gap: one way to match, word by word, nothing to remember."""
    proxied = False
    for offset, word in enumerate(words):
        if steps is not None:
            steps.count += 1
        here = _word_at(word, at + offset, seen, proxy=proxy)
        if here is None:
            return None
        proxied = proxied or here
    return at + len(words), proxied


def lexicon_words(tokens: list[Token], lexicon: Lexicon) -> list[Seen]:
    """The lexicon's words at each of the message's places: as written, and through her/him."""
    words = lexicon.index
    seen: list[Seen] = []
    for token in tokens:
        place = words.places.get(token)
        if place is None:
            direct = frozenset[str]().union(
                *(words.matches(form) for form in token.forms),
                *(words.matches(form, typos=False) for form in token.squeezed),
            )
            proxied = frozenset[str]().union(*(words.matches(form) for form in token.proxies))
            if len(words.places) > REMEMBERED:
                words.places.clear()
            place = words.places[token] = (direct, proxied - direct)
        seen.append(place)
    return seen


def find(seen: Sequence[Seen], lexicon: Lexicon, *, first: int | None = None) -> list[Found]:
    """Every lexicon phrase and cue in the message, in order, from its `lexicon_words`; or
    only those starting in its `first` places. A match looks only forward, to the message's
    end, so what starts after those places is what a find in the rest alone would give."""
    words = lexicon.index
    found: list[Found] = []
    for start, (direct, proxied) in enumerate(seen[:first]):
        candidates = {p for word in direct | proxied for p in words.by_first.get(word, ())}
        for phrase in sorted(candidates, key=lambda p: (p.kind, p.text)):
            if end := _match(phrase.words, start, seen, proxy=phrase.kind in CATEGORY_NAMES):
                found.append(Found(phrase, start, end[0], proxied=end[1]))
    return found
