"""Move and cancel (SE-5): pending reminders are recomputed or withdrawn in the same
transaction, so nothing goes at the old time, even with a restart between the two steps, or a
cancel that lands while a reminder is being queued or sent. The real sender runs against a
recording transport."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest
from sqlalchemy import text

from bot.adapters.db.models import OutboxMessage
from bot.domain.outbox import DeliveryState
from bot.services.reminders import _remind
from bot.services.sessions import do_cancel, do_move
from tests.integration.session_world import SAM, SessionWorld, hub, local, world

__all__ = ["hub", "world"]


async def _reminder_texts(world: SessionWorld) -> list[str]:
    """The reminders' queued words (before anything withdraws them)."""
    return [row.text for row in await world.reminder_rows()]


async def _cancel(world: SessionWorld, session_id: int) -> None:
    await do_cancel(world.hub.uow(), await world.jo(), session_id, now=world.now)


async def _outbox_state(world: SessionWorld, outbox_id: int) -> tuple[str, str | None]:
    async with world.hub.uow() as uow:
        row = await uow.session.get(OutboxMessage, outbox_id)
        assert row is not None
        return row.state.value, row.last_error


class TestMove:
    async def test_a_moved_session_is_reminded_at_its_new_time_and_never_at_the_old(
        self, world: SessionWorld
    ) -> None:
        booked = await world.book("2026-03-05T16:00")
        await do_move(
            world.hub.uow(),
            await world.jo(),
            booked.session_id,
            datetime.fromisoformat("2026-03-06T11:00"),
            now=world.now,
        )
        # In the same transaction as the move: the old ones withdrawn, the new ones planned.
        assert await world.states() == [
            ("1d", "withdrawn", "withdrawn"),
            ("2h", "withdrawn", "withdrawn"),
            ("1d", "pending", None),
            ("2h", "pending", None),
        ]
        await world.tick(to=local("2026-03-04T17:00"))
        await world.tick(to=local("2026-03-05T14:00"))
        assert await world.reminder_rows() == []
        await world.tick(to=local("2026-03-05T17:00"))
        await world.tick(to=local("2026-03-06T09:00"))
        assert [r.created_at for r in await world.reminder_rows()] == [
            local("2026-03-05T17:00"),
            local("2026-03-06T09:00"),
        ]
        assert (await world.hub.messages(SAM))[:3] == [
            "welcome",
            "session_booked",
            "session_moved",
        ]

    async def test_a_reminder_queued_before_a_move_never_leaves(self, world: SessionWorld) -> None:
        booked = await world.book("2026-03-05T16:00")
        await world.tick(to=local("2026-03-04T17:00"))
        [queued] = await world.reminder_rows()
        await do_move(
            world.hub.uow(),
            await world.jo(),
            booked.session_id,
            datetime.fromisoformat("2026-03-06T16:00"),
            now=world.now,
        )
        assert await _outbox_state(world, queued.id) == ("failed", "withdrawn")
        await world.send_all()
        assert queued.text not in world.transport.texts_to(SAM)
        assert "session_moved" in await world.hub.messages(SAM)


class TestCancel:
    async def test_a_cancelled_session_sends_no_reminder_at_all(self, world: SessionWorld) -> None:
        booked = await world.book("2026-03-05T16:00")
        await _cancel(world, booked.session_id)
        await world.tick(to=local("2026-03-04T17:00"))
        await world.tick(to=local("2026-03-05T14:00"))
        await world.send_all()
        assert await world.reminder_rows() == []
        assert await world.states() == [
            ("1d", "withdrawn", "withdrawn"),
            ("2h", "withdrawn", "withdrawn"),
        ]

    async def test_a_restart_between_booking_and_cancelling_changes_nothing(
        self, world: SessionWorld
    ) -> None:
        booked = await world.book("2026-03-05T16:00")
        world.restart()
        await _cancel(world, booked.session_id)
        world.restart()
        await world.tick(to=local("2026-03-04T17:00"))
        await world.tick(to=local("2026-03-05T14:00"))
        await world.send_all()
        assert await world.reminder_rows() == []

    async def test_a_queued_reminder_cancelled_after_a_restart_never_reaches_telegram(
        self, world: SessionWorld
    ) -> None:
        booked = await world.book("2026-03-05T16:00")
        await world.tick(to=local("2026-03-04T17:00"))
        [queued] = await world.reminder_rows()
        assert queued.state is DeliveryState.PENDING
        world.restart()
        await _cancel(world, booked.session_id)
        await world.send_all()
        assert queued.text not in world.transport.texts_to(SAM)
        assert await _outbox_state(world, queued.id) == ("failed", "withdrawn")
        assert "session_cancelled" in await world.hub.messages(SAM)
        # The cancellation itself did reach Sam: the sender ran, and only the reminder stayed.
        assert world.transport.texts_to(SAM)

    async def test_without_the_cancel_the_same_reminder_does_reach_telegram(
        self, world: SessionWorld
    ) -> None:
        await world.book("2026-03-05T16:00")
        await world.tick(to=local("2026-03-04T17:00"))
        [queued] = await world.reminder_rows()
        world.restart()
        await world.send_all()
        assert queued.text in world.transport.texts_to(SAM)
        assert await _outbox_state(world, queued.id) == ("sent", None)

    async def test_a_reminder_claimed_by_a_sender_that_died_is_dropped_by_the_next_one(
        self, world: SessionWorld
    ) -> None:
        booked = await world.book("2026-03-05T16:00")
        await world.send_all()
        await world.tick(to=local("2026-03-04T17:00"))
        [queued] = await world.reminder_rows()
        # A sender claims the reminder and is killed before sending it.
        claim = await world.sender("doomed").claim()
        assert queued.id in [message.id for message in claim.messages]
        world.restart()
        await _cancel(world, booked.session_id)
        # The cancel fails the leased row too; after its lease nothing takes it up again.
        world.hub.clock.advance(timedelta(minutes=1))
        await world.send_all(world.sender("after-restart"))
        assert queued.text not in world.transport.texts_to(SAM)
        assert await _outbox_state(world, queued.id) == ("failed", "withdrawn")

    async def test_a_cancel_between_a_live_senders_claim_and_its_send_stops_the_reminder(
        self, world: SessionWorld
    ) -> None:
        booked = await world.book("2026-03-05T16:00")
        await world.send_all()
        await world.tick(to=local("2026-03-04T17:00"))
        [queued] = await world.reminder_rows()
        sender = world.sender()
        claim = await sender.claim()
        assert queued.id in [message.id for message in claim.messages]
        await _cancel(world, booked.session_id)
        for message in claim.messages:
            await sender.deliver(message)
        assert queued.text not in world.transport.texts_to(SAM)


@pytest.mark.postgres
async def test_a_cancel_while_the_tick_holds_the_reminder_is_caught_before_sending(
    world: SessionWorld,
) -> None:
    """The tick has claimed the reminder (row locked) and is queueing it when the session is
    cancelled in another transaction: the cancel waits for the tick (the session row is
    locked), then withdraws the queued row; the sender's send-time check stands behind that.
    Nothing reaches Telegram."""
    if not world.url.startswith("postgresql"):
        pytest.skip("row locks held by one transaction while another waits: PostgreSQL only")
    booked = await world.book("2026-03-05T16:00")
    await world.send_all()
    world.hub.clock.now = local("2026-03-04T17:00")
    ticking = world.factory()
    cancelling = world.factory()
    async with ticking() as uow:
        due = await uow.sessions.due_reminders(now=world.now, limit=10)
        assert len(due) == 1
        for reminder in due:
            await _remind(uow, reminder, now=world.now)
        await uow.flush()
        cancel = asyncio.create_task(
            do_cancel(cancelling(), await world.jo(), booked.session_id, now=world.now)
        )
        await _until_waiting_for_a_lock(world)
        await uow.commit()
    await cancel
    [queued] = await world.reminder_rows()
    assert await world.states() == [
        ("1d", "withdrawn", "withdrawn"),
        ("2h", "withdrawn", "withdrawn"),
    ]
    await world.send_all()
    assert queued.text not in world.transport.texts_to(SAM)
    assert await _outbox_state(world, queued.id) == ("failed", "withdrawn")


async def _until_waiting_for_a_lock(world: SessionWorld) -> None:
    """Poll PostgreSQL until some other connection waits on a row lock (no fixed sleep)."""
    looking = world.factory()
    for _ in range(2000):
        async with looking() as uow:
            waiting = await uow.session.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE wait_event_type = 'Lock' AND datname = current_database()"
                )
            )
        if waiting:
            return
        await asyncio.sleep(0)
    raise AssertionError("the cancel never waited for the tick's lock")


async def test_a_weekly_session_cancelled_for_good_makes_no_more_weeks(
    world: SessionWorld,
) -> None:
    await world.book("2026-03-10T16:00", weekly=True)
    await world.tick(to=local("2026-03-09T17:00"))
    await world.tick(to=local("2026-03-10T14:00"))
    await world.tick(to=local("2026-03-10T16:00"))
    first, second = await world.sessions()
    assert second.weekly
    await do_cancel(world.hub.uow(), await world.jo(), first.id, now=world.now, series=True)
    assert [s.state.value for s in await world.sessions()] == ["cancelled", "cancelled"]
    for day in ("2026-03-16T17:00", "2026-03-17T14:00", "2026-03-24T16:00", "2026-03-31T16:00"):
        await world.tick(to=local(day))
    assert len(await world.sessions()) == 2
    assert len(await world.reminder_rows()) == 2
    second_reminders = [
        r.state.value for r in await world.reminders() if r.session_id == second.id
    ]
    assert second_reminders == ["withdrawn", "withdrawn"]


async def test_one_week_of_a_weekly_session_cancelled_leaves_the_weeks_after(
    world: SessionWorld,
) -> None:
    booked = await world.book("2026-03-10T16:00", weekly=True)
    await do_cancel(world.hub.uow(), await world.jo(), booked.session_id, now=world.now)
    await world.tick(to=local("2026-03-10T16:00"))
    await world.tick(to=local("2026-03-16T17:00"))
    sessions = await world.sessions()
    assert [s.state.value for s in sessions] == ["cancelled", "booked"]
    assert [r.message_key for r in await world.reminder_rows()] == ["session_reminder"]
