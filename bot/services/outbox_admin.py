"""Looking after the outbox: listing what failed and sending it again."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from bot.domain.access import may_read_concern
from bot.domain.actors import OPERATOR, Actor
from bot.domain.errors import SetupError
from bot.domain.outbox import DeliveryState, Lane, Recipient
from bot.services.concern_access import viewer_of
from bot.services.ladder_steps import hub_of
from bot.services.ports import UnitOfWork
from bot.services.records import OutboxRecord, StaffRecord


@dataclass(frozen=True)
class FailedMessage:
    """A failed message as an operator sees it: who and why, never what it said."""

    id: int
    lane: str
    recipient: str
    hub_id: int | None
    created_at: datetime
    attempts: int
    last_error: str | None
    # Its words are still kept (cleared a week after it failed, or at once when too late).
    can_retry: bool = True


def failed_message(row: OutboxRecord) -> FailedMessage:
    """What may be shown of one failed row: never its text."""
    return FailedMessage(
        row.id,
        Lane(row.lane).name.lower(),
        f"{row.recipient_type} {row.recipient_id}",
        row.hub_id,
        row.created_at,
        row.attempts,
        row.last_error,
        bool(row.text),
    )


async def failed_messages(uow: UnitOfWork, *, limit: int = 200) -> list[FailedMessage]:
    """The most recent failed messages, newest first."""
    async with uow:
        return [failed_message(row) for row in await uow.outbox.failed_latest(limit=limit)]


def check_retry(row: OutboxRecord) -> None:
    """Refuse a row that is not failed, or whose words were cleared."""
    if row.state != DeliveryState.FAILED:
        raise SetupError(f"outbox message {row.id} is {row.state}, not failed")
    if not row.text:
        raise SetupError(
            f"outbox message {row.id} failed over a week ago and its words were cleared;"
            " it cannot be sent again"
        )


class RecipientMayNotHaveIt(SetupError):
    """Whom a failed message was for has left, is no longer linked, or may no longer read
    the concern it is about: it is not sent again."""


async def why_not_to(uow: UnitOfWork, row: OutboxRecord) -> str | None:
    """None when the message may still go to whom it was for; else why not. A member of
    staff must not have left and, for a message about a concern (its alert carries a young
    person's words), must still may read it by bot.domain.access.may_read_concern as they
    are now: having been alerted (told) does not count, for this may be the very alert that
    failed to reach them."""
    if row.recipient_type == Recipient.YOUNG_PERSON:
        person = await uow.young_people.get(row.recipient_id)
        return None if person is not None else "the young person is no longer linked"
    if row.recipient_type != Recipient.STAFF:
        return None
    staff = await uow.staff.get(row.recipient_id)
    if staff is None or not staff.active:
        return "the member of staff it was for has left"
    return None if row.concern_id is None else await _why_not_concern(uow, staff, row.concern_id)


async def _why_not_concern(uow: UnitOfWork, staff: StaffRecord, concern_id: int) -> str | None:
    concern = await uow.concerns.get(concern_id)
    if concern is None:
        return "the concern it was about is no longer kept"
    hub = await hub_of(uow, concern.hub_id)
    viewer = replace(await viewer_of(uow, staff, concern, hub.council_id), told=False)
    if not may_read_concern(viewer):
        return "the member of staff it was for may no longer read the concern it is about"
    return None


async def retry(uow: UnitOfWork, row: OutboxRecord, *, by: Actor, now: datetime) -> None:
    """Put a failed message back in the queue with a fresh set of attempts (audited). One
    whose recipient may no longer have it is refused: the refusal is audited and committed,
    then `RecipientMayNotHaveIt` is raised."""
    check_retry(row)
    why = await why_not_to(uow, row)
    if why is not None:
        uow.audit.record(
            "outbox.retry_refused",
            at=now,
            by=by,
            hub_id=row.hub_id,
            subject_type="outbox",
            subject_id=row.id,
        )
        await uow.commit()
        raise RecipientMayNotHaveIt(f"outbox message {row.id} cannot be sent again: {why}")
    row.state = DeliveryState.PENDING
    row.attempts = 0
    row.not_before = now
    row.last_error = None
    uow.audit.record(
        "outbox.retried",
        at=now,
        by=by,
        hub_id=row.hub_id,
        subject_type="outbox",
        subject_id=row.id,
    )


async def do_retry(uow: UnitOfWork, outbox_id: int, *, now: datetime) -> None:
    """Put a failed message back in the queue with a fresh set of attempts."""
    async with uow:
        row = await uow.outbox.get(outbox_id, for_update=True)
        if row is None:
            raise SetupError(f"there is no outbox message {outbox_id}")
        await retry(uow, row, by=OPERATOR, now=now)
        await uow.commit()
