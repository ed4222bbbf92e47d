"""Even at DEBUG, the libraries that would log tokens, texts or SQL parameters stay quiet."""

from __future__ import annotations

import logging

import pytest

from bot.observability import configure_logging


@pytest.mark.parametrize(
    "name", ["httpx", "httpcore", "aiosqlite", "asyncpg", "sqlalchemy.engine", "telegram.ext"]
)
def test_debug_does_not_reach_libraries_that_log_private_things(name: str) -> None:
    configure_logging("DEBUG")
    assert logging.getLogger(name).getEffectiveLevel() >= logging.INFO
