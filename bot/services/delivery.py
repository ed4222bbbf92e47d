"""What happens after each attempt to send an outbox message, including every way it can fail.

A failed safety message is never left to die quietly. While its concern is open it is tried
again for as long as it takes; and if Telegram will never take it (the person blocked the bot),
its words go to staff who may read them (bot.domain.access), through their own chats.
When every send is failing the fault is Telegram's, not the messages': sending pauses as a
whole and nobody's attempts are used up.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.domain.access import REROUTE_ORDER, Viewer, may_receive_rerouted
from bot.domain.actors import SYSTEM
from bot.domain.ladder import DONE
from bot.domain.outbox import (
    Blocked,
    DeliveryState,
    Lane,
    Outcome,
    Recipient,
    Refused,
    Sent,
    SlowDown,
    TryAgain,
    retry_delay,
)
from bot.domain.people import Role
from bot.services.ladder_steps import who_answers
from bot.services.ports import UnitOfWork
from bot.services.records import OutboxRecord, StaffRecord, YoungPersonRecord

_LOG = logging.getLogger(__name__)
# A safety message for an open concern is never given up; it is tried this often.
KEEP_TRYING_EVERY = timedelta(minutes=1)
_WAITING = (DeliveryState.PENDING.value, DeliveryState.SENDING.value)


async def do_record_outcome(
    uow: UnitOfWork,
    message_id: int,
    outcome: Outcome,
    *,
    owner: str,
    now: datetime,
    max_attempts: int,
    jitter: float,
    outage: timedelta | None = None,
) -> None:
    """Store how one send went; a row whose lease was lost to another sender is left alone.

    `outage` is set while every send is failing: sending pauses that long, and a failure
    then costs the message no attempt.
    """
    async with uow:
        await record_outcome(
            uow,
            message_id,
            outcome,
            owner=owner,
            now=now,
            max_attempts=max_attempts,
            jitter=jitter,
            outage=outage,
        )
        await uow.commit()


MAYBE_SENT = "maybe sent"


async def record_outcome(
    uow: UnitOfWork,
    message_id: int,
    outcome: Outcome,
    *,
    owner: str,
    now: datetime,
    max_attempts: int,
    jitter: float,
    outage: timedelta | None = None,
) -> None:
    """do_record_outcome inside the caller's open unit of work (the sender records a round's
    outcomes in the transaction of its next claim); the caller commits."""
    row = await uow.outbox.get(message_id, for_update=True)
    if row is None or row.state != DeliveryState.SENDING or row.lease_owner != owner:
        return
    row.lease_owner = None
    row.lease_until = None
    match outcome:
        case Sent(telegram_message_id):
            await _delivered(uow, row, telegram_message_id, now)
        case SlowDown(wait):
            # A 429 is Telegram's pacing, not a fault of the message: it costs no attempt.
            _wait(row, now + wait, "retry_after", spend=False)
            await uow.outbox.push_back(chat_id=row.chat_id, until=now + wait)
        case TryAgain("timeout") if row.reminder_id is not None:
            # Telegram may have delivered a message whose answer timed out; a reminder goes at
            # most once ("never twice", SE-12), so it is not tried again.
            await _fail(uow, row, MAYBE_SENT, now)
        case TryAgain(reason) if outage is not None:
            _wait(row, now + outage, reason, spend=False)
            await uow.outbox.push_back(chat_id=row.chat_id, until=now + outage)
        case TryAgain(reason) if row.attempts < max_attempts:
            delay = retry_delay(row.attempts, jitter, lane=Lane(row.lane))
            _wait(row, now + delay, reason, spend=True)
        case TryAgain(reason):
            await _give_up_unless_needed(uow, row, reason, now)
        case Refused(reason):
            await _fail(uow, row, reason, now)
        case Blocked():
            await _fail(uow, row, "blocked", now)
            await _mark_unreachable(uow, row, now)


def _wait(row: OutboxRecord, until: datetime, reason: str, *, spend: bool) -> None:
    row.state = DeliveryState.PENDING
    if not spend:
        row.attempts -= 1
    row.not_before = until
    row.last_error = reason[:64]


async def _delivered(
    uow: UnitOfWork, row: OutboxRecord, telegram_message_id: int, now: datetime
) -> None:
    if row.recipient_type == Recipient.STRANGER:
        # Nothing is kept about someone Waypoint does not know, not even that it answered.
        await uow.outbox.delete(row)
        return
    row.state = DeliveryState.SENT
    row.sent_at = now
    row.telegram_message_id = telegram_message_id
    row.last_error = None
    # The outbox carries words; it is not where they are kept. Once delivered, the text
    # (which can hold a live invite link or a young person's words) goes.
    row.text = ""
    row.reply_markup = None


async def do_fail_exhausted(
    uow: UnitOfWork, message_id: int, *, owner: str, now: datetime
) -> None:
    """Give up on a row that has used every attempt (its sender kept dying mid-send)."""
    async with uow:
        row = await uow.outbox.get(message_id, for_update=True)
        if row is None or row.state != DeliveryState.SENDING or row.lease_owner != owner:
            return
        row.lease_owner = row.lease_until = None
        await _give_up_unless_needed(uow, row, "too many attempts", now)
        await uow.commit()


async def _give_up_unless_needed(
    uow: UnitOfWork, row: OutboxRecord, reason: str, now: datetime
) -> None:
    """Fail the row, unless it is a safety message for a concern that is still open."""
    if row.lane == Lane.SAFETY and row.concern_id is not None:
        concern = await uow.concerns.get(row.concern_id)
        if concern is not None and concern.state not in DONE:
            # The ladder is still climbing: this message still matters; keep trying.
            row.state = DeliveryState.PENDING
            row.attempts = 0
            row.not_before = now + KEEP_TRYING_EVERY
            row.last_error = reason[:64]
            return
    await _fail(uow, row, reason, now)


async def _fail(uow: UnitOfWork, row: OutboxRecord, reason: str, now: datetime) -> None:
    if row.recipient_type == Recipient.STRANGER:
        await uow.outbox.delete(row)
        return
    row.state = DeliveryState.FAILED
    row.lease_owner = None
    row.lease_until = None
    row.last_error = reason[:64]
    uow.audit.record(
        "outbox.failed",
        at=now,
        by=SYSTEM,
        hub_id=row.hub_id,
        subject_type="outbox",
        subject_id=row.id,
    )
    rest = await uow.outbox.fail_later_parts(row) if row.part_of is not None else []
    if row.lane == Lane.SAFETY:
        # The rest of the message goes the second route with the part that failed.
        await _second_route(uow, row, "\n".join((row.text, *(part.text for part in rest))), now)


async def _recipient_name(uow: UnitOfWork, row: OutboxRecord) -> str:
    if row.recipient_type == Recipient.STAFF:
        staff = await uow.staff.get(row.recipient_id)
        return staff.name if staff else "a member of staff"
    person = await uow.young_people.get(row.recipient_id)
    return person.first_name if person else "a young person"


def _may_read(
    staff: StaffRecord, person: YoungPersonRecord, council_id: int, row: OutboxRecord
) -> bool:
    viewer = Viewer(
        role=Role(staff.role),
        active=staff.active,
        same_hub=staff.hub_id == person.hub_id,
        same_council=staff.hub.council_id == council_id,
        their_worker=staff.id == person.key_worker_id,
    )
    failed_recipient = row.recipient_type == Recipient.STAFF and staff.id == row.recipient_id
    return not failed_recipient and may_receive_rerouted(viewer)


async def _second_route(uow: UnitOfWork, row: OutboxRecord, text: str, now: datetime) -> None:
    """Send a failed safety message's words to staff who may read about that young person,
    on their own chats: the hub's duty workers, else its managers, else the council's
    out-of-hours team. Nobody at another hub or council ever sees them."""
    person = await uow.young_people.get(row.about_id) if row.about_id is not None else None
    if row.alert_for_id is not None or person is None:
        # The second route itself failed, or the words are about nobody Waypoint knows.
        _LOG.error("safety message %s could not be delivered by any route", row.id)
        return
    name = await _recipient_name(uow, row)
    council_id = (await uow.organisations.hub_by_id(person.hub_id)).council_id
    for role in REROUTE_ORDER:
        if role is Role.ON_CALL:
            candidates = await uow.concerns.on_call(council_id)
        else:
            candidates = await uow.staff.in_hub(person.hub_id, role.value)
        others = [s for s in candidates if _may_read(s, person, council_id, row)]
        for staff in others:
            uow.postbox.to_staff(
                staff,
                "safety_message_failed",
                {"name": name, "text": text},
                now=now,
                lane=Lane.SAFETY,
                alert_for_id=row.id,
                about=person,
                concern_id=row.concern_id,
            )
        if others:
            uow.audit.record(
                f"outbox.safety_rerouted.{role.value}",
                at=now,
                by=SYSTEM,
                hub_id=person.hub_id,
                subject_type="outbox",
                subject_id=row.id,
            )
            return
    _LOG.error("failed safety message %s has nobody who may read it to go to", row.id)


async def _mark_unreachable(uow: UnitOfWork, row: OutboxRecord, now: datetime) -> None:
    """Record that a young person blocked the bot, and tell whoever stands for their worker."""
    if row.recipient_type != Recipient.YOUNG_PERSON:
        return
    person = await uow.young_people.get(row.recipient_id)
    if person is None or person.unreachable_since is not None:
        return
    person.unreachable_since = now
    uow.audit.record(
        "young_person.unreachable",
        at=now,
        by=SYSTEM,
        hub_id=person.hub_id,
        subject_type="young_person",
        subject_id=person.id,
    )
    worker = await who_answers(uow, person)
    if worker is not None:
        uow.postbox.to_staff(
            worker,
            "young_person_unreachable",
            {"name": person.first_name},
            now=now,
            about=person,
        )
