"""Versions of a message's wording that a council's therapists write in the content studio.

The shipped files in content/ are the defaults; each council may adapt any message, in any
language and reading level. Pure names and rules: which status a version has, and how one
language and level of a message stands for a council.
"""

from __future__ import annotations

from enum import StrEnum


class WordingStatus(StrEnum):
    """A stored version: written and waiting, or signed off by a therapist."""

    DRAFT = "draft"
    APPROVED = "approved"


class VariantState(StrEnum):
    """How one language and reading level of a message stands for a council, as the studio
    shows it."""

    # Approved (the council's version, or the shipped file's): young people may see it.
    LIVE = "live"
    # Written, not approved yet.
    DRAFT = "draft"
    # No wording at this language and level (English, or the other level, is used).
    MISSING = "missing"
    # An approved translation of English that has changed since: English is used until a
    # therapist who reads the language approves a translation of the English now live.
    OUT_OF_DATE = "out_of_date"
