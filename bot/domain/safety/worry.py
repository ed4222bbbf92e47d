"""What a worry is about and how soon a person must see it: shared by the lexicon and detection.

The values are the table names in `content/safety/lexicon.toml` and the words of its
`urgency = "..."` lines, so renaming one means editing the lexicon too.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Category(StrEnum):
    """What a worry is about."""

    SELF_HARM = "self_harm"
    SUICIDE = "suicide"
    ABUSE = "abuse"
    UNSAFE = "unsafe"
    MISSING = "missing"
    SEXUAL_EXPLOITATION = "sexual_exploitation"
    CRIMINAL_EXPLOITATION = "criminal_exploitation"
    BULLYING = "bullying"
    SUBSTANCES = "substances"
    EATING = "eating"
    OTHER_CHILD = "other_child"
    # Vague distress or an urgent call with no detail ("i'm not ok", "get jo it's urgent").
    HELP = "help"


class Urgency(StrEnum):
    """How soon a person must see a worry."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    def outranks(self, other: Urgency) -> bool:
        """Whether this is more urgent than `other`."""
        order = (Urgency.LOW, Urgency.MEDIUM, Urgency.HIGH)
        return order.index(self) > order.index(other)


# Lexicon entries carry their category as a plain string (`Phrase.kind`), beside cue names.
CATEGORY_NAMES = frozenset(category.value for category in Category)


@dataclass(frozen=True)
class Worry:
    """What the young person did: tapped the button, or wrote words that sound worried."""

    source: str  # "button", "command" or "words"
    urgency: Urgency
    words: str | None = None
    category: str | None = None
    # False when the words only may be a worry (negated, joking): ask the young person first.
    sure: bool = True
    # For a worry about another young person: what the worry is (exploitation, missing, ...).
    harm: str | None = None
    # The Telegram message it came in, so an edit of that message adds to the same concern.
    message_id: int | None = None
