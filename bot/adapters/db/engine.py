"""Creating engines and sessions for SQLite (embedded) and PostgreSQL (production)."""

from __future__ import annotations

import asyncio
import errno
import os
import re
import socket
import ssl
import time
import weakref
from collections.abc import Awaitable, Callable, Iterator
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot.adapters.db import sqlite_driver
from bot.domain.errors import SetupError

# libpq's SSL settings. asyncpg reads them only from a connection string, not as keyword
# arguments: passed on as they are, `?sslmode=require` is a TypeError.
_LIBPQ_SSL = (
    "sslmode",
    "sslrootcert",
    "sslcert",
    "sslkey",
    "sslcrl",
    "sslpassword",
    "sslnegotiation",
    "ssl_min_protocol_version",
    "ssl_max_protocol_version",
)
_SSL_FILES = ("sslrootcert", "sslcert", "sslkey", "sslcrl")
_VARIABLE = "WAYPOINT_DATABASE_URL"


class DatabaseFault(SetupError):
    """The database cannot be reached or used as configured; the message says what to fix
    and never contains the password."""


def _sqlite_path(url: URL) -> str | None:
    """The file of a SQLite URL, or None for an in-memory database or a SQLite URI."""
    path = url.database or ""
    if not path or path == ":memory:" or path.startswith("file:") or "uri" in url.query:
        return None
    return os.path.abspath(path)


def _cannot_write(path: str, code: int | None) -> str:
    folder = os.path.dirname(path)
    if code in {errno.ENOENT, errno.ENOTDIR}:
        return (
            f"cannot create the SQLite database {path}: the folder {folder} does not exist"
            f" (create it, or correct {_VARIABLE})"
        )
    reason = os.strerror(code).lower() if code else "not writable"
    return (
        f"cannot write the SQLite database {path} ({reason}): let Waypoint write to it and to"
        f" {folder}, or correct {_VARIABLE}"
    )


def _private_file(path: str) -> None:
    """Create the SQLite file readable by its owner only: it holds young people's words.

    SQLite gives its -wal and -shm files the same permissions as the database file. A path
    Waypoint cannot write is reported here, in one line, before SQLite tries it.
    """
    if not os.path.exists(path):
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except FileExistsError:
            return
        except OSError as error:
            raise DatabaseFault(_cannot_write(path, error.errno)) from None
    elif not (os.access(path, os.R_OK | os.W_OK) and os.access(os.path.dirname(path), os.W_OK)):
        # SQLite would open it read-only and fail at the first write (or at the -wal file).
        raise DatabaseFault(_cannot_write(path, errno.EACCES))


def _existing_file(path: str) -> None:
    """For a reader: the file must be there already (connecting would create it)."""
    if not os.path.isdir(os.path.dirname(path)):
        raise DatabaseFault(
            f"there is no SQLite database at {path}, nor its folder: correct {_VARIABLE},"
            " or create the folder and run waypoint migrate"
        )
    if not os.path.exists(path):
        raise DatabaseFault(
            f"there is no SQLite database at {path}: run waypoint migrate to create it,"
            f" or correct {_VARIABLE}"
        )
    if not os.access(path, os.R_OK):
        raise DatabaseFault(f"cannot read the SQLite database {path}: let Waypoint read it")


def _postgres_ssl(url: URL) -> tuple[URL, dict[str, Any]]:
    """Move libpq's SSL settings (`?sslmode=require`, `sslrootcert=...`) from the URL's query
    to a connection string asyncpg reads them from; the URL keeps everything else."""
    given = {key: value for key, value in url.query.items() if key in _LIBPQ_SSL}
    if not given:
        return url, {}
    # asyncpg takes host, port, user, password and database from SQLAlchemy's arguments,
    # which win over the connection string, so this one carries only the SSL settings.
    dsn = f"postgresql://?{urlencode(given, doseq=True)}"
    return url.difference_update_query(given), {"dsn": dsn}


def describe_database(url: str) -> str:
    """Which database `url` names, for an operator: never its password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"the SQLite database {_sqlite_path(parsed) or parsed.database or ':memory:'}"
    where = f"PostgreSQL at {parsed.host or 'localhost'}:{parsed.port or 5432}"
    return f"database {parsed.database!r} on {where}"


def _causes(error: BaseException) -> Iterator[BaseException]:
    """The error, what it wraps (SQLAlchemy's `orig`), and what caused it, each once."""
    seen: list[BaseException] = []
    waiting: list[BaseException | None] = [error]
    while waiting:
        item = waiting.pop(0)
        if item is None or any(item is known for known in seen):
            continue
        seen.append(item)
        yield item
        orig = getattr(item, "orig", None)
        waiting += [orig if isinstance(orig, BaseException) else None]
        waiting += [item.__cause__, item.__context__]


def describe_fault(url: str, error: BaseException) -> str | None:
    """One line saying what is wrong with the database at `url` and what to do, or None when
    `error` is not a fault of the database's configuration or availability."""
    if isinstance(error, DatabaseFault):
        return str(error)
    parsed = make_url(url)
    causes = list(_causes(error))
    texts = " ".join(str(cause) for cause in causes)
    if "no such table" in texts or "42P01" in _states(causes):
        return f"the database has not been set up: run waypoint migrate (or check {_VARIABLE})"
    if parsed.get_backend_name() == "sqlite":
        path = _sqlite_path(parsed) or parsed.database or ":memory:"
        if "unable to open database file" in texts or "readonly database" in texts:
            return _cannot_write(path, errno.EACCES if os.path.exists(path) else errno.ENOENT)
        return None
    where = f"PostgreSQL at {parsed.host or 'localhost'}:{parsed.port or 5432}"
    return (
        _server_refuses(where, parsed, causes)
        or _ssl_fault(where, parsed, causes)
        or _unreachable(where, parsed, causes)
        or _not_for_asyncpg(causes)
    )


def _not_for_asyncpg(causes: list[BaseException]) -> str | None:
    """A query parameter that libpq knows but asyncpg does not (it is passed on as a keyword
    argument, and refused as one)."""
    for cause in causes:
        found = re.search(r"unexpected keyword argument '(\w+)'", str(cause))
        if isinstance(cause, TypeError) and found:
            return (
                f"{_VARIABLE} has ?{found.group(1)}=..., which Waypoint's PostgreSQL driver"
                " (asyncpg) does not take: remove it"
            )
    return None


def _states(causes: list[BaseException]) -> set[str]:
    return {str(getattr(cause, "sqlstate", "")) for cause in causes}


def _server_refuses(where: str, parsed: URL, causes: list[BaseException]) -> str | None:
    """PostgreSQL answered, and said no."""
    states = _states(causes)
    if "3D000" in states:
        return (
            f"{where} has no database {parsed.database!r}: create it"
            f" (createdb {parsed.database}) or correct {_VARIABLE}"
        )
    if states & {"28P01", "28000"}:
        return (
            f"{where} refuses user {parsed.username!r}: check the user name and password in"
            f" {_VARIABLE}"
        )
    if "57P03" in states:
        return f"{where} is starting up or shutting down: try again in a moment"
    return None


def _ssl_fault(where: str, parsed: URL, causes: list[BaseException]) -> str | None:
    """The SSL settings in the URL, or the server's certificate, stop the connection."""
    if any("rejected SSL upgrade" in str(cause) for cause in causes):
        mode = parsed.query.get("sslmode") or parsed.query.get("ssl")
        return (
            f"{where} does not accept SSL connections, but {_VARIABLE} asks for"
            f" sslmode={mode}: turn SSL on in PostgreSQL, or use sslmode=prefer"
        )
    unusable = [c for c in causes if type(c).__name__ == "ClientConfigurationError"]
    if unusable:
        return (
            f"the SSL settings in {_VARIABLE} cannot be used: {str(unusable[0]).splitlines()[0]}"
        )
    files = [f"{key}={value}" for key, value in parsed.query.items() if key in _SSL_FILES]
    if files and any(isinstance(cause, (FileNotFoundError, PermissionError)) for cause in causes):
        return f"cannot read a file that {_VARIABLE} names ({', '.join(files)}): check the path"
    refused = next((cause for cause in causes if isinstance(cause, ssl.SSLError)), None)
    if refused is not None:
        reason = getattr(refused, "verify_message", None) or refused.reason or "refused"
        return (
            f"the SSL connection to {where} failed ({reason}): check the server's certificate"
            f" and the ssl settings in {_VARIABLE}"
        )
    return None


def _unreachable(where: str, parsed: URL, causes: list[BaseException]) -> str | None:
    """Nothing answered."""
    if any(isinstance(cause, socket.gaierror) for cause in causes):
        return f"cannot find the database host {parsed.host!r}: check its name in {_VARIABLE}"
    if any(isinstance(cause, (OSError, TimeoutError)) for cause in causes):
        return f"{where} is not answering: is it running, and is {_VARIABLE} right?"
    return None


# An execution option for a transaction that will only read (see SqlUnitOfWork.reading).
READING = "waypoint_reading"


# Connections each process keeps open to PostgreSQL, and the most it opens.
POSTGRES_POOL = 15
# How long SQLite waits for another connection's write lock before giving up.
BUSY_TIMEOUT_MS = 5000
# A pooled PostgreSQL connection that has sat idle this long is checked before it is used.
IDLE_BEFORE_PING = 5.0


def _ping_after_idle(engine: AsyncEngine, idle: float) -> None:
    """Check a pooled connection before use only when it has been idle a while (after a
    database restart, the first use then reconnects quietly). SQLAlchemy's pool_pre_ping
    checks every time: a round trip per unit of work, a tenth of the CPU of an ordinary
    message. A restart in the middle of a burst costs one failed unit of work instead; the
    pool is then replaced, and the inbox and the sender try again."""

    @event.listens_for(engine.sync_engine, "checkin")
    def _idle_from(_dbapi_connection: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get(_IDLE_SINCE)
        if since is None or time.monotonic() - since < idle:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except Exception as error:
            raise DisconnectionError("a pooled connection did not answer") from error
        if not alive:
            raise DisconnectionError("a pooled connection did not answer")


_IDLE_SINCE = "waypoint_idle_since"


def _one_trip_connector(url: URL) -> Callable[[], Awaitable[Any]]:
    """Connections to a SQLite file that make one trip to their thread per statement
    (bot.adapters.db.sqlite_driver), with the arguments SQLAlchemy would have used."""
    dialect = url.get_dialect()()
    args, options = dialect.create_connect_args(url)

    async def connect() -> Any:
        connection = sqlite_driver.connect(*args, **options)
        connection._thread.daemon = True  # as SQLAlchemy does: never hold up the exit
        return await connection

    return connect


def create_engine(
    url: str,
    *,
    read_only: bool = False,
    idle_before_ping: float = IDLE_BEFORE_PING,
    **kwargs: Any,
) -> AsyncEngine:
    """An async engine for this URL, with SQLite set up for safe concurrent use.

    `read_only` (for `waypoint health`) never creates or changes anything: a SQLite file that
    is not there is a DatabaseFault, not a new empty database.
    """
    # Parameters are young people's words and names: keep them out of exception messages.
    kwargs.setdefault("hide_parameters", True)
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        parsed, connect_args = _postgres_ssl(parsed)
        # A stuck instance must not hold the shared send budget's row lock for hours.
        settings = {"lock_timeout": "5000", "idle_in_transaction_session_timeout": "30000"}
        if read_only:
            settings["default_transaction_read_only"] = "on"
        # Every connection a burst needs stays open: the dispatcher handles 16 chats at once,
        # each with its unit of work, beside the sender, the poller and the ticks. SQLAlchemy
        # keeps 5 and closes 10 more on return, so a burst of updates opened a new connection
        # every few dozen units of work, each with its statements to prepare again. At most
        # as many as before, so several instances fit PostgreSQL's 100 as they did.
        kwargs.setdefault("pool_size", POSTGRES_POOL)
        kwargs.setdefault("max_overflow", 0)
        engine = create_async_engine(
            parsed, connect_args={**connect_args, "server_settings": settings}, **kwargs
        )
        _ping_after_idle(engine, idle_before_ping)
        return engine
    path = _sqlite_path(parsed)
    if path is not None and read_only:
        _existing_file(path)  # connecting to a file that is not there would create it
    elif path is not None:
        _private_file(path)
    if path is not None and not parsed.query:
        kwargs.setdefault("async_creator", _one_trip_connector(parsed))
    engine = create_async_engine(parsed, **kwargs)

    @event.listens_for(engine.sync_engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        if read_only:
            # SQLite itself refuses any change (a reader leaves the journal mode be, too).
            cursor.execute("PRAGMA query_only=ON")
        else:
            # WAL lets the sender read while a handler writes.
            cursor.execute("PRAGMA journal_mode=WAL")
        # Foreign keys are off by default.
        cursor.execute("PRAGMA foreign_keys=ON")
        # The one-trip driver runs statements on the event loop, which must never sleep in
        # SQLite's busy handler: it waits for another connection's lock on its thread instead.
        on_loop = isinstance(
            getattr(dbapi_connection, "driver_connection", None), sqlite_driver.OneTripConnection
        )
        cursor.execute(f"PRAGMA busy_timeout={0 if on_loop else BUSY_TIMEOUT_MS}")
        cursor.close()
        # Let SQLAlchemy, not the driver, start transactions (see _begin_immediate).
        dbapi_connection.isolation_level = None

    @event.listens_for(engine.sync_engine, "begin")
    def _begin_immediate(connection: Any) -> None:
        # A deferred transaction that reads and then writes fails at once with "database is
        # locked" if another writer committed in between; taking the write lock up front makes
        # it wait (busy_timeout) instead. Work that only reads needs no lock at all in WAL mode,
        # nor a transaction: as on PostgreSQL (bot.adapters.db.uow._reading_engine), each of
        # its statements sees what is committed when it starts, and the BEGIN and ROLLBACK
        # that would cost every update's "who is writing" are not made.
        if connection.get_execution_options().get(READING, False):
            return
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


# One writer at a time per SQLite file in this process, queued here rather than in SQLite:
# SQLite's busy handler sleeps and polls, so under concurrent handlers most of the time went
# on waiting for a lock that had long been free.
_WRITE_LOCKS: weakref.WeakKeyDictionary[Any, asyncio.Lock] = weakref.WeakKeyDictionary()


def write_lock(engine: AsyncEngine) -> asyncio.Lock | None:
    """The in-process queue for writing transactions on a SQLite engine; None otherwise
    (PostgreSQL takes row locks, and writers run side by side)."""
    if engine.dialect.name != "sqlite":
        return None
    return _WRITE_LOCKS.setdefault(engine.sync_engine, asyncio.Lock())


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded values after commit, so results can be rendered afterwards."""
    return async_sessionmaker(engine, expire_on_commit=False)
