"""A pooled PostgreSQL connection that went away while idle is replaced before it is used."""

from __future__ import annotations

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from bot.adapters.db.engine import create_engine

pytestmark = pytest.mark.postgres


async def _cut_every_connection(url: str) -> None:
    """What a database restart does to the pool: every server connection is ended."""
    parsed = make_url(url)
    admin = await asyncpg.connect(
        host=parsed.host, port=parsed.port, user=parsed.username, database="postgres"
    )
    try:
        await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = $1 AND pid <> pg_backend_pid()",
            parsed.database,
        )
    finally:
        await admin.close()


async def _select_one_after_a_cut(url: str, *, idle_before_ping: float) -> int:
    engine = create_engine(url, idle_before_ping=idle_before_ping)
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        await _cut_every_connection(url)
        async with engine.connect() as connection:
            return int((await connection.execute(text("SELECT 1"))).scalar_one())
    finally:
        await engine.dispose()


async def test_an_idle_connection_cut_by_a_restart_is_replaced_quietly(
    postgres_url: str,
) -> None:
    # Idle for "at least 0 seconds": the connection is checked, found dead and replaced.
    assert await _select_one_after_a_cut(postgres_url, idle_before_ping=0.0) == 1


async def test_a_connection_used_again_at_once_is_not_checked(postgres_url: str) -> None:
    # The other side of the trade: no check, so the first use after the cut fails (and the
    # pool is replaced; the inbox and the sender try their work again).
    with pytest.raises(DBAPIError):
        await _select_one_after_a_cut(postgres_url, idle_before_ping=3600.0)
