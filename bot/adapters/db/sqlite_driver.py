"""aiosqlite, with SQLite's statements run on the event loop itself unless they must wait.

aiosqlite runs every call on the connection's own thread, and SQLAlchemy makes four such
calls for a statement that returns rows: open a cursor, execute, fetch, close. Each trip
hands the GIL to that thread and back, and on one busy event loop those hand-overs cost more
than SQLite's own work (microseconds for Waypoint's small statements). Worse, a writer then
holds SQLite's one write lock across every hand-over, while the loop runs other tasks.

Here a statement is executed, fetched and closed in one call, on the event loop, and the
rows are kept until SQLAlchemy asks for them. SQLite is asked not to wait for a lock held
elsewhere (busy_timeout 0 on the loop): a statement that finds the file locked by another
connection (another process, the command line, another engine) is run again on aiosqlite's
thread, which waits for the lock as SQLite's busy timeout would, without stopping the loop.
Writers within one engine never meet that way: they queue in-process first
(bot.adapters.db.engine.write_lock). Only COMMIT goes to aiosqlite's thread every time: it
waits for the disk, and the loop goes on with other work meanwhile.

It relies on `aiosqlite.Connection._execute` (run a function for the connection), which is why
pyproject.toml pins aiosqlite to one minor version; tests/integration exercises it under the
whole suite.
"""

from __future__ import annotations

import sqlite3
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import Any

import aiosqlite

_Description = tuple[tuple[Any, ...], ...] | None


class _Done:
    """What one call brings back: the rows (all of them) and the cursor's attributes."""

    __slots__ = ("description", "lastrowid", "rowcount", "rows")

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self.description: _Description = cursor.description
        self.rows: list[Any] = cursor.fetchall() if cursor.description else []
        self.rowcount = cursor.rowcount
        self.lastrowid = cursor.lastrowid


def _run(connection: sqlite3.Connection, call: Callable[[sqlite3.Cursor], object]) -> _Done:
    """In one call (on the loop, or on aiosqlite's thread to wait for a lock): a fresh cursor,
    the statement, every row, closed."""
    cursor = connection.cursor()
    try:
        call(cursor)
        return _Done(cursor)
    finally:
        cursor.close()


class OneTripCursor:
    """The part of aiosqlite's Cursor that SQLAlchemy uses, one call per statement."""

    arraysize = 1

    def __init__(self, connection: OneTripConnection) -> None:
        self._connection = connection
        self._rows: deque[Any] = deque()
        self.description: _Description = None
        self.rowcount = -1
        self.lastrowid: int | None = None

    async def __aenter__(self) -> OneTripCursor:
        return self

    async def __aexit__(self, *_: object) -> None:
        return None

    async def _trip(self, call: Callable[[sqlite3.Cursor], object]) -> OneTripCursor:
        done: _Done = await self._connection._execute(_run, self._connection._conn, call)
        self._rows = deque(done.rows)
        self.description, self.rowcount, self.lastrowid = (
            done.description,
            done.rowcount,
            done.lastrowid,
        )
        return self

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> OneTripCursor:
        """Run one statement and bring back all its rows."""
        return await self._trip(lambda cursor: cursor.execute(sql, parameters or ()))

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> OneTripCursor:
        """Run one statement for each set of parameters."""
        rows = list(parameters)
        return await self._trip(lambda cursor: cursor.executemany(sql, rows))

    async def fetchone(self) -> Any:
        """The next row, or None."""
        return self._rows.popleft() if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        """Up to `size` rows (arraysize by default)."""
        count = min(size or self.arraysize, len(self._rows))
        return [self._rows.popleft() for _ in range(count)]

    async def fetchall(self) -> list[Any]:
        """Every row not fetched yet."""
        rows, self._rows = list(self._rows), deque()
        return rows

    async def close(self) -> None:
        """Nothing to do: the sqlite3 cursor was closed on its thread."""
        self._rows.clear()


class _CursorOpener:
    """`await connection.cursor()` and `async with connection.cursor()`, with no trip."""

    def __init__(self, connection: OneTripConnection) -> None:
        self._cursor = OneTripCursor(connection)

    def __await__(self) -> Any:
        return self.__aenter__().__await__()

    async def __aenter__(self) -> OneTripCursor:
        return self._cursor

    async def __aexit__(self, *_: object) -> None:
        await self._cursor.close()


# SQLITE_BUSY and SQLITE_LOCKED, in the low byte of every extended result code.
_LOCKED = {5, 6}


def _locked_elsewhere(error: sqlite3.OperationalError) -> bool:
    return getattr(error, "sqlite_errorcode", 0) & 0xFF in _LOCKED


def _waiting(connection: sqlite3.Connection, seconds: float, call: Callable[[], Any]) -> Any:
    """On aiosqlite's thread: run `call`, letting SQLite wait up to `seconds` for a lock."""
    connection.execute(f"PRAGMA busy_timeout={int(seconds * 1000)}")
    try:
        return call()
    finally:
        connection.execute("PRAGMA busy_timeout=0")


def _committed(connection: sqlite3.Connection, seconds: float) -> None:
    """On aiosqlite's thread: commit; if another connection holds a lock the commit needs,
    wait for it as SQLite's busy timeout would (the loop's connections wait for nothing)."""
    try:
        connection.commit()
    except sqlite3.OperationalError as error:
        if not _locked_elsewhere(error):
            raise
        _waiting(connection, seconds, connection.commit)


class OneTripConnection(aiosqlite.Connection):
    """An aiosqlite connection whose statements run in one call each, on the event loop (see
    the module's docstring), and that does nothing to end a transaction that is not open
    (SQLAlchemy's pool rolls back every connection it takes back, most of them already
    committed or never begun)."""

    # How long a statement may wait for a write lock held by another connection.
    busy_wait = 5.0

    async def _execute(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """Run `fn` now, on the loop; on aiosqlite's thread only if it must wait for a lock."""
        if self._connection is None:
            raise ValueError("Connection closed")
        try:
            return fn(*args, **kwargs)
        except sqlite3.OperationalError as error:
            if not _locked_elsewhere(error):
                raise
        return await self._wait_for_lock(partial(fn, *args, **kwargs))

    async def _wait_for_lock(self, call: Callable[[], Any]) -> Any:
        """Run `call` on aiosqlite's thread, waiting there for another connection's lock."""
        return await super()._execute(  # type: ignore[no-untyped-call]
            _waiting, self._conn, self.busy_wait, call
        )

    def _idle(self) -> bool:
        try:
            return not self._conn.in_transaction
        except (sqlite3.ProgrammingError, ValueError):
            return False  # not readable from here, or closed: let aiosqlite's thread decide

    async def rollback(self) -> None:
        """Roll back the open transaction, if there is one."""
        if not self._idle():
            await super().rollback()

    async def commit(self) -> None:
        """Commit the open transaction, if there is one, on aiosqlite's thread: a commit
        waits for the disk (synchronous=FULL, the fsync that keeps a stored worry through a
        power cut), and the loop handles other updates meanwhile instead of waiting with it.
        The writer still holds its lock (bot.adapters.db.engine.write_lock) until it returns."""
        if not self._idle():
            await super()._execute(  # type: ignore[no-untyped-call]
                _committed, self._conn, self.busy_wait
            )

    def cursor(self) -> Any:
        """A cursor, made without a trip (its statement makes the only one)."""
        return _CursorOpener(self)


def connect(database: str, **kwargs: Any) -> OneTripConnection:
    """Like aiosqlite.connect, for SQLAlchemy's `async_creator`."""

    def connector() -> sqlite3.Connection:
        connection: sqlite3.Connection = sqlite3.connect(database, **kwargs)
        return connection

    return OneTripConnection(connector, 64)
