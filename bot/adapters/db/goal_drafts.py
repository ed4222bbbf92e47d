"""Goals staff are making with a young person (/goal): one draft row each, for 30 minutes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.adapters.db.models import GoalDraft


class GoalDrafts:
    """Goal drafts, in the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, staff_id: int, *, now: datetime) -> GoalDraft | None:
        """This member of staff's draft, locked against a second tap, unless it expired."""
        query = select(GoalDraft).where(GoalDraft.staff_id == staff_id, GoalDraft.expires_at > now)
        # Two taps at once (two instances) take turns: the second sees the first's step.
        return await self._session.scalar(query.with_for_update())

    async def start(
        self, staff_id: int, young_person_id: int, step: str, *, expires_at: datetime
    ) -> GoalDraft:
        """A new draft for this member of staff, in place of any they had."""
        await self.forget(staff_id)
        draft = GoalDraft(
            staff_id=staff_id, young_person_id=young_person_id, step=step, expires_at=expires_at
        )
        self._session.add(draft)
        await self._session.flush()
        return draft

    async def forget(self, staff_id: int) -> None:
        """Their draft is done with (saved or given up)."""
        await self._session.execute(delete(GoalDraft).where(GoalDraft.staff_id == staff_id))

    async def forget_expired(self, now: datetime) -> None:
        """Drop every draft whose time ran out (the young person's words with it)."""
        await self._session.execute(delete(GoalDraft).where(GoalDraft.expires_at <= now))
