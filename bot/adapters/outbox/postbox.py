"""Writing outbox rows inside the caller's transaction, with wording from content/."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.adapters.db.models import OutboxMessage, Staff, YoungPerson
from bot.content.catalogue import Catalogue, Level
from bot.domain.outbox import DeliveryState, Lane, Recipient


class Postbox:
    """Queues messages for the sender; nothing leaves until the transaction commits."""

    def __init__(self, session: AsyncSession, catalogue: Catalogue | None, zone: ZoneInfo) -> None:
        self._session = session
        self._catalogue = catalogue
        self.zone = zone
        self.queued = 0

    @property
    def catalogue(self) -> Catalogue:
        """The wording used to render messages."""
        if self._catalogue is None:
            raise RuntimeError("this unit of work was made without a content catalogue")
        return self._catalogue

    def to_young_person(
        self,
        person: YoungPerson,
        message_id: str,
        values: Mapping[str, str],
        *,
        now: datetime,
        lane: Lane = Lane.REPLY,
        idempotency_key: str | None = None,
    ) -> OutboxMessage:
        """Queue a message to a young person, in their language and reading level."""
        text = self.catalogue.render(
            message_id, values, language=person.language, level=Level.EASY
        )
        message = self._new(Recipient.YOUNG_PERSON, person.id, person.hub_id, now, lane)
        message.chat_id = person.telegram_user_id
        message.message_key = message_id
        message.text = text
        message.idempotency_key = idempotency_key
        return self._queue(message)

    def to_staff(
        self,
        staff: Staff,
        message_id: str,
        values: Mapping[str, str],
        *,
        now: datetime,
        lane: Lane = Lane.REPLY,
        idempotency_key: str | None = None,
        alert_for_id: int | None = None,
    ) -> OutboxMessage:
        """Queue a message to a member of staff."""
        text = self.catalogue.render(message_id, values, level=Level.STANDARD)
        message = self._new(Recipient.STAFF, staff.id, staff.hub_id, now, lane)
        message.chat_id = staff.telegram_user_id
        message.message_key = message_id
        message.text = text
        message.idempotency_key = idempotency_key
        message.alert_for_id = alert_for_id
        return self._queue(message)

    @staticmethod
    def _new(
        kind: Recipient, recipient_id: int, hub_id: int | None, now: datetime, lane: Lane
    ) -> OutboxMessage:
        return OutboxMessage(
            lane=int(lane),
            recipient_type=kind.value,
            recipient_id=recipient_id,
            hub_id=hub_id,
            state=DeliveryState.PENDING.value,
            created_at=now,
            not_before=now,
            attempts=0,
        )

    def _queue(self, message: OutboxMessage) -> OutboxMessage:
        self._session.add(message)
        self.queued += 1
        return message
