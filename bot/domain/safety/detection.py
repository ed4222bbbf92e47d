"""Worrying words in a young person's message, found with the lexicon clinicians own (issue 5).

`content/safety/lexicon.toml` explains the rules for the people who edit it. In short:

1. A message is read as one text, casefolded, with text-speak expanded and numbers for
   letters undone (`reading`).
2. The lexicon's phrases and cues are found in it word by word, allowing for plurals, -ing
   and -ed forms, typos of long words, "..." gaps and her or him for me (`lexicon`,
   `matching`).
3. Each phrase found starts at its category's urgency, sure (a `maybe` phrase: low, not sure).
   Past words lower it one step unless something says it is still happening; a negation just
   before it, or hyperbole anywhere, makes it low and not sure; a raise_to_high cue anywhere
   makes it high (staying not sure if it was). A phrase about someone else is other_child.
4. The most urgent finding wins; then a sure one; then TIE_ORDER.

Negation and hyperbole never drop a concern: a miss costs more than a false alarm.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from bot.domain.safety.lexicon import CUES, Lexicon
from bot.domain.safety.matching import Found, find, lexicon_words
from bot.domain.safety.reading import Token, read
from bot.domain.safety.worry import CATEGORY_NAMES, Category, Urgency

# Equally urgent and equally sure: the first here wins. The young person's own risk to life
# comes first, then harm done to them, then worries about others, then the rest.
TIE_ORDER = (
    Category.SUICIDE,
    Category.SELF_HARM,
    Category.UNSAFE,
    Category.ABUSE,
    Category.SEXUAL_EXPLOITATION,
    Category.CRIMINAL_EXPLOITATION,
    Category.MISSING,
    Category.OTHER_CHILD,
    Category.EATING,
    Category.SUBSTANCES,
    Category.BULLYING,
    Category.HELP,
)
_RANK = {Urgency.LOW: 0, Urgency.MEDIUM: 1, Urgency.HIGH: 2}
_LOWER = {Urgency.HIGH: Urgency.MEDIUM, Urgency.MEDIUM: Urgency.LOW, Urgency.LOW: Urgency.LOW}
_NEGATION_REACH = 2  # words allowed between a negation and the phrase it negates
_SUBJECT_REACH = 10  # words looked back, within the clause, for who a phrase is about
_FIRST_PERSON = frozenset(
    {"i", "me", "my", "myself", "mine", "us", "we", "our", "ourselves", "انا", "نفسي", "حالي"}
)
# "my" before a phrase is not its subject ("this girl in my year is being groomed").
_FIRST_PERSON_SUBJECT = frozenset({"i", "me", "myself", "us", "we", "ourselves", "انا"})
# Arabic says "me" and "my" with an ending: ضربني (hit me), ايدي (my arm), بدي (I want).
_ARABIC_ME = ("ي",)
# Arabic "herself", "himself", "themselves": a phrase with one is about someone else.
_THEIR_SELF = frozenset({"نفسه", "نفسها", "نفسهم", "حاله", "حالها", "حالهم"})
_NEW_CLAUSE = frozenset({"i", "but", "and", "because", "then"})
_PRONOUNS = frozenset({("she",), ("he",), ("they",), ("هي",), ("هو",), ("هم",)})
# "He" or "she" just before one of these is usually the person doing the harm ("he's got a
# knife"), so only a named person ("my sister isn't safe") makes them about someone else.
_ARABIC_LETTER = re.compile("[\u0621-\u064a]")
_HARMED_BY_SUBJECT = frozenset({Category.ABUSE, Category.UNSAFE, Category.SEXUAL_EXPLOITATION})

# Category, urgency, sure, and the harm itself (which stays put when the worry is for a friend).
_Verdict = tuple[Category, Urgency, bool, Category]


@dataclass(frozen=True)
class Detection:
    """A worry found in one message; sure=False means ask the young person before telling."""

    category: Category
    urgency: Urgency
    sure: bool
    matched: tuple[str, ...] = ()  # lexicon entries, for tests and tuning; never log them
    # The harm itself: the same as `category`, except for a worry about another young person,
    # where it says what the worry is ("my mate is made to sell" is other_child, exploitation).
    harm: Category | None = None


def detect(text: str, lexicon: Lexicon) -> Detection | None:
    """The most urgent worry in `text`, or None when nothing in the lexicon is there."""
    tokens, stops = read(text, lexicon.textspeak)
    return detect_found(tokens, stops, find(lexicon_words(tokens, lexicon), lexicon), lexicon)


def detect_found(
    tokens: list[Token], stops: frozenset[int], found: list[Found], lexicon: Lexicon
) -> Detection | None:
    """`detect` for a text already read, with every lexicon phrase and cue `find` found."""
    message = _Message.of(tokens, stops, found)
    if not message.hits:
        return None
    verdicts = [_judge(hit, message, lexicon) for hit in message.hits]
    category, urgency, sure, harm = max(
        verdicts, key=lambda v: (_RANK[v[1]], v[2], -TIE_ORDER.index(v[0]))
    )
    matched = tuple(dict.fromkeys(one.entry() for one in found))
    return Detection(category, urgency, sure, matched, harm)


# Judging -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Message:
    """One message read: its words, where clauses break, and every lexicon entry found."""

    tokens: list[Token]
    stops: frozenset[int]
    hits: list[Found]
    cues: Mapping[str, list[Found]]

    @classmethod
    def of(cls, tokens: list[Token], stops: frozenset[int], found: list[Found]) -> _Message:
        """Split what was found into category phrases and cues."""
        hits = [one for one in found if one.phrase.kind in CATEGORY_NAMES]
        cues = {name: [one for one in found if one.phrase.kind == name] for name in CUES}
        # A negation inside "won't stop" or inside a phrase ("not safe") negates nothing.
        ignore = [*cues["not_a_negation"], *hits]
        cues["negation"] = [
            cue
            for cue in cues["negation"]
            if not any(other.start <= cue.start and cue.end <= other.end for other in ignore)
        ]
        return cls(tokens=tokens, stops=stops, hits=hits, cues=cues)

    def broken(self, start: int, end: int) -> bool:
        """Whether punctuation or a new clause ("but", "i") comes between `start` and `end`."""
        if any(start <= stop <= end for stop in self.stops):
            return True
        return any(token.forms & _NEW_CLAUSE for token in self.tokens[start:end])


def _negated(hit: Found, message: _Message) -> bool:
    """Whether a negation comes just before the phrase, in the same clause."""
    return any(
        0 <= hit.start - cue.end <= _NEGATION_REACH and not message.broken(cue.end, hit.start)
        for cue in message.cues["negation"]
    )


def _person_after(hit: Found, named: list[Found], tokens: list[Token]) -> bool | None:
    """Someone else named just after the phrase ("bullying my friend"), or me, or unknown."""
    if any(other.start == hit.end for other in named):
        return True
    if any(token.forms & _FIRST_PERSON for token in tokens[hit.end : hit.end + 2]):
        return False  # "a fake account of me"
    return None


def _person_before(hit: Found, others: list[Found], message: _Message) -> bool:
    """Whether the nearest person named before the phrase, in its clause, is someone else."""
    for at in range(hit.start - 1, max(hit.start - _SUBJECT_REACH, 0) - 1, -1):
        if at + 1 in message.stops:
            break
        if any(other.end == at + 1 for other in others):
            return True
        if message.tokens[at].forms & (_FIRST_PERSON_SUBJECT | _NEW_CLAUSE):
            break
    return False


def _about_me(words: tuple[str, ...]) -> bool:
    """Whether a phrase names the young person: me, my, myself; in Arabic also an ending."""
    if _FIRST_PERSON & set(words):
        return True
    return any(_ARABIC_LETTER.match(w) and len(w) >= 3 and w.endswith(_ARABIC_ME) for w in words)


def _about_someone_else(hit: Found, message: _Message) -> bool:
    """Whether the phrase is about another young person ("my mate is being made to sell").

    When in doubt it is about the young person: their own worry reaches their worker.
    """
    if hit.proxied or _THEIR_SELF & set(hit.phrase.words):
        return True
    if _about_me(hit.phrase.words):
        return False
    others = message.cues["someone_else"]
    named = [other for other in others if other.phrase.words not in _PRONOUNS]
    after = _person_after(hit, named, message.tokens)
    if after is not None:
        return after
    return _person_before(hit, named if hit.phrase.kind in _HARMED_BY_SUBJECT else others, message)


def _judge(hit: Found, message: _Message, lexicon: Lexicon) -> _Verdict:
    """Category, urgency and sureness of one phrase found, after the cues around it."""
    category = harm = Category(hit.phrase.kind)
    sure = hit.phrase.sure
    urgency = lexicon.urgency[category] if sure else Urgency.LOW
    cues = message.cues
    if cues["past"] and not cues["still_happening"]:
        urgency = _LOWER[urgency]
    if cues["hyperbole"] or cues["story"] or _negated(hit, message):
        urgency, sure = Urgency.LOW, False
    if cues["raise_to_high"]:
        urgency = Urgency.HIGH
    if _about_someone_else(hit, message):
        category = Category.OTHER_CHILD
    return category, urgency, sure, harm
