"""Each reminder is queued exactly once (SE-12): across a restart, after a tick killed
mid-way, and with two instances ticking at once on PostgreSQL."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.adapters.db.models import OutboxMessage, SessionEvent
from bot.adapters.db.uow import UnitOfWorkFactory
from bot.adapters.outbox.claims import TOO_LATE
from bot.domain.outbox import DeliveryState
from bot.domain.reminders import Offset
from bot.services.reminders import _remind, try_remind_due
from tests.integration.session_world import SAM, SessionWorld, hub, local, world

__all__ = ["hub", "world"]

MANY = 300


async def _rows_per_reminder(world: SessionWorld) -> Counter[int]:
    return Counter(row.reminder_id for row in await world.reminder_rows() if row.reminder_id)


async def test_a_tick_after_a_restart_queues_nothing_a_second_time(world: SessionWorld) -> None:
    await world.book("2026-03-05T16:00")
    await world.tick(to=local("2026-03-04T17:00"))
    world.restart()
    await world.tick()
    await world.tick(minutes=1)
    world.restart()
    await world.tick(to=local("2026-03-05T14:00"))
    await world.tick(minutes=3)
    counts = await _rows_per_reminder(world)
    assert sorted(counts.values()) == [1, 1]
    assert [state for _, state, _ in await world.states()] == ["queued", "queued"]


async def test_a_tick_killed_before_it_commits_loses_nothing_and_doubles_nothing(
    world: SessionWorld,
) -> None:
    await world.book("2026-03-05T16:00")
    world.hub.clock.now = local("2026-03-04T17:00")
    # A tick that queues the reminder and dies before its commit: its work is rolled back.
    async with world.hub.uow() as uow:
        for reminder in await uow.sessions.due_reminders(now=world.now, limit=10):
            await _remind(uow, reminder, now=world.now)
        await uow.flush()
    world.restart()
    await world.tick(minutes=1)
    await world.tick(minutes=1)
    counts = await _rows_per_reminder(world)
    assert list(counts.values()) == [1]
    assert [r.created_at for r in await world.reminder_rows()] == [
        local("2026-03-04T17:00") + timedelta(minutes=1)
    ]


async def _book_many(world: SessionWorld) -> None:
    """Sessions on Thursday, a minute apart, each reminded once at 17:00 on Wednesday."""
    first = datetime.fromisoformat("2026-03-05T12:00")
    for n in range(MANY):
        start = (first + timedelta(minutes=n)).isoformat()
        await world.book(start, reminders=(Offset(days=1),), minutes=1)


async def _instance(uow: UnitOfWorkFactory, now: datetime) -> int:
    """One instance's tick: small batches until nothing is left for it."""
    taken = 0
    while done := await try_remind_due(uow(), now=now, limit=7):
        taken += done
    return taken


@pytest.mark.postgres
async def test_two_instances_ticking_at_once_queue_every_reminder_exactly_once(
    world: SessionWorld,
) -> None:
    if not world.url.startswith("postgresql"):
        pytest.skip("two instances at once need PostgreSQL's row locks (SKIP LOCKED)")
    await _book_many(world)
    a, b = world.factory(), world.factory()
    shares = [0, 0]
    moment = local("2026-03-04T17:00")
    for round_ in range(20):
        now = moment + timedelta(seconds=round_)
        got = await asyncio.gather(_instance(a, now), _instance(b, now))
        shares = [shares[0] + got[0], shares[1] + got[1]]
    print(f"{MANY} reminders; taken per instance {shares}")
    counts = await _rows_per_reminder(world)
    assert len(counts) == MANY, "a reminder was lost"
    assert set(counts.values()) == {1}, "a reminder was queued twice"
    assert sum(shares) == MANY
    assert all(shares), "the two instances did not actually run together"
    assert {state for _, state, _ in await world.states()} == {"queued"}
    async with world.hub.uow() as uow:
        lines = await uow.session.scalar(
            select(func.count()).where(SessionEvent.kind == "reminder_queued")
        )
        keys = await uow.session.scalars(
            select(OutboxMessage.idempotency_key).where(OutboxMessage.reminder_id.is_not(None))
        )
        keyed = Counter(key.split(":")[1] for key in keys if key is not None)
    assert lines == MANY
    assert len(keyed) == MANY
    assert all(n == max(keyed.values()) for n in keyed.values())


class Killed(Exception):
    """The process dies the moment Telegram has accepted a message."""


async def test_a_sender_killed_right_after_sending_a_reminder_does_not_send_it_again(
    world: SessionWorld,
) -> None:
    await world.book("2026-03-05T16:00")
    await world.send_all()
    await world.tick(to=local("2026-03-04T17:00"))
    [queued] = await world.reminder_rows()
    dying = world.sender("dying")
    original = world.transport.send

    async def send_then_die(*args: object, **kwargs: object) -> object:
        await original(*args, **kwargs)  # type: ignore[arg-type]
        raise Killed

    world.transport.send = send_then_die  # type: ignore[method-assign, assignment]
    with pytest.raises(Killed):
        await dying.try_send_batch()
    world.transport.send = original  # type: ignore[method-assign]
    world.restart()
    # The dying sender held the reminder until its send-by time (before quiet hours at 21:00):
    # after that the next sender finds it too late and fails it, never sending it again.
    world.hub.clock.now = local("2026-03-04T21:01")
    await world.send_all(world.sender("after-restart"))
    assert world.transport.texts_to(SAM).count(queued.text) == 1
    [after] = await world.reminder_rows()
    assert (after.state, after.last_error) == (DeliveryState.FAILED, TOO_LATE)
