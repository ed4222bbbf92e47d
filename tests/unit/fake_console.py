"""The staff console's sign-in links and sessions, in memory."""

from __future__ import annotations

from datetime import datetime

from tests.unit.fake_records import ConsoleLink, ConsoleSession, Tables
from tests.unit.fake_repositories import Ids, unique


class FakeConsoleLogins:
    """Links and sessions, found only by the hash of their secret."""

    def __init__(self, tables: Tables, ids: Ids) -> None:
        self._t, self._ids = tables, ids

    async def new_link(
        self, *, token_hash: str, staff_id: int, now: datetime, expires_at: datetime
    ) -> ConsoleLink:
        """Add a sign-in link (a second link with the same hash is refused, as the unique
        index would)."""
        unique((link.token_hash for link in self._t.console_links), token_hash, "token_hash")
        link = ConsoleLink(self._ids(), token_hash, staff_id, now, expires_at)
        return self._t.add(self._t.console_links, link)

    async def link(self, token_hash: str) -> ConsoleLink | None:
        """The link with this hash, if any."""
        return next((li for li in self._t.console_links if li.token_hash == token_hash), None)

    async def use_link(self, link_id: int, now: datetime) -> bool:
        """Use the link up; False when it was used already."""
        link = next(li for li in self._t.console_links if li.id == link_id)
        if link.used_at is not None:
            return False
        link.used_at = now
        return True

    async def new_session(
        self, *, session_hash: str, staff_id: int, csrf_token: str, now: datetime
    ) -> ConsoleSession:
        """Start a session."""
        hashes = (row.session_hash for row in self._t.console_sessions)
        unique(hashes, session_hash, "session_hash")
        row = ConsoleSession(self._ids(), session_hash, staff_id, csrf_token, now, now)
        return self._t.add(self._t.console_sessions, row)

    async def session(self, session_hash: str) -> ConsoleSession | None:
        """The session with this hash, if any."""
        rows = self._t.console_sessions
        return next((row for row in rows if row.session_hash == session_hash), None)

    async def end_sessions(self, staff_id: int, *, now: datetime) -> int:
        """End every open session of this member of staff; returns how many."""
        open_rows = [
            row
            for row in self._t.console_sessions
            if row.staff_id == staff_id and row.ended_at is None
        ]
        for row in open_rows:
            row.ended_at = now
        return len(open_rows)

    async def forget_stale(self, *, links_before: datetime, sessions_before: datetime) -> None:
        """Delete links that stopped working by `links_before`, and sessions last used
        before `sessions_before`."""
        t = self._t
        t.console_links[:] = [li for li in t.console_links if li.expires_at > links_before]
        t.console_sessions[:] = [
            row for row in t.console_sessions if row.last_seen_at >= sessions_before
        ]
