"""A weekly Tuesday 4 o'clock session across the clocks changing (SE-2): Sunday 29 March and
25 October 2026, 28 March and 31 October 2027. Every week starts at 16:00 in London, its
day-before reminder goes at 17:00 on the Monday and its 2-hour one at 14:00 on the day."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.content.render import when_near
from bot.domain.profiles import CommunicationProfile
from bot.domain.sessions import wall_clock
from tests.integration.session_world import LONDON, SessionWorld, hub, world

__all__ = ["hub", "world"]

MINUTE = timedelta(minutes=1)
CHANGES = ("2026-03-29", "2026-10-25", "2027-03-28", "2027-10-31")


async def _only_at(world: SessionWorld, moment: datetime) -> None:
    """Nothing new a minute before the moment; one reminder queued at it."""
    before, _ = await world.latest_reminder_row()
    await world.tick(to=moment - MINUTE)
    assert (await world.latest_reminder_row())[0] == before, f"a reminder went before {moment}"
    await world.tick(to=moment)
    count, latest = await world.latest_reminder_row()
    assert count == before + 1, f"no reminder at {wall_clock(moment, LONDON)}"
    assert latest is not None
    assert latest.created_at == moment


async def test_a_weekly_4pm_session_stays_at_4pm_and_its_reminders_at_5_and_2(
    world: SessionWorld,
) -> None:
    await world.book("2026-03-10T16:00", weekly=True)
    weeks = 0
    while True:
        week = (await world.sessions())[-1]
        start = week.starts_at
        if start > datetime.fromisoformat("2027-11-10T00:00+00:00"):
            break
        local_start = wall_clock(start, LONDON)
        assert (local_start.weekday(), local_start.hour, local_start.minute) == (1, 16, 0)
        assert week.local_start == local_start
        monday = local_start - timedelta(days=1)
        await _only_at(world, monday.replace(hour=17).replace(tzinfo=LONDON))
        await _only_at(world, local_start.replace(hour=14).replace(tzinfo=LONDON))
        _, soon = await world.latest_reminder_row()
        assert soon is not None
        # The 2-hour reminder is two real hours before, on both sides of every change, and
        # says 4 o'clock.
        assert start - soon.created_at == timedelta(hours=2)
        words = when_near(
            world.hub.catalogue, start, LONDON, CommunicationProfile(), now=soon.created_at
        )
        assert " ".join(words.split()) in " ".join(soon.text.split())
        await world.tick(to=start)
        weeks += 1
    assert weeks >= 85
    starts = {wall_clock(s.starts_at, LONDON).date().isoformat() for s in await world.sessions()}
    for change in CHANGES:
        sunday = datetime.fromisoformat(change).date()
        assert (sunday + timedelta(days=2)).isoformat() in starts, f"no week after {change}"
    # Every reminder went, none was dropped, skipped or left behind.
    assert {state for _, state, _ in await world.states()} <= {"queued", "pending"}
