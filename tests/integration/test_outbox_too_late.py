"""A time-bound message (a reminder) that cannot go out by its time is dropped and recorded,
never sent late: the sender checks again at send time. Issue 10."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.adapters.db.models import AuditEvent
from bot.adapters.outbox.claims import TOO_LATE
from bot.domain.outbox import DeliveryState, Lane
from tests.integration.outbox_world import SAM, World, world

__all__ = ["world"]


async def _queue_to_sam(world: World, *, send_by_minutes: float) -> int:
    async with world.uow() as uow:
        sam = await uow.young_people.by_telegram_id(SAM)
        assert sam is not None
        [row] = uow.postbox.to_young_person(
            sam, "already_linked", {"worker": "Jo"}, now=world.clock(), lane=Lane.REMINDER,
            send_by=world.clock() + timedelta(minutes=send_by_minutes),
        )  # fmt: skip
        await uow.flush()
        await uow.commit()
        return row.id


async def test_a_reminder_still_in_time_is_sent(world: World) -> None:
    outbox_id = await _queue_to_sam(world, send_by_minutes=10)
    world.clock.advance(timedelta(minutes=9))
    await world.drain(world.sender())
    assert (await world.row(outbox_id)).state is DeliveryState.SENT


async def test_a_reminder_past_its_time_is_dropped_recorded_and_never_sent(world: World) -> None:
    before = len(world.fake.sent_messages(SAM))
    outbox_id = await _queue_to_sam(world, send_by_minutes=10)
    # The sender was down for a quarter of an hour.
    world.clock.advance(timedelta(minutes=15))
    await world.drain(world.sender())
    row = await world.row(outbox_id)
    assert (row.state, row.last_error, row.text) == (DeliveryState.FAILED, TOO_LATE, "")
    assert len(world.fake.sent_messages(SAM)) == before
    async with world.uow() as uow:
        audited = await uow.session.scalars(
            select(AuditEvent.subject_id).where(AuditEvent.action == "outbox.too_late")
        )
        assert list(audited) == [outbox_id]
