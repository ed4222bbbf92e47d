"""Shared fixtures: databases on SQLite and PostgreSQL, a controllable clock, the fake Telegram."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

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
T = TypeVar("T")


@pytest.fixture(autouse=True)
def _clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the developer's own Waypoint settings or .env file."""
    kept = {
        "WAYPOINT_REQUIRE_POSTGRES",
        "WAYPOINT_REQUIRE_BROWSER",
        "WAYPOINT_BOT_API_SPEC",
        "WAYPOINT_TEST_POSTGRES_URL",
    }
    for name in list(os.environ):
        if name.startswith("WAYPOINT_") and name not in kept:
            monkeypatch.delenv(name)


BACKEND_FIXTURES = ("database_url", "migrated_url")


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: a worker more than there are cores. End-to-end tests wait on processes and
    sockets for a fifth of their time or more, and the extra worker fills it."""
    return (os.cpu_count() or 1) + 1


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `database(name)` run on that database only; tests marked `slow` go
    first, so the suite does not end waiting on one worker's long test."""
    kept: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        only = item.get_closest_marker("database")
        params = getattr(getattr(item, "callspec", None), "params", {})
        backend = next((params[name] for name in BACKEND_FIXTURES if name in params), None)
        (dropped if only and backend and backend != only.args[0] else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
    # Stable: every xdist worker must collect the same order.
    items[:] = sorted(kept, key=lambda item: item.get_closest_marker("slow") is None)


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _fresh_postgres_database(*, template: str | None = None) -> str:
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
        copy = f' TEMPLATE "{template}"' if template else ""
        await connection.execute(f'CREATE DATABASE "{name}"{copy}')
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


def _run_apart(work: Coroutine[Any, Any, T]) -> T:
    """Run async set-up to completion from inside or outside a running event loop (session
    fixtures are first asked for from within a test's loop)."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, work).result()


@pytest.fixture(scope="session")
def _migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once per test session, copied for each test that needs one."""
    path = tmp_path_factory.mktemp("template") / "waypoint.db"
    _run_apart(upgrade_async(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def _migrated_postgres() -> Iterator[str]:
    """A PostgreSQL database migrated once per test session: the template of each test's."""
    url = _run_apart(_fresh_postgres_database())
    try:
        _run_apart(upgrade_async(url))
        yield str(make_url(url).database)
    finally:
        _run_apart(_drop_postgres_database(url))


@pytest.fixture
async def postgres_url(_migrated_postgres: str) -> AsyncIterator[str]:
    """A new, migrated PostgreSQL database, for behaviour only PostgreSQL has (row locks)."""
    url = await _fresh_postgres_database(template=_migrated_postgres)
    try:
        yield url
    finally:
        await _drop_postgres_database(url)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def migrated_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A database with every migration applied, as `waypoint run` would leave it: a copy of
    the session's migrated SQLite file, or a PostgreSQL database made from its template."""
    if request.param == "sqlite":
        path = tmp_path / "waypoint.db"
        shutil.copyfile(request.getfixturevalue("_migrated_sqlite"), path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    url = await _fresh_postgres_database(template=request.getfixturevalue("_migrated_postgres"))
    try:
        yield url
    finally:
        await _drop_postgres_database(url)


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
