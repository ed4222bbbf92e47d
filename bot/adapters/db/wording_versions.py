"""Councils' versions of messages' wording (the content studio), in the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.adapters.db.models import WordingVersion
from bot.domain.errors import AlreadyApproved
from bot.domain.wording import WordingStatus
from bot.services.ports import NewWordingVersion, WordingStamp
from bot.services.records import WordingVersionRecord

_NEWEST_FIRST = (WordingVersion.changed_at.desc(), WordingVersion.id.desc())


class WordingVersions:
    """Versions are added and approved, never changed otherwise or deleted: they are history."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, version: NewWordingVersion, *, now: datetime) -> WordingVersion:
        """Store a new version (its id is known on return)."""
        row = WordingVersion(
            council_id=version.council_id,
            message_id=version.message_id,
            language=version.language,
            easy=version.easy,
            standard=version.standard,
            symbols=list(version.symbols),
            buttons=list(version.buttons),
            status=version.status,
            written_by=version.written_by,
            written_at=version.written_at,
            approved_by=version.approved_by,
            approved_at=version.approved_at,
            english_version_id=version.english_version_id,
            changed_at=now,
        )
        self._session.add(row)
        await self._session.flush()
        return row

    async def get(self, version_id: int) -> WordingVersion | None:
        """One version by id."""
        return await self._session.get(WordingVersion, version_id)

    async def of_message(self, council_id: int, message_id: str) -> Sequence[WordingVersion]:
        """Every version of one message for one council, newest first."""
        found = await self._session.scalars(
            select(WordingVersion)
            .where(
                WordingVersion.council_id == council_id,
                WordingVersion.message_id == message_id,
            )
            .order_by(*_NEWEST_FIRST)
        )
        return found.all()

    async def of_council(self, council_id: int) -> Sequence[WordingVersion]:
        """Every version for one council, newest first."""
        found = await self._session.scalars(
            select(WordingVersion)
            .where(WordingVersion.council_id == council_id)
            .order_by(*_NEWEST_FIRST)
        )
        return found.all()

    async def approved(self, council_id: int) -> Sequence[WordingVersion]:
        """One council's approved versions, newest first."""
        found = await self._session.scalars(
            select(WordingVersion)
            .where(
                WordingVersion.status == WordingStatus.APPROVED,
                WordingVersion.council_id == council_id,
            )
            .order_by(*_NEWEST_FIRST)
        )
        return found.all()

    async def approve(self, version: WordingVersionRecord, *, by: int, now: datetime) -> None:
        """Mark a draft approved by this member of staff, now. Only while it is a draft, as
        the database sees it: of two instances approving at once, the second updates no row
        (PostgreSQL re-checks the condition once the first commits) and is refused."""
        done = await self._session.execute(
            update(WordingVersion)
            .where(
                WordingVersion.id == version.id,
                WordingVersion.status == WordingStatus.DRAFT,
            )
            .values(
                status=WordingStatus.APPROVED,
                approved_by=by,
                approved_at=now,
                changed_at=now,
            )
            .execution_options(synchronize_session="fetch")
        )
        if cast("CursorResult[Any]", done).rowcount != 1:
            raise AlreadyApproved

    async def stamps(self) -> dict[int, WordingStamp]:
        """Per council with approved versions: how many, and when one last changed."""
        rows = await self._session.execute(
            select(
                WordingVersion.council_id,
                func.count(),
                func.max(WordingVersion.changed_at),
            )
            .where(WordingVersion.status == WordingStatus.APPROVED)
            .group_by(WordingVersion.council_id)
        )
        return {
            council_id: WordingStamp(count, changed_at) for council_id, count, changed_at in rows
        }
