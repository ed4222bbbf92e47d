"""Councils' lexicon additions and labelled examples (the studio's safety words), in the
caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.adapters.db.models import SafetyWord
from bot.domain.safety.additions import SafetyWordKind
from bot.domain.wording import WordingStatus
from bot.services.ports import NewSafetyWord, WordingStamp
from bot.services.records import SafetyWordRecord


class SafetyWords:
    """Added and approved, never otherwise changed or deleted: they are history."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, word: NewSafetyWord) -> SafetyWord:
        """Store a draft (its id is known on return)."""
        row = SafetyWord(
            council_id=word.council_id,
            kind=word.kind,
            category=word.category,
            label=word.label,
            text=word.text,
            status=WordingStatus.DRAFT,
            proposed_by=word.proposed_by,
            proposed_at=word.proposed_at,
            changed_at=word.proposed_at,
        )
        self._session.add(row)
        await self._session.flush()
        return row

    async def get(self, word_id: int) -> SafetyWord | None:
        """One by id."""
        return await self._session.get(SafetyWord, word_id)

    async def of_council(self, council_id: int) -> Sequence[SafetyWord]:
        """Every one for one council, newest first."""
        found = await self._session.scalars(
            select(SafetyWord)
            .where(SafetyWord.council_id == council_id)
            .order_by(SafetyWord.proposed_at.desc(), SafetyWord.id.desc())
        )
        return found.all()

    async def approved(self, council_id: int, kind: SafetyWordKind) -> Sequence[SafetyWord]:
        """One council's approved ones of one kind, oldest first."""
        found = await self._session.scalars(
            select(SafetyWord)
            .where(
                SafetyWord.status == WordingStatus.APPROVED,
                SafetyWord.kind == kind,
                SafetyWord.council_id == council_id,
            )
            .order_by(SafetyWord.approved_at, SafetyWord.id)
        )
        return found.all()

    def approve(self, word: SafetyWordRecord, *, by: int, now: datetime) -> None:
        """Mark a draft approved by this member of staff, now."""
        word.status = WordingStatus.APPROVED
        word.approved_by = by
        word.approved_at = now
        word.changed_at = now

    async def stamps(self) -> dict[int, WordingStamp]:
        """Per council with approved lexicon additions: how many, and when one last changed."""
        rows = await self._session.execute(
            select(SafetyWord.council_id, func.count(), func.max(SafetyWord.changed_at))
            .where(
                SafetyWord.status == WordingStatus.APPROVED,
                SafetyWord.kind == SafetyWordKind.LEXICON,
            )
            .group_by(SafetyWord.council_id)
        )
        return {
            council_id: WordingStamp(count, changed_at) for council_id, count, changed_at in rows
        }
