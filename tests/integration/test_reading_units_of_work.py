"""Work that only reads ("who is writing", once per update) opens no transaction: on SQLite it
takes no write lock, so it neither waits behind a writer nor holds one up; on both databases it
sees what was committed when each statement starts, and it cannot commit. On PostgreSQL the
connections a burst opens stay open for the next."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime

import pytest
from sqlalchemy import event
from sqlalchemy.engine import make_url

from bot.adapters.db.uow import UnitOfWorkFactory
from bot.domain.actors import KnownStaff, Stranger
from bot.domain.people import Role
from bot.services.identity import writer_of
from bot.services.staff import NewStaff, do_add_staff

NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
JO = 4242


async def _add_jo(uow: UnitOfWorkFactory) -> None:
    worker = NewStaff(JO, "Jo", Role.KEY_WORKER, "Harrogate", "North Yorkshire", create=True)
    await do_add_staff(uow(), worker, now=NOW)


@pytest.mark.database("sqlite")
async def test_who_is_writing_is_read_while_another_connection_holds_the_write_lock(
    uow: UnitOfWorkFactory, migrated_url: str
) -> None:
    await _add_jo(uow)
    assert await writer_of(uow(), JO)  # the pool has a connection before the lock is taken
    path = make_url(migrated_url).database
    assert path is not None
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        # The unit of work's own connections never wait for a lock on the event loop: a
        # BEGIN IMMEDIATE here would fail at once with "database is locked".
        assert isinstance(await writer_of(uow(), JO), KnownStaff)
        assert isinstance(await writer_of(uow(), JO + 1), Stranger)
    finally:
        other.execute("ROLLBACK")
        other.close()


async def test_reading_sees_each_commit_at_once_and_cannot_commit(uow: UnitOfWorkFactory) -> None:
    assert isinstance(await writer_of(uow(), JO), Stranger)
    await _add_jo(uow)
    assert isinstance(await writer_of(uow(), JO), KnownStaff)
    async with uow().reading() as reading:
        with pytest.raises(RuntimeError):
            await reading.commit()


@pytest.mark.database("postgres")
async def test_bursts_of_units_of_work_keep_their_connections_open(
    uow: UnitOfWorkFactory,
) -> None:
    """As many units of work at once as the dispatcher runs: the connections the first burst
    opened serve every later one (a new connection costs its setup and its statements'
    preparation again)."""
    await _add_jo(uow)
    opened: list[object] = []
    engine = uow.sessions.kw["bind"]
    event.listen(engine.sync_engine, "connect", lambda *_: opened.append(None))
    await asyncio.gather(*(writer_of(uow(), JO) for _ in range(16)))
    first = len(opened)
    for _burst in range(3):
        await asyncio.gather(*(writer_of(uow(), JO) for _ in range(16)))
    assert 0 < first == len(opened)
