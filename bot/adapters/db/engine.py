"""Creating engines and sessions for SQLite (embedded) and PostgreSQL (production)."""

from __future__ import annotations

import contextlib
import os
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)


def _private_file(path: str) -> None:
    """Create the SQLite file readable by its owner only: it holds young people's words.

    SQLite gives its -wal and -shm files the same permissions as the database file.
    """
    if path and path != ":memory:" and not os.path.exists(path):
        # A folder that does not exist or cannot be written is reported by SQLite itself.
        with contextlib.suppress(OSError):
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


# An execution option for a transaction that will only read (see SqlUnitOfWork.reading).
READING = "waypoint_reading"


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine for this URL, with SQLite set up for safe concurrent use."""
    # Parameters are young people's words and names: keep them out of exception messages.
    kwargs.setdefault("hide_parameters", True)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        _private_file(parsed.database or "")
    else:
        # A stuck instance must not hold the shared send budget's row lock for hours.
        settings = {"lock_timeout": "5000", "idle_in_transaction_session_timeout": "30000"}
        return create_async_engine(
            url, pool_pre_ping=True, connect_args={"server_settings": settings}, **kwargs
        )
    engine = create_async_engine(url, **kwargs)

    @event.listens_for(engine.sync_engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        # WAL lets the sender read while a handler writes; foreign keys are off by default.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()
        # Let SQLAlchemy, not the driver, start transactions (see _begin_immediate).
        dbapi_connection.isolation_level = None

    @event.listens_for(engine.sync_engine, "begin")
    def _begin_immediate(connection: Any) -> None:
        # A deferred transaction that reads and then writes fails at once with "database is
        # locked" if another writer committed in between; taking the write lock up front makes
        # it wait (busy_timeout) instead. Work that only reads needs no lock at all in WAL mode.
        reading = connection.get_execution_options().get(READING, False)
        connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")

    return engine


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded values after commit, so results can be rendered afterwards."""
    return async_sessionmaker(engine, expire_on_commit=False)
