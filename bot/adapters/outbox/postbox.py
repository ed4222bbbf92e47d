"""Writing outbox rows inside the caller's transaction, with wording from content/."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.adapters.db.models import OutboxMessage, Staff, YoungPerson
from bot.adapters.telegram.keyboards import inline_keyboard, worried_keyboard
from bot.content.catalogue import Catalogue
from bot.content.render import Rendered, render, render_line
from bot.domain.outbox import DeliveryState, Lane, Recipient
from bot.domain.profiles import CommunicationProfile, Level


def profile_of(person: YoungPerson) -> CommunicationProfile:
    """The young person's communication profile as stored with them."""
    return CommunicationProfile.from_record(person.language, person.communication_profile)


def _part_key(key: str | None, part: int) -> str | None:
    return f"{key}:{part}" if key is not None and part else key


def name_of(person: YoungPerson) -> str:
    """What Waypoint calls a young person: the name in their profile, or their first name."""
    return profile_of(person).preferred_name or person.first_name


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
    ) -> list[OutboxMessage]:
        """Queue a message to a young person, shaped by their profile: one row per chunk.

        The profile is read now, so a change to it shapes the very next message queued.
        """
        profile = profile_of(person)
        rendered = render(self.catalogue, message_id, values, profile)
        if rendered.buttons:
            person.awaiting_choice = message_id
        part_of = uuid.uuid4().hex if len(rendered.chunks) > 1 else None
        rows = []
        for part, text in enumerate(rendered.chunks):
            last = part == len(rendered.chunks) - 1
            rows.append(
                self._queue(
                    OutboxMessage(
                        recipient_type=Recipient.YOUNG_PERSON.value,
                        recipient_id=person.id,
                        hub_id=person.hub_id,
                        chat_id=person.telegram_user_id,
                        idempotency_key=_part_key(idempotency_key, part),
                        part_of=part_of,
                        part=part,
                        reply_markup=self._keyboard(rendered, profile) if last else None,
                    ),
                    message_id,
                    text,
                    now=now,
                    lane=lane,
                )
            )
        return rows

    def _keyboard(self, rendered: Rendered, profile: CommunicationProfile) -> dict[str, Any]:
        choices = inline_keyboard(rendered)
        if choices is not None:
            return choices
        # Every other message brings back "I'm worried", in the young person's own words.
        return worried_keyboard(render_line(self.catalogue, "button_worried", {}, profile))

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
        reply_markup: dict[str, Any] | None = None,
    ) -> OutboxMessage:
        """Queue a message to a member of staff."""
        text = self.catalogue.render(message_id, values, level=Level.STANDARD)
        return self._queue(
            OutboxMessage(
                recipient_type=Recipient.STAFF.value,
                recipient_id=staff.id,
                hub_id=staff.hub_id,
                chat_id=staff.telegram_user_id,
                idempotency_key=idempotency_key,
                alert_for_id=alert_for_id,
                reply_markup=reply_markup,
            ),
            message_id, text, now=now, lane=lane,
        )  # fmt: skip

    def _queue(
        self, message: OutboxMessage, message_id: str, text: str, *, now: datetime, lane: Lane
    ) -> OutboxMessage:
        """Fill in what every queued message shares and stage it in the transaction."""
        message.lane = int(lane)
        message.message_key = message_id
        message.text = text
        message.state = DeliveryState.PENDING.value
        message.created_at = now
        message.not_before = now
        message.attempts = 0
        self._session.add(message)
        self.queued += 1
        return message
