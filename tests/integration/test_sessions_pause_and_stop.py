"""Pausing reminders and /stop: reminders due meanwhile are skipped and recorded, never sent
late; once the pause is over (or /start) later reminders go again."""

from __future__ import annotations

from datetime import timedelta

from bot.services.home import show_home
from bot.services.pausing import do_stop
from tests.integration.session_world import SAM, SessionWorld, hub, local, world

__all__ = ["hub", "world"]


async def _start_again(world: SessionWorld) -> None:
    """Sam sends /start after /stop."""
    async with world.hub.uow() as uow:
        sam = await uow.young_people.by_telegram_id(SAM)
        assert sam is not None
        await show_home(uow, sam, now=world.now, started=True)
        await uow.commit()


async def test_a_reminder_due_during_a_pause_is_skipped_and_a_later_one_goes(
    world: SessionWorld,
) -> None:
    booked = await world.book("2026-03-04T16:00")
    assert await world.choose("reminders_pause", "pause_day")
    assert (await world.hub.messages(SAM))[-1] == "reminders_paused"
    # The pause runs until Wednesday 10:00: the day-before reminder (Tuesday 17:00) falls in it.
    await world.tick(to=local("2026-03-03T17:00"))
    assert await world.reminder_rows() == []
    assert await world.states() == [("1d", "skipped", "paused"), ("2h", "pending", None)]
    assert ("reminder_skipped", "paused") in await world.history_details(booked.session_id)
    await world.tick(to=local("2026-03-04T14:00"))
    rows = await world.reminder_rows()
    assert [(r.message_key, r.created_at) for r in rows] == [
        ("session_reminder_soon", local("2026-03-04T14:00"))
    ]
    assert await world.states() == [("1d", "skipped", "paused"), ("2h", "queued", None)]


async def test_ending_a_pause_early_lets_the_next_reminder_go(world: SessionWorld) -> None:
    await world.book("2026-03-05T16:00")
    assert await world.choose("reminders_pause", "pause_week")
    world.hub.clock.advance(timedelta(hours=1))
    assert await world.choose("reminders_pause", "pause_off")
    await world.tick(to=local("2026-03-04T17:00"))
    await world.tick(to=local("2026-03-05T14:00"))
    assert await world.states() == [("1d", "queued", None), ("2h", "queued", None)]


async def test_after_stop_no_reminder_goes_and_each_is_recorded_as_stopped(
    world: SessionWorld,
) -> None:
    booked = await world.book("2026-03-05T16:00")
    assert await do_stop(world.hub.uow(), SAM, now=world.now)
    await world.tick(to=local("2026-03-04T17:00"))
    await world.tick(to=local("2026-03-05T14:00"))
    assert await world.reminder_rows() == []
    assert await world.states() == [("1d", "skipped", "stopped"), ("2h", "skipped", "stopped")]
    details = await world.history_details(booked.session_id)
    assert details.count(("reminder_skipped", "stopped")) == 2


async def test_a_session_booked_after_stop_is_not_told_and_not_reminded(
    world: SessionWorld,
) -> None:
    assert await do_stop(world.hub.uow(), SAM, now=world.now)
    before = await world.hub.messages(SAM)
    booked = await world.book("2026-03-05T16:00")
    assert not booked.told
    await world.tick(to=local("2026-03-04T17:00"))
    await world.tick(to=local("2026-03-05T14:00"))
    assert await world.hub.messages(SAM) == before
    assert "session_changed_staff" in await world.hub.messages(1001)


async def test_after_start_again_later_reminders_go(world: SessionWorld) -> None:
    await world.book("2026-03-05T16:00")
    assert await do_stop(world.hub.uow(), SAM, now=world.now)
    await world.tick(to=local("2026-03-04T17:00"))
    await _start_again(world)
    await world.tick(to=local("2026-03-05T14:00"))
    assert await world.states() == [("1d", "skipped", "stopped"), ("2h", "queued", None)]
    assert [r.message_key for r in await world.reminder_rows()] == ["session_reminder_soon"]
