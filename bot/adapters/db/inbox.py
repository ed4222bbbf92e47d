"""The inbox: every update from Telegram, stored before Telegram is told it arrived.

An update is handled at most once. Whoever handles it sets `handling` for the task; the first
commit made while handling it marks the inbox row handled in the same transaction (see
`SqlUnitOfWork.commit`), so the update's effect and "handled" are one fact. A second attempt
(after a crash, or when another instance took the lease over) finds the row already handled
and its transaction is rolled back.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.adapters.db.models import InboxUpdate

PENDING, HANDLED, SET_ASIDE = "pending", "handled", "set_aside"
_SLICE = 1_000


@dataclass
class Handling:
    """The update this task is handling, and what has become of it so far."""

    update_id: int
    started_at: datetime
    # True once a commit has marked the row handled.
    marked: bool = False
    # True when a handler failed before anything was committed: the update is tried again.
    failed: bool = False


handling: ContextVar[Handling | None] = ContextVar("waypoint_inbox_handling", default=None)


class AlreadyHandled(Exception):
    """Another attempt handled this update first; this attempt's changes are rolled back."""


@dataclass(frozen=True)
class Received:
    """One update as Telegram sent it, ready to be handled."""

    update_id: int
    chat_id: int | None
    payload: dict[str, Any]


def _row(
    received: Received, *, owner: str, now: datetime, lease_until: datetime
) -> dict[str, Any]:
    return {
        "update_id": received.update_id,
        "chat_id": received.chat_id,
        "received_at": now,
        # ASCII JSON: a lone surrogate or a NUL in someone's text cannot break the INSERT.
        "payload": json.dumps(received.payload, ensure_ascii=True),
        "state": PENDING,
        "attempts": 0,
        "lease_owner": owner,
        "lease_until": lease_until,
    }


# Built once: it runs for every update.
_INBOX = cast(Table, InboxUpdate.__table__)
# Built once, and on the table rather than the mapped class: it runs for every update, and
# SQLAlchemy's ORM would look for loaded rows to bring up to date (there are none).
_MARK_HANDLED = (
    update(_INBOX)
    .where(_INBOX.c.update_id == bindparam("handled_update"), _INBOX.c.state == PENDING)
    .values(
        state=HANDLED,
        handled_at=bindparam("marked_at"),
        payload=None,
        lease_owner=None,
        lease_until=None,
    )
)


class Inbox:
    """Stored updates. Nothing here commits; the payload is cleared once an update is handled."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def store(
        self, updates: list[Received], *, owner: str, now: datetime, lease_until: datetime
    ) -> list[int]:
        """Add updates not seen before, leased to `owner`; returns the ids that were new."""
        if not updates:
            return []
        rows = [_row(u, owner=owner, now=now, lease_until=lease_until) for u in updates]
        dialect = self._session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = (
            insert(InboxUpdate)
            .values(rows)
            .on_conflict_do_nothing(index_elements=["update_id"])
            .returning(InboxUpdate.update_id)
        )
        return list(await self._session.scalars(statement))

    async def store_unstorable(self, received: Received, *, now: datetime, problem: str) -> None:
        """Record an update the database would not take, without its contents, as set aside."""
        await self._session.merge(
            InboxUpdate(
                update_id=received.update_id,
                chat_id=received.chat_id,
                received_at=now,
                payload=None,
                state=SET_ASIDE,
                attempts=0,
                handled_at=now,
                problem=problem[:64],
            )
        )

    async def mark_handled(self, update_id: int, *, now: datetime) -> bool:
        """Mark an update handled and drop its words; False if it already was (or was set
        aside)."""
        result = await self._session.execute(
            _MARK_HANDLED, {"handled_update": update_id, "marked_at": now}
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    async def claim_expired(
        self, *, owner: str, now: datetime, lease_until: datetime, limit: int, skip: set[int]
    ) -> list[Received]:
        """Take over pending updates whose lease ran out (their handler died or gave up for a
        while), oldest first."""
        query = (
            select(InboxUpdate)
            .where(
                InboxUpdate.state == PENDING,
                or_(InboxUpdate.lease_until.is_(None), InboxUpdate.lease_until <= now),
            )
            .order_by(InboxUpdate.update_id)
            .limit(limit + len(skip))
            .with_for_update(skip_locked=True)
        )
        taken: list[Received] = []
        for row in await self._session.scalars(query):
            if row.update_id in skip or len(taken) == limit:
                continue
            row.lease_owner, row.lease_until = owner, lease_until
            taken.append(Received(row.update_id, row.chat_id, json.loads(row.payload or "{}")))
        return taken

    async def renew(self, update_ids: list[int], *, owner: str, lease_until: datetime) -> None:
        """Keep the lease on updates this instance still holds in memory, but those being
        marked handled at this moment (locked by that transaction): waiting for them while
        holding the others deadlocked PostgreSQL, as the two took rows in different orders.
        A lease skipped now is renewed next round, long before it runs out."""
        # In slices: a driver takes only so many parameters in one statement.
        for start in range(0, len(update_ids), _SLICE):
            free = (
                select(InboxUpdate.update_id)
                .where(
                    InboxUpdate.update_id.in_(update_ids[start : start + _SLICE]),
                    InboxUpdate.lease_owner == owner,
                    InboxUpdate.state == PENDING,
                )
                .with_for_update(skip_locked=True)
            )
            await self._session.execute(
                update(InboxUpdate)
                .where(InboxUpdate.update_id.in_(free))
                .values(lease_until=lease_until)
                .execution_options(synchronize_session=False)
            )

    async def release(self, update_ids: list[int], *, owner: str, now: datetime) -> None:
        """Give up the lease on updates not started, so the next instance takes them at once."""
        for start in range(0, len(update_ids), _SLICE):
            await self._session.execute(
                update(InboxUpdate)
                .where(
                    InboxUpdate.update_id.in_(update_ids[start : start + _SLICE]),
                    InboxUpdate.lease_owner == owner,
                )
                .values(lease_owner=None, lease_until=now)
            )

    async def try_again(
        self, update_id: int, *, now: datetime, backoff: Callable[[int], timedelta]
    ) -> int:
        """A handler failed before committing anything: count it and leave the update for
        `backoff(attempts)`; returns how many attempts have failed."""
        row = await self._session.get(InboxUpdate, update_id, with_for_update=True)
        if row is None or row.state != PENDING:
            return 0
        row.attempts += 1
        row.lease_owner, row.lease_until = None, now + backoff(row.attempts)
        row.problem = "handler failed"
        return row.attempts

    async def set_aside(self, update_id: int, *, now: datetime, problem: str) -> bool:
        """Keep an update that cannot be handled for an operator, out of the way of the rest."""
        result = await self._session.execute(
            update(InboxUpdate)
            .where(InboxUpdate.update_id == update_id, InboxUpdate.state == PENDING)
            .values(
                state=SET_ASIDE,
                problem=problem[:64],
                handled_at=now,
                lease_owner=None,
                lease_until=None,
            )
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    async def put_back(self, update_id: int, *, now: datetime) -> bool:
        """An operator asks for a set-aside update to be tried again."""
        result = await self._session.execute(
            update(InboxUpdate)
            .where(InboxUpdate.update_id == update_id, InboxUpdate.state == SET_ASIDE)
            .values(state=PENDING, attempts=0, lease_owner=None, lease_until=now, handled_at=None)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    async def set_aside_list(self) -> list[InboxUpdate]:
        """Updates set aside, oldest first."""
        query = (
            select(InboxUpdate)
            .where(InboxUpdate.state == SET_ASIDE)
            .order_by(InboxUpdate.update_id)
        )
        return list(await self._session.scalars(query))

    async def oldest_waiting(self) -> datetime | None:
        """When the oldest update still waiting to be handled arrived."""
        return await self._session.scalar(
            select(func.min(InboxUpdate.received_at)).where(InboxUpdate.state == PENDING)
        )

    async def forget(self, *, handled_before: datetime, set_aside_before: datetime) -> None:
        """Drop handled rows once Telegram can no longer send them again, and the words of
        set-aside ones an operator has not looked at in time."""
        await self._session.execute(
            delete(InboxUpdate).where(
                InboxUpdate.state == HANDLED, InboxUpdate.handled_at < handled_before
            )
        )
        await self._session.execute(
            update(InboxUpdate)
            .where(
                and_(
                    InboxUpdate.state == SET_ASIDE,
                    InboxUpdate.handled_at < set_aside_before,
                    InboxUpdate.payload.is_not(None),
                )
            )
            .values(payload=None)
        )
