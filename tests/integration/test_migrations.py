"""The Alembic migrations and the models never disagree, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from bot.adapters.db.engine import create_engine
from bot.adapters.db.migrate import downgrade, upgrade_async
from bot.adapters.db.models import Base


async def _differences(url: str) -> list[object]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"compare_type": True}), Base.metadata
                )
            )
    finally:
        await engine.dispose()


async def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))
    finally:
        await engine.dispose()


async def test_the_migrated_schema_matches_the_models(migrated_url: str) -> None:
    assert await _differences(migrated_url) == []


async def test_every_table_is_created(migrated_url: str) -> None:
    assert set(Base.metadata.tables) <= await _tables(migrated_url)


async def test_migrations_go_down_and_up_again(migrated_url: str) -> None:
    await asyncio.to_thread(downgrade, migrated_url, "base")
    assert await _tables(migrated_url) <= {"alembic_version"}
    await upgrade_async(migrated_url)
    assert await _differences(migrated_url) == []


async def test_upgrading_twice_changes_nothing(migrated_url: str) -> None:
    await upgrade_async(migrated_url)
    assert await _differences(migrated_url) == []
