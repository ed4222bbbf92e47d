"""Undelivered messages in the staff console: a hub's managers and operators list the
outbox's failed rows of their hub (failed after every attempt, or dropped as too late), who
and why but never what they said, and put one back in the queue (bot.services.outbox_admin's
own rule, as `waypoint outbox retry` does). Audited, with ids only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.actors import Actor, KnownStaff
from bot.domain.errors import WaypointError
from bot.domain.outbox import DeliveryState, Recipient
from bot.services.hub_admin import as_manager
from bot.services.outbox_admin import (
    FailedMessage,
    RecipientMayNotHaveIt,
    failed_message,
    retry,
)
from bot.services.ports import UnitOfWork
from bot.services.records import OutboxRecord, StaffRecord

# The most failed messages one page lists.
MOST_ROWS = 200


class MessageNotRetryable(WaypointError):
    """Not one of the hub's failed messages, or its words were cleared (it was too late, or
    failed over a week ago): it cannot be sent again."""

    message_id = "outbox_not_retryable"


class MessageNotFound(WaypointError):
    """No failed or sent message of the manager's hub has this number: another hub's is
    answered so too, as if it did not exist."""

    message_id = "outbox_nobody"


class RecipientGone(WaypointError):
    """Whom it was for has left, or may no longer read the concern it is about."""

    message_id = "outbox_recipient_gone"


@dataclass(frozen=True)
class UndeliveredRow:
    """One failed message, and the name of whom it was for (None: someone unknown)."""

    message: FailedMessage
    to: str | None


@dataclass(frozen=True)
class Undelivered:
    """The page: the hub's failed messages, newest first, and its time zone."""

    zone: str
    rows: tuple[UndeliveredRow, ...]


async def _name(uow: UnitOfWork, row: OutboxRecord) -> str | None:
    """A staff member's name or a young person's first name; a stranger has none kept."""
    if row.recipient_type == Recipient.STAFF:
        staff = await uow.staff.get(row.recipient_id)
        return staff.name if staff is not None else None
    if row.recipient_type == Recipient.YOUNG_PERSON:
        person = await uow.young_people.get(row.recipient_id)
        return person.first_name if person is not None else None
    return None


async def do_view_undelivered(uow: UnitOfWork, actor: KnownStaff, *, now: datetime) -> Undelivered:
    """The hub's failed messages, never their words (the look is audited)."""

    async def act(manager: StaffRecord) -> Undelivered:
        rows = await uow.outbox.failed_latest(limit=MOST_ROWS, hub_id=manager.hub_id)
        zone = manager.hub.council.timezone
        found = [UndeliveredRow(failed_message(row), await _name(uow, row)) for row in rows]
        return Undelivered(zone, tuple(found))

    return await as_manager(uow, actor, act, audit="console.outbox_listed", now=now)


async def do_retry_undelivered(
    uow: UnitOfWork, actor: KnownStaff, outbox_id: int, *, now: datetime
) -> None:
    """Queue one of the hub's failed messages again, with a fresh set of attempts."""

    async def act(manager: StaffRecord) -> None:
        row = await uow.outbox.get(outbox_id, for_update=True)
        # Another hub's message is answered exactly like one that does not exist.
        if row is None or row.hub_id != manager.hub_id:
            raise MessageNotFound
        if row.state != DeliveryState.FAILED or not row.text:
            raise MessageNotRetryable
        try:
            await retry(uow, row, by=Actor.staff(manager.id), now=now)
        except RecipientMayNotHaveIt:
            raise RecipientGone from None

    await as_manager(uow, actor, act, audit=None, now=now)
