"""Shared fixtures: databases on SQLite and PostgreSQL, a controllable clock, the fake Telegram."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from bot.adapters.db.engine import create_engine, session_factory
from bot.adapters.db.migrate import upgrade_async
from bot.adapters.db.uow import PostOffice, UnitOfWorkFactory
from bot.clock import ManualClock
from bot.content.catalogue import Catalogue
from bot.devtools.bot_api_spec import BotApiSpec
from bot.devtools.fake_telegram import FakeTelegram

POSTGRES_URL = os.environ.get(
    "WAYPOINT_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
REQUIRE_POSTGRES = os.environ.get("WAYPOINT_REQUIRE_POSTGRES") == "1"
PROJECT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the developer's own Waypoint settings or .env file."""
    kept = {"WAYPOINT_REQUIRE_POSTGRES", "WAYPOINT_BOT_API_SPEC", "WAYPOINT_TEST_POSTGRES_URL"}
    for name in list(os.environ):
        if name.startswith("WAYPOINT_") and name not in kept:
            monkeypatch.delenv(name)


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _fresh_postgres_database() -> str:
    admin = make_url(POSTGRES_URL)
    try:
        connection = await asyncpg.connect(_asyncpg_dsn(POSTGRES_URL), timeout=5)
    except (OSError, asyncpg.PostgresError) as error:
        message = f"PostgreSQL at {admin.host}:{admin.port} is not answering ({error})"
        if REQUIRE_POSTGRES:
            pytest.fail(message)
        pytest.skip(message + "; set WAYPOINT_REQUIRE_POSTGRES=1 to make this a failure")
    name = f"waypoint_test_{uuid.uuid4().hex[:12]}"
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return admin.set(database=name).render_as_string(hide_password=False)


async def _drop_postgres_database(url: str) -> None:
    name = make_url(url).database
    connection = await asyncpg.connect(_asyncpg_dsn(POSTGRES_URL), timeout=5)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database: a SQLite file, or a new PostgreSQL database dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'waypoint.db'}"
        return
    url = await _fresh_postgres_database()
    try:
        yield url
    finally:
        await _drop_postgres_database(url)


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    """A new, migrated PostgreSQL database, for behaviour only PostgreSQL has (row locks)."""
    url = await _fresh_postgres_database()
    try:
        await upgrade_async(url)
        yield url
    finally:
        await _drop_postgres_database(url)


@pytest.fixture
async def migrated_url(database_url: str) -> str:
    """The database with every migration applied, as `waypoint run` would leave it."""
    await upgrade_async(database_url)
    return database_url


@pytest.fixture
async def uow(migrated_url: str) -> AsyncIterator[UnitOfWorkFactory]:
    """Units of work on the migrated database."""
    engine = create_engine(migrated_url)
    try:
        yield UnitOfWorkFactory(
            session_factory(engine), PostOffice(Catalogue.load(allow_drafts=True))
        )
    finally:
        await engine.dispose()


@pytest.fixture
def clock() -> ManualClock:
    """A clock that moves only when the test says so."""
    return ManualClock(datetime(2026, 3, 3, 10, 0, tzinfo=UTC))


@pytest.fixture(scope="session")
def bot_api_spec() -> BotApiSpec:
    """The Bot API description every request to the fake server is checked against."""
    spec = BotApiSpec.find_default()
    if spec is None:
        pytest.fail("cannot find ../shared/telegram-bot-api/api.json beside the project")
    return spec


@pytest.fixture
def fake_telegram(bot_api_spec: BotApiSpec) -> Iterator[FakeTelegram]:
    """A fake Bot API server; the test fails if the bot sent anything the API does not allow."""
    with FakeTelegram(spec=bot_api_spec, strict_spec=True) as fake:
        yield fake
        assert fake.violations == [], f"requests not valid against the Bot API: {fake.violations}"
