"""Telegram down for minutes: sending pauses as a whole, nobody's attempts are used up, and a
safety message is never given up while its concern is open. Issue 9, point 6, on SQLite and
PostgreSQL, on a clock the test moves."""

from __future__ import annotations

from datetime import timedelta

from bot.adapters.db.models import Concern
from bot.adapters.outbox.sender import Sender
from bot.domain.ladder import ConcernState
from bot.domain.outbox import DeliveryState, Lane
from tests.integration.outbox_world import DEE, JO, MAX, SAM, World, world

__all__ = ["world"]
OUTAGE = timedelta(seconds=270)


async def _for_a_while(
    world: World, sender: Sender, span: timedelta, step: timedelta = timedelta(seconds=3)
) -> None:
    """Let the sender work for `span` of (manual) time, `step` at a time."""
    end = world.clock() + span
    while world.clock() < end:
        await world.drain(sender)
        world.clock.advance(step)


async def _open_concern(world: World) -> int:
    async with world.uow() as uow:
        sam = await uow.young_people.by_telegram_id(SAM)
        assert sam is not None
        concern = Concern(
            hub_id=sam.hub_id, young_person_id=sam.id, raised_at=world.clock(), source="button",
            urgency="high", state="open", in_hours=True, rung=0,
        )  # fmt: skip
        uow.session.add(concern)
        await uow.commit()
        return concern.id


async def _safety_to(world: World, telegram_id: int, concern_id: int | None) -> int:
    async with world.uow() as uow:
        staff = await uow.staff.by_telegram_id(telegram_id)
        sam = await uow.young_people.by_telegram_id(SAM)
        assert staff is not None
        [row] = uow.postbox.to_staff(
            staff, "concern_more_words", {"name": "Sam", "id": "1", "words": "help"},
            now=world.clock(), lane=Lane.SAFETY, about=sam, concern_id=concern_id,
        )  # fmt: skip
        await uow.flush()
        await uow.commit()
        return row.id


class TestTelegramDown:
    async def test_every_send_failing_pauses_sending_and_spends_no_attempts(
        self, world: World
    ) -> None:
        sender = world.sender(max_attempts=8)
        jo_before = len(world.fake.sent_messages(JO))
        rows = [await _safety_to(world, who, None) for who in (JO, DEE, MAX)]
        rows.append(await world.queue_to_sam("reply", Lane.REPLY))
        world.fake.fail_next("sendMessage", "server_error", times=10_000)
        await _for_a_while(world, sender, OUTAGE)
        for row_id in rows:
            row = await world.row(row_id)
            assert row.state == DeliveryState.PENDING, row.last_error
            assert row.attempts <= 2
        world.fake.clear_faults()
        await _for_a_while(world, sender, timedelta(minutes=2))
        assert [(await world.row(row_id)).state for row_id in rows] == [DeliveryState.SENT] * 4
        assert len(world.fake.sent_messages(JO)) == jo_before + 1

    async def test_a_safety_message_for_an_open_concern_is_never_given_up(
        self, world: World
    ) -> None:
        sender = world.sender(max_attempts=3)
        concern_id = await _open_concern(world)
        row_id = await _safety_to(world, JO, concern_id)
        # Only this message fails, so it is the message's problem, not an outage: it uses up
        # its attempts, and is still kept because its concern is open.
        world.fake.fail_next("sendMessage", "server_error", times=10_000, chat_id=JO)
        await _for_a_while(world, sender, timedelta(minutes=20), timedelta(seconds=20))
        assert (await world.row(row_id)).state == DeliveryState.PENDING
        world.fake.clear_faults()
        await _for_a_while(world, sender, timedelta(minutes=6), timedelta(seconds=20))
        assert (await world.row(row_id)).state == DeliveryState.SENT

    async def test_once_the_concern_is_closed_a_failing_message_is_let_go(
        self, world: World
    ) -> None:
        sender = world.sender(max_attempts=3)
        concern_id = await _open_concern(world)
        row_id = await _safety_to(world, JO, concern_id)
        async with world.uow() as uow:
            concern = await uow.concerns.get(concern_id)
            assert concern is not None
            concern.state = ConcernState.CLOSED
            await uow.commit()
        world.fake.fail_next("sendMessage", "server_error", times=10_000, chat_id=JO)
        await _for_a_while(world, sender, timedelta(minutes=20), timedelta(seconds=20))
        assert (await world.row(row_id)).state == DeliveryState.FAILED
