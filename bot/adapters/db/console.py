"""The staff console's sign-in links and sessions, in the caller's transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.adapters.db.models import ConsoleLink, ConsoleSession


class ConsoleLogins:
    """Links and sessions, found only by the hash of their secret."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def new_link(
        self, *, token_hash: str, staff_id: int, now: datetime, expires_at: datetime
    ) -> ConsoleLink:
        """Add a sign-in link (its id is known on return)."""
        link = ConsoleLink(
            token_hash=token_hash, staff_id=staff_id, created_at=now, expires_at=expires_at
        )
        self._session.add(link)
        await self._session.flush()
        return link

    async def link(self, token_hash: str) -> ConsoleLink | None:
        """The link with this hash, if any."""
        return await self._session.scalar(
            select(ConsoleLink).where(ConsoleLink.token_hash == token_hash)
        )

    async def use_link(self, link_id: int, now: datetime) -> bool:
        """Use the link up; False when it was used already (two clicks at once: one wins)."""
        result = await self._session.execute(
            update(ConsoleLink)
            .where(ConsoleLink.id == link_id, ConsoleLink.used_at.is_(None))
            .values(used_at=now)
            .execution_options(synchronize_session="fetch")
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    async def new_session(
        self, *, session_hash: str, staff_id: int, csrf_token: str, now: datetime
    ) -> ConsoleSession:
        """Start a session (its id is known on return)."""
        row = ConsoleSession(
            session_hash=session_hash,
            staff_id=staff_id,
            csrf_token=csrf_token,
            created_at=now,
            last_seen_at=now,
        )
        self._session.add(row)
        await self._session.flush()
        return row

    async def session(self, session_hash: str) -> ConsoleSession | None:
        """The session with this hash, if any."""
        return await self._session.scalar(
            select(ConsoleSession).where(ConsoleSession.session_hash == session_hash)
        )

    async def end_sessions(self, staff_id: int, *, now: datetime) -> int:
        """End every session of this member of staff still open; returns how many."""
        result = await self._session.execute(
            update(ConsoleSession)
            .where(ConsoleSession.staff_id == staff_id, ConsoleSession.ended_at.is_(None))
            .values(ended_at=now)
            .execution_options(synchronize_session="fetch")
        )
        return int(getattr(result, "rowcount", 0))

    async def forget_stale(self, *, links_before: datetime, sessions_before: datetime) -> None:
        """Delete links that stopped working by `links_before`, and sessions last used
        before `sessions_before`."""
        await self._session.execute(
            delete(ConsoleLink).where(ConsoleLink.expires_at <= links_before)
        )
        await self._session.execute(
            delete(ConsoleSession).where(ConsoleSession.last_seen_at < sessions_before)
        )
