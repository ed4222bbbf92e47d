"""The SQLite driver behaves as aiosqlite does, with each statement run on the event loop in
one call, and a lock held elsewhere waited for on aiosqlite's thread."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.db import sqlite_driver
from bot.adapters.db.engine import create_engine


class CountingConnection(sqlite_driver.OneTripConnection):
    """Counts the trips to the connection's thread (the real driver, counted)."""

    trips = 0

    async def _execute(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        CountingConnection.trips += 1
        return await super()._execute(fn, *args, **kwargs)


def _engine(path: Path, *, counting: bool = False) -> AsyncEngine:
    if not counting:
        return create_engine(f"sqlite+aiosqlite:///{path}")

    async def connect() -> Any:
        connection = CountingConnection(
            lambda: sqlite3.connect(str(path), check_same_thread=False), 64
        )
        connection._thread.daemon = True
        return await connection

    return create_engine(f"sqlite+aiosqlite:///{path}", async_creator=connect)


async def test_a_file_database_uses_the_one_trip_driver(tmp_path: Path) -> None:
    engine = _engine(tmp_path / "a.db")
    try:
        async with engine.connect() as connection:
            raw = await connection.get_raw_connection()
            assert isinstance(raw.driver_connection, sqlite_driver.OneTripConnection)
    finally:
        await engine.dispose()


async def test_rows_counts_ids_and_errors_come_back_as_from_aiosqlite(tmp_path: Path) -> None:
    engine = _engine(tmp_path / "b.db")
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text("CREATE TABLE t (id INTEGER PRIMARY KEY, word TEXT UNIQUE NOT NULL)")
            )
            inserted = await connection.execute(text("INSERT INTO t (word) VALUES ('one')"))
            assert inserted.lastrowid == 1
            await connection.execute(
                text("INSERT INTO t (word) VALUES (:word)"), [{"word": "two"}, {"word": "three"}]
            )
            changed = await connection.execute(text("UPDATE t SET word = word || '!'"))
            assert changed.rowcount == 3
            rows = await connection.execute(text("SELECT id, word FROM t ORDER BY id"))
            assert rows.all() == [(1, "one!"), (2, "two!"), (3, "three!")]
            returned = await connection.execute(text("DELETE FROM t WHERE id = 3 RETURNING word"))
            assert returned.scalar_one() == "three!"
            streamed = await connection.stream(text("SELECT word FROM t ORDER BY id"))
            assert [row.word async for row in streamed] == ["one!", "two!"]
        with pytest.raises(IntegrityError):
            async with engine.begin() as connection:
                await connection.execute(text("INSERT INTO t (word) VALUES ('one!')"))
        async with engine.connect() as connection:
            left = await connection.execute(text("SELECT count(*) FROM t"))
            assert left.scalar_one() == 2  # the failed transaction left nothing behind
    finally:
        await engine.dispose()


async def test_a_statement_that_returns_rows_makes_one_trip(tmp_path: Path) -> None:
    engine = _engine(tmp_path / "c.db", counting=True)
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
            before = CountingConnection.trips
            rows = await connection.execute(text("SELECT 1 UNION ALL SELECT 2"))
            assert rows.scalars().all() == [1, 2]
            # aiosqlite itself takes four: cursor, execute, fetchall, close.
            assert CountingConnection.trips - before == 1
    finally:
        await engine.dispose()


class WaitingConnection(sqlite_driver.OneTripConnection):
    """Tells the test when a statement found the file locked and went to wait for it."""

    waiting = asyncio.Event()

    async def _wait_for_lock(self, call: Any) -> Any:
        WaitingConnection.waiting.set()
        return await super()._wait_for_lock(call)


async def test_a_lock_held_elsewhere_is_waited_for_without_stopping_the_loop(
    tmp_path: Path,
) -> None:
    path = tmp_path / "d.db"
    holder = _engine(path)

    async def connect() -> Any:
        connection = WaitingConnection(
            lambda: sqlite3.connect(str(path), check_same_thread=False), 64
        )
        connection._thread.daemon = True
        return await connection

    # A second engine on the same file: its writers do not queue behind the first's in-process.
    other = create_engine(f"sqlite+aiosqlite:///{path}", async_creator=connect)
    WaitingConnection.waiting = asyncio.Event()

    async def write_from_the_other() -> None:
        async with other.begin() as connection:
            await connection.execute(text("INSERT INTO t VALUES (2)"))

    try:
        async with holder.begin() as connection:
            await connection.execute(text("CREATE TABLE t (n INTEGER)"))
        async with holder.begin() as connection:
            await connection.execute(text("INSERT INTO t VALUES (1)"))
            waiting = asyncio.create_task(write_from_the_other())
            # It found the file locked and waits on its thread; the loop goes on, so the
            # holder can finish (with SQLite's busy wait on the loop, this would never come).
            await WaitingConnection.waiting.wait()
            assert not waiting.done()
        await waiting
        async with holder.connect() as connection:
            rows = await connection.execute(text("SELECT n FROM t ORDER BY n"))
            assert rows.scalars().all() == [1, 2]
    finally:
        await holder.dispose()
        await other.dispose()
