"""Looking after the outbox: listing what failed and sending it again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.actors import OPERATOR, Actor
from bot.domain.errors import SetupError
from bot.domain.outbox import DeliveryState, Lane
from bot.services.ports import UnitOfWork
from bot.services.records import OutboxRecord


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


def retry(uow: UnitOfWork, row: OutboxRecord, *, by: Actor, now: datetime) -> None:
    """Put a failed message back in the queue with a fresh set of attempts (audited)."""
    check_retry(row)
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
        retry(uow, row, by=OPERATOR, now=now)
        await uow.commit()
