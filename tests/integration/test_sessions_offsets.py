"""Reminder offsets (SE-3): the defaults, the young person's profile, one session's own, and
none; each reminder is queued at its moment, not a tick before."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.domain.reminders import Offset
from tests.integration.session_world import SAM, SessionWorld, hub, local, world

__all__ = ["hub", "world"]

MINUTE = timedelta(minutes=1)


async def _queued_only_at(world: SessionWorld, moments: list[datetime]) -> None:
    """Tick a minute before each moment (nothing new is queued), then at it (one reminder)."""
    for n, moment in enumerate(moments, start=1):
        await world.tick(to=moment - MINUTE)
        assert len(await world.reminder_rows()) == n - 1, f"reminder {n} went before its moment"
        await world.tick(to=moment)
        rows = await world.reminder_rows()
        assert len(rows) == n, f"reminder {n} was not queued at its moment"
        assert rows[-1].created_at == moment


async def test_by_default_a_session_is_reminded_the_day_before_at_5_and_2_hours_before(
    world: SessionWorld,
) -> None:
    booked = await world.book("2026-03-05T16:00")
    assert (booked.reminders_due, booked.reminders_skipped) == (2, 0)
    due = [r.due_at for r in await world.reminders()]
    assert due == [local("2026-03-04T17:00"), local("2026-03-05T14:00")]
    await _queued_only_at(world, due)
    assert [r.message_key for r in await world.reminder_rows()] == [
        "session_reminder",
        "session_reminder_soon",
    ]
    assert await world.states() == [("1d", "queued", None), ("2h", "queued", None)]
    assert (await world.history(booked.session_id)).count("reminder_queued") == 2


async def test_the_young_persons_profile_sets_their_reminders(world: SessionWorld) -> None:
    await world.profile("reminders", "2d,3h,30m")
    await world.book("2026-03-06T16:00")
    due = [r.due_at for r in await world.reminders()]
    assert due == [local("2026-03-04T17:00"), local("2026-03-06T13:00"), local("2026-03-06T15:30")]
    await _queued_only_at(world, due)
    keys = [r.message_key for r in await world.reminder_rows()]
    assert keys == ["session_reminder", "session_reminder_soon", "session_reminder_soon"]


async def test_a_profile_stored_as_json_sets_the_reminders_too(world: SessionWorld) -> None:
    async with world.hub.uow() as uow:
        sam = await uow.young_people.by_telegram_id(SAM)
        assert sam is not None
        sam.communication_profile = {**(sam.communication_profile or {}), "reminders": "1h"}
        await uow.commit()
    await world.book("2026-03-05T16:00")
    assert [(r.offset, r.due_at) for r in await world.reminders()] == [
        ("1h", local("2026-03-05T15:00"))
    ]


async def test_a_sessions_own_reminders_win_over_the_profile(world: SessionWorld) -> None:
    await world.profile("reminders", "2d")
    booked = await world.book("2026-03-05T16:00", reminders=(Offset(minutes=45),))
    assert booked.reminders_due == 1
    due = [r.due_at for r in await world.reminders()]
    assert due == [local("2026-03-05T15:15")]
    await _queued_only_at(world, due)


async def test_none_means_no_reminders_at_all_but_the_confirmation_still_goes(
    world: SessionWorld,
) -> None:
    booked = await world.book("2026-03-05T16:00", reminders=())
    assert (booked.reminders_due, booked.reminders_skipped) == (0, 0)
    assert await world.reminders() == []
    await world.tick(to=local("2026-03-05T17:00"))
    assert await world.reminder_rows() == []
    assert await world.hub.messages(SAM) == ["welcome", "session_booked"]


async def test_a_profile_of_none_gives_no_reminders(world: SessionWorld) -> None:
    await world.profile("reminders", "none")
    await world.book("2026-03-05T16:00")
    assert await world.reminders() == []
    await world.tick(to=local("2026-03-05T17:00"))
    assert await world.reminder_rows() == []
