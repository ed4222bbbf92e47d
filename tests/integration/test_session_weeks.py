"""The reminders tick makes next week's session of a weekly one, on both databases."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.domain.sessions import SessionState
from tests.integration.session_world import SessionWorld, hub, world

__all__ = ["hub", "world"]


async def test_a_weekly_session_that_has_begun_gets_next_week_once(world: SessionWorld) -> None:
    await world.book("2026-03-05T16:00", weekly=True)
    await world.tick(to=datetime.fromisoformat("2026-03-05T15:59:00+00:00"))
    assert len(await world.sessions()) == 1
    await world.tick(minutes=1)
    await world.tick(minutes=1)
    first, second = await world.sessions()
    assert second.local_start == first.local_start + timedelta(days=7)
    assert (second.weekly, second.state, second.series_id) == (
        True, SessionState.BOOKED, first.id,
    )  # fmt: skip
    assert first.followed
