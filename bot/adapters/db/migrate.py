"""Applying Alembic migrations from code (`waypoint migrate`, start-up and tests)."""

from __future__ import annotations

import asyncio
import logging

from alembic import command
from alembic.config import Config

from bot.paths import project_folder


def alembic_config(database_url: str) -> Config:
    """An Alembic configuration for migrations/ against this database."""
    config = Config()
    config.set_main_option("script_location", str(project_folder("migrations")))
    # Alembic treats % as interpolation; a password may contain one.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the database up to `revision`. Safe to run when it is already there."""
    # Alembic's own INFO lines are noise for the operator; keep them for --log-level DEBUG.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    """Take the database back to `revision`."""
    command.downgrade(alembic_config(database_url), revision)


async def upgrade_async(database_url: str, revision: str = "head") -> None:
    """`upgrade` from inside a running event loop (env.py starts a loop of its own)."""
    await asyncio.to_thread(upgrade, database_url, revision)
