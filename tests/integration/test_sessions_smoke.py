"""A first look: booking, both reminders at their moments, cancel withdraws."""

from __future__ import annotations

from datetime import datetime

from bot.services.choices import do_written_answer
from bot.services.session_access import AtCommandLine
from bot.services.sessions import do_cancel
from tests.integration.session_world import JO, SAM, SessionWorld, hub, world

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


async def test_writing_that_they_will_be_late_to_a_reminder_tells_the_worker(
    world: SessionWorld,
) -> None:
    await world.book("2026-03-05T16:00")
    await world.tick(to=datetime.fromisoformat("2026-03-05T14:00:00+00:00"))
    assert (await world.hub.messages(SAM))[-1] == "session_reminder_soon"
    for words, heard in (("2", False), ("I'll be late", True), ("late", True)):
        async with world.hub.uow() as uow:
            person = await uow.young_people.by_telegram_id(SAM)
            assert person is not None
            person.awaiting_choice = "session_reminder_soon"
            await uow.commit()
        assert await do_written_answer(world.hub.uow(), SAM, words, now=world.now) is heard
    assert (await world.hub.keys(JO)).count("session_late_staff") == 2
    assert (await world.hub.messages(SAM))[-1] == "session_late_reply"
