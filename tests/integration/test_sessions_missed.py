"""Not seen (SE-9): the worker's follow-up at once, one neutral message to the young person,
and two missed or cancelled in a row told to the hub's manager; a seen session resets it."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.sessions import SessionState
from bot.services.missed import do_mark
from bot.services.sessions import do_cancel
from tests.integration.session_world import JO, MAX, SAM, SessionWorld, hub, local, world

__all__ = ["hub", "world"]


async def _mark(world: SessionWorld, session_id: int, *, seen: bool) -> bool:
    marked = await do_mark(world.hub.uow(), await world.jo(), session_id, seen=seen, now=world.now)
    assert marked.state is (SessionState.SEEN if seen else SessionState.NOT_SEEN)
    return marked.pattern


async def _at(world: SessionWorld, when: str) -> None:
    world.hub.clock.now = local(when)


async def test_not_seen_gives_the_worker_a_follow_up_at_once_and_sam_one_message(
    world: SessionWorld,
) -> None:
    booked = await world.book("2026-03-04T16:00")
    await _at(world, "2026-03-04T16:20")
    assert not await _mark(world, booked.session_id, seen=False)
    assert (await world.hub.messages(JO))[-1] == "session_follow_up_staff"
    [follow_up] = [
        r for r in await world.hub.queued(JO) if r.message_key.endswith("follow_up_staff")
    ]
    assert follow_up.created_at == world.now
    assert (await world.hub.messages(SAM)).count("session_missed") == 1
    assert "session_pattern_staff" not in await world.hub.messages(MAX)
    assert "not_seen" in await world.history(booked.session_id)


async def test_two_not_seen_in_a_row_are_told_to_the_manager(world: SessionWorld) -> None:
    first = await world.book("2026-03-04T16:00")
    second = await world.book("2026-03-05T16:00")
    await _at(world, "2026-03-04T17:00")
    assert not await _mark(world, first.session_id, seen=False)
    await _at(world, "2026-03-05T17:00")
    assert await _mark(world, second.session_id, seen=False)
    assert (await world.hub.messages(MAX)).count("session_pattern_staff") == 1
    assert (await world.hub.messages(SAM)).count("session_missed") == 2


async def test_a_cancel_then_a_not_seen_is_a_pattern_too(world: SessionWorld) -> None:
    first = await world.book("2026-03-04T16:00")
    second = await world.book("2026-03-05T16:00")
    await do_cancel(world.hub.uow(), await world.jo(), first.session_id, now=world.now)
    assert "session_pattern_staff" not in await world.hub.messages(MAX)
    await _at(world, "2026-03-05T17:00")
    assert await _mark(world, second.session_id, seen=False)
    assert (await world.hub.messages(MAX)).count("session_pattern_staff") == 1


async def test_two_cancelled_in_a_row_are_told_to_the_manager(world: SessionWorld) -> None:
    first = await world.book("2026-03-04T16:00")
    second = await world.book("2026-03-05T16:00")
    await do_cancel(world.hub.uow(), await world.jo(), first.session_id, now=world.now)
    world.hub.clock.advance(timedelta(minutes=5))
    await do_cancel(world.hub.uow(), await world.jo(), second.session_id, now=world.now)
    assert (await world.hub.messages(MAX)).count("session_pattern_staff") == 1


async def test_a_seen_session_between_two_missed_resets_the_run(world: SessionWorld) -> None:
    sessions = [
        await world.book(day)
        for day in ("2026-03-04T16:00", "2026-03-05T16:00", "2026-03-06T16:00")
    ]
    for (booked, seen), day in zip(
        zip(sessions, (False, True, False), strict=True),
        ("2026-03-04T17:00", "2026-03-05T17:00", "2026-03-06T17:00"),
        strict=True,
    ):
        await _at(world, day)
        assert not await _mark(world, booked.session_id, seen=seen)
    assert "session_pattern_staff" not in await world.hub.messages(MAX)
    assert (await world.hub.messages(SAM)).count("session_missed") == 2


async def test_a_not_seen_session_is_not_closed_and_later_sessions_still_remind(
    world: SessionWorld,
) -> None:
    first = await world.book("2026-03-04T16:00")
    await world.book("2026-03-06T16:00")
    await _at(world, "2026-03-04T17:00")
    await _mark(world, first.session_id, seen=False)
    await world.tick(to=local("2026-03-05T17:00"))
    await world.tick(to=local("2026-03-06T14:00"))
    later = [r for r in await world.reminders() if r.session_id != first.session_id]
    assert [r.state.value for r in later] == ["queued", "queued"]
