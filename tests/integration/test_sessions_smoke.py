"""A first look: booking, both reminders at their moments, cancel withdraws."""

from __future__ import annotations

from datetime import datetime

from bot.services.session_access import AtCommandLine
from bot.services.sessions import do_cancel
from tests.integration.session_world import SAM, SessionWorld, hub, world

__all__ = ["hub", "world"]


async def test_a_booked_session_is_confirmed_and_reminded_twice(world: SessionWorld) -> None:
    booked = await world.book("2026-03-05T16:00")
    assert booked.reminders_due == 2
    assert await world.hub.messages(SAM) == ["welcome", "session_booked"]
    await world.tick(to=datetime.fromisoformat("2026-03-04T16:59:00+00:00"))
    assert await world.hub.messages(SAM) == ["welcome", "session_booked"]
    await world.tick(minutes=1)
    assert await world.hub.messages(SAM) == ["welcome", "session_booked", "session_reminder"]
    await world.tick(to=datetime.fromisoformat("2026-03-05T14:00:00+00:00"))
    assert (await world.hub.messages(SAM))[-1] == "session_reminder_soon"
    await do_cancel(world.hub.uow(), AtCommandLine(), booked.session_id, now=world.now)
    assert (await world.hub.messages(SAM))[-1] == "session_cancelled"
