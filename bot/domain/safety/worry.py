"""What a worry is about and how soon a person must see it: shared by the lexicon and detection.

The values are the table names in `content/safety/lexicon.toml` and the words of its
`urgency = "..."` lines, so renaming one means editing the lexicon too.
"""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    """What a worry is about."""

    SELF_HARM = "self_harm"
    SUICIDE = "suicide"
    ABUSE = "abuse"
    UNSAFE = "unsafe"
    MISSING = "missing"
    EXPLOITATION = "exploitation"
    BULLYING = "bullying"
    SUBSTANCES = "substances"
    OTHER_CHILD = "other_child"


class Urgency(StrEnum):
    """How soon a person must see a worry."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


# Lexicon entries carry their category as a plain string (`Phrase.kind`), beside cue names.
CATEGORY_NAMES = frozenset(category.value for category in Category)
