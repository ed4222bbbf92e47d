"""Councils' versions of messages' wording (the content studio), in memory."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.domain.errors import AlreadyApproved
from bot.domain.wording import WordingStatus
from bot.services.ports import NewWordingVersion, WordingStamp
from bot.services.records import WordingVersionRecord
from tests.unit.fake_records import Tables, WordingVersion
from tests.unit.fake_repositories import Ids


class FakeWordingVersions:
    """Versions are added and approved, never otherwise changed or deleted."""

    def __init__(self, tables: Tables, ids: Ids) -> None:
        self._t, self._ids = tables, ids

    def _newest_first(self, rows: list[WordingVersion]) -> list[WordingVersion]:
        return sorted(rows, key=lambda row: (row.changed_at, row.id), reverse=True)

    async def add(self, version: NewWordingVersion, *, now: datetime) -> WordingVersion:
        """Store a new version."""
        row = WordingVersion(
            self._ids(), version.council_id, version.message_id, version.language,
            version.easy, version.standard, list(version.symbols), list(version.buttons),
            version.status, version.written_by, version.written_at, version.approved_by,
            version.approved_at, version.english_version_id, now,
        )  # fmt: skip
        return self._t.add(self._t.wording_versions, row)

    async def get(self, version_id: int) -> WordingVersion | None:
        """One version by id."""
        return next((row for row in self._t.wording_versions if row.id == version_id), None)

    async def of_message(self, council_id: int, message_id: str) -> Sequence[WordingVersion]:
        """Every version of one message for one council, newest first."""
        rows = self._t.wording_versions
        return self._newest_first(
            [r for r in rows if r.council_id == council_id and r.message_id == message_id]
        )

    async def of_council(self, council_id: int) -> Sequence[WordingVersion]:
        """Every version for one council, newest first."""
        rows = self._t.wording_versions
        return self._newest_first([r for r in rows if r.council_id == council_id])

    async def approved(self, council_id: int) -> Sequence[WordingVersion]:
        """One council's approved versions, newest first."""
        return [
            row
            for row in await self.of_council(council_id)
            if row.status is WordingStatus.APPROVED
        ]

    async def approve(self, version: WordingVersionRecord, *, by: int, now: datetime) -> None:
        """Mark a draft approved; AlreadyApproved when it is one no longer, as the database's
        conditional update says."""
        if version.status is not WordingStatus.DRAFT:
            raise AlreadyApproved
        version.status = WordingStatus.APPROVED
        version.approved_by, version.approved_at, version.changed_at = by, now, now

    async def stamps(self) -> dict[int, WordingStamp]:
        """Per council with approved versions: how many, and when one last changed."""
        found: dict[int, WordingStamp] = {}
        for row in self._t.wording_versions:
            if row.status is not WordingStatus.APPROVED:
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
