"""What happens after each attempt to send an outbox message, including every way it can fail.

A failed safety message is never left to die quietly: it goes to the hub's duty staff (or,
without any, its managers) through their own chats.
"""

from __future__ import annotations

import logging
from datetime import datetime

from bot.adapters.db.models import OutboxMessage
from bot.adapters.db.uow import SqlUnitOfWork
from bot.adapters.outbox.claims import push_back
from bot.adapters.outbox.transport import Blocked, Outcome, Refused, Sent, SlowDown, TryAgain
from bot.domain.outbox import DeliveryState, Lane, Recipient, retry_delay
from bot.domain.people import Role

_LOG = logging.getLogger(__name__)
# Who hears about a safety message that could not be delivered, in order of preference.
SECOND_ROUTE = (Role.DUTY, Role.MANAGER)


async def do_record_outcome(
    uow: SqlUnitOfWork,
    message_id: int,
    outcome: Outcome,
    *,
    owner: str,
    now: datetime,
    max_attempts: int,
    jitter: float,
) -> None:
    """Store how one send went; a row whose lease was lost to another sender is left alone."""
    async with uow:
        row = await uow.session.get(OutboxMessage, message_id, with_for_update=True)
        if row is None or row.state != DeliveryState.SENDING or row.lease_owner != owner:
            return
        row.lease_owner = None
        row.lease_until = None
        match outcome:
            case Sent(telegram_message_id):
                row.state = DeliveryState.SENT.value
                row.sent_at = now
                row.telegram_message_id = telegram_message_id
                row.last_error = None
                # The outbox carries words; it is not where they are kept. Once delivered, the
                # text (which can hold a live invite link or a young person's words) goes.
                row.text = ""
                row.reply_markup = None
            case SlowDown(wait):
                # A 429 is Telegram's pacing, not a fault of the message: it costs no attempt.
                row.state = DeliveryState.PENDING.value
                row.attempts -= 1
                row.not_before = now + wait
                row.last_error = "retry_after"
                await push_back(uow.session, chat_id=row.chat_id, until=now + wait)
            case TryAgain(reason) if row.attempts < max_attempts:
                row.state = DeliveryState.PENDING.value
                row.not_before = now + retry_delay(row.attempts, jitter)
                row.last_error = reason[:64]
            case TryAgain(reason) | Refused(reason):
                await _fail(uow, row, reason, now)
            case Blocked():
                await _fail(uow, row, "blocked", now)
                await _mark_unreachable(uow, row, now)
        await uow.commit()


async def do_fail_exhausted(
    uow: SqlUnitOfWork, message_id: int, *, owner: str, now: datetime
) -> None:
    """Give up on a row that has used every attempt (its sender kept dying mid-send)."""
    async with uow:
        row = await uow.session.get(OutboxMessage, message_id, with_for_update=True)
        if row is None or row.state != DeliveryState.SENDING or row.lease_owner != owner:
            return
        await _fail(uow, row, "too many attempts", now)
        await uow.commit()


async def _fail(uow: SqlUnitOfWork, row: OutboxMessage, reason: str, now: datetime) -> None:
    row.state = DeliveryState.FAILED.value
    row.lease_owner = None
    row.lease_until = None
    row.last_error = reason[:64]
    uow.audit.record(
        "outbox.failed", at=now, actor_type="system", hub_id=row.hub_id,
        subject_type="outbox", subject_id=row.id,
    )  # fmt: skip
    if row.lane == Lane.SAFETY:
        await _second_route(uow, row, now)


async def _recipient_name(uow: SqlUnitOfWork, row: OutboxMessage) -> str:
    if row.recipient_type == Recipient.STAFF:
        staff = await uow.staff.get(row.recipient_id)
        return staff.name if staff else "a member of staff"
    person = await uow.young_people.get(row.recipient_id)
    return person.first_name if person else "a young person"


async def _second_route(uow: SqlUnitOfWork, row: OutboxMessage, now: datetime) -> None:
    """Send a failed safety message's words to other staff of the hub, on their own chats."""
    if row.alert_for_id is not None or row.hub_id is None:
        # The second route itself failed: only a person watching errors can help now.
        _LOG.error("safety alert %s could not be delivered by any route", row.id)
        return
    name = await _recipient_name(uow, row)
    for role in SECOND_ROUTE:
        others = [
            staff
            for staff in await uow.staff.in_hub(row.hub_id, role.value)
            if not (row.recipient_type == Recipient.STAFF and staff.id == row.recipient_id)
        ]
        for staff in others:
            uow.postbox.to_staff(
                staff, "safety_message_failed", {"name": name, "text": row.text},
                now=now, lane=Lane.SAFETY, alert_for_id=row.id,
            )  # fmt: skip
        if others:
            uow.audit.record(
                f"outbox.safety_rerouted.{role.value}", at=now, actor_type="system",
                hub_id=row.hub_id, subject_type="outbox", subject_id=row.id,
            )  # fmt: skip
            return
    _LOG.error("failed safety message %s has no duty or manager in its hub to go to", row.id)


async def _mark_unreachable(uow: SqlUnitOfWork, row: OutboxMessage, now: datetime) -> None:
    """Record that a young person blocked the bot, and tell their worker once."""
    if row.recipient_type != Recipient.YOUNG_PERSON:
        return
    person = await uow.young_people.get(row.recipient_id)
    if person is None or person.unreachable_since is not None:
        return
    person.unreachable_since = now
    uow.audit.record(
        "young_person.unreachable", at=now, actor_type="system", hub_id=person.hub_id,
        subject_type="young_person", subject_id=person.id,
    )  # fmt: skip
    uow.postbox.to_staff(
        person.key_worker, "young_person_unreachable", {"name": person.first_name}, now=now
    )
