"""A database password with @, / or : works, given apart from the URL (as the deploy files
give it), and is never printed. Issue 10."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.e2e.processes import waypoint_env, waypoint_output

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]
PASSWORD = "p@ss/w:rd%40"


async def test_a_password_with_at_slash_and_colon_needs_no_escaping(
    postgres_url: str, tmp_path: Path
) -> None:
    without = make_url(postgres_url).set(drivername="postgresql", password=None)
    env = waypoint_env(
        database_url=without.render_as_string(hide_password=False), database_password=PASSWORD
    )
    migrated = await asyncio.to_thread(waypoint_output, env, tmp_path, "migrate")
    healthy = await asyncio.to_thread(waypoint_output, env, tmp_path, "health")
    assert healthy.strip() == "healthy"
    assert PASSWORD not in migrated + healthy
