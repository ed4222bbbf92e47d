"""Councils' lexicon additions and labelled examples (the studio's safety words), in memory."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.domain.safety.additions import SafetyWordKind
from bot.domain.wording import WordingStatus
from bot.services.ports import NewSafetyWord, WordingStamp
from bot.services.records import SafetyWordRecord
from tests.unit.fake_records import SafetyWord, Tables
from tests.unit.fake_repositories import Ids


class FakeSafetyWords:
    """Added and approved, never otherwise changed or deleted."""

    def __init__(self, tables: Tables, ids: Ids) -> None:
        self._t, self._ids = tables, ids

    async def add(self, word: NewSafetyWord) -> SafetyWord:
        """Store a draft."""
        row = SafetyWord(
            self._ids(), word.council_id, word.kind, word.category, word.label, word.text,
            WordingStatus.DRAFT, word.proposed_by, word.proposed_at, None, None,
            word.proposed_at,
        )  # fmt: skip
        return self._t.add(self._t.safety_words, row)

    async def get(self, word_id: int) -> SafetyWord | None:
        """One by id."""
        return next((row for row in self._t.safety_words if row.id == word_id), None)

    async def of_council(self, council_id: int) -> Sequence[SafetyWord]:
        """Every one for one council, newest first."""
        rows = [row for row in self._t.safety_words if row.council_id == council_id]
        return sorted(rows, key=lambda row: (row.proposed_at, row.id), reverse=True)

    async def approved(self, council_id: int, kind: SafetyWordKind) -> Sequence[SafetyWord]:
        """One council's approved ones of one kind, oldest first."""
        rows = [
            row
            for row in self._t.safety_words
            if row.council_id == council_id
            and row.kind is kind
            and row.status is WordingStatus.APPROVED
        ]
        return sorted(rows, key=lambda row: (row.approved_at or row.changed_at, row.id))

    def approve(self, word: SafetyWordRecord, *, by: int, now: datetime) -> None:
        """Mark a draft approved."""
        word.status = WordingStatus.APPROVED
        word.approved_by, word.approved_at, word.changed_at = by, now, now

    async def stamps(self) -> dict[int, WordingStamp]:
        """Per council with approved lexicon additions: how many, and when one last changed."""
        found: dict[int, WordingStamp] = {}
        for row in self._t.safety_words:
            if row.status is not WordingStatus.APPROVED or row.kind is not SafetyWordKind.LEXICON:
                continue
            before = found.get(row.council_id)
            count = (before.approved if before else 0) + 1
            latest = (
                max(row.changed_at, before.changed_at)
                if before and before.changed_at
                else row.changed_at
            )
            found[row.council_id] = WordingStamp(count, latest)
        return found
