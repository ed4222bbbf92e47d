"""Writing outbox rows inside the caller's transaction, with wording from content/."""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.adapters.db.models import OutboxMessage, outbox_waiting
from bot.adapters.telegram.keyboards import (
    alert_keyboard,
    inline_keyboard,
    staff_choices_keyboard,
    worried_keyboard,
)
from bot.content.catalogue import Catalogue
from bot.content.render import Rendered, render, render_line
from bot.content.wordings import Wordings, render_safely
from bot.domain.outbox import (
    AlertButtons,
    DeliveryState,
    Lane,
    Recipient,
    StaffChoices,
    split_for_telegram,
)
from bot.domain.profiles import CommunicationProfile, Level
from bot.services.ladder_steps import CONCERN_CHECK
from bot.services.people import profile_of
from bot.services.records import StaffRecord, YoungPersonRecord

_LOG = logging.getLogger(__name__)


def _part_key(key: str | None, part: int) -> str | None:
    return f"{key}:{part}" if key is not None and part else key


def _staff_keyboard(
    buttons: AlertButtons | None, choices: StaffChoices | None
) -> dict[str, Any] | None:
    if buttons is not None:
        return alert_keyboard(buttons)
    return None if choices is None else staff_choices_keyboard(choices)


class Postbox:
    """Queues messages for the sender; nothing leaves until the transaction commits."""

    def __init__(self, session: AsyncSession, wordings: Wordings | None, zone: ZoneInfo) -> None:
        self._session = session
        self._wordings = wordings
        self.zone = zone
        self.queued = 0
        # Staff messages about a young person queued in this transaction, to give them turns.
        self._about: list[OutboxMessage] = []

    @property
    def wordings(self) -> Wordings:
        """The shipped wording and each council's, as this instance knows them now."""
        if self._wordings is None:
            raise RuntimeError("this unit of work was made without a content catalogue")
        return self._wordings

    @property
    def catalogue(self) -> Catalogue:
        """The shipped wording (content/), as every council starts with it."""
        return self.wordings.shipped

    def catalogue_for(self, person: YoungPersonRecord) -> Catalogue:
        """The wording of the young person's council (their worker is always of it, and
        loaded with them: no query)."""
        return self.wordings.for_council(person.key_worker.hub.council_id)

    def _wording_for(self, council_id: int, lane: Lane) -> Catalogue:
        """The council's wording; on the safety lane, drafts where nothing is live (a
        concern never waits on wording)."""
        catalogue = self.wordings.for_council(council_id)
        return catalogue.for_safety() if lane is Lane.SAFETY else catalogue

    def to_young_person(
        self,
        person: YoungPersonRecord,
        message_id: str,
        values: Mapping[str, str],
        *,
        now: datetime,
        lane: Lane = Lane.REPLY,
        idempotency_key: str | None = None,
        concern_id: int | None = None,
        send_by: datetime | None = None,
        not_before: datetime | None = None,
        reminder_id: int | None = None,
        silent: bool = False,
        ref: int | None = None,
    ) -> list[OutboxMessage]:
        """Queue a message to a young person, shaped by their profile: one row per chunk.

        The profile is read now, so a change to it shapes the very next message queued.
        """
        profile = profile_of(person)
        # The worker is always of the young person's council (bot.services.offboarding), and
        # loaded with them: no query.
        council_id = person.key_worker.hub.council_id
        catalogue = self._wording_for(council_id, lane)
        if lane is Lane.SAFETY:
            catalogue, rendered = render_safely(
                catalogue, message_id, values, profile, council_id=council_id
            )
        else:
            rendered = render(catalogue, message_id, values, profile)
        # A question about a worry stays the open question: no other choice replaces it.
        if rendered.buttons and person.awaiting_choice != CONCERN_CHECK:
            person.awaiting_choice, person.choice_ref = message_id, ref
        texts = [part for chunk in rendered.chunks for part in split_for_telegram(chunk)]
        return self._queue_parts(
            texts,
            lambda: OutboxMessage(
                recipient_type=Recipient.YOUNG_PERSON.value,
                recipient_id=person.id,
                hub_id=person.hub_id,
                chat_id=person.telegram_user_id,
                about_id=person.id,
                concern_id=concern_id,
                send_by=send_by,
                reminder_id=reminder_id,
                silent=silent,
            ),
            message_id,
            now=now,
            lane=lane,
            idempotency_key=idempotency_key,
            reply_markup=self._keyboard(catalogue, rendered, profile, ref),
            not_before=not_before,
        )

    def _keyboard(
        self,
        catalogue: Catalogue,
        rendered: Rendered,
        profile: CommunicationProfile,
        ref: int | None = None,
    ) -> dict[str, Any]:
        choices = inline_keyboard(rendered, ref)
        if choices is not None:
            return choices
        # Every other message brings back "I'm worried", in the young person's own words.
        return worried_keyboard(render_line(catalogue, "button_worried", {}, profile))

    def to_staff(
        self,
        staff: StaffRecord,
        message_id: str,
        values: Mapping[str, str],
        *,
        now: datetime,
        lane: Lane = Lane.REPLY,
        idempotency_key: str | None = None,
        alert_for_id: int | None = None,
        buttons: AlertButtons | None = None,
        about: YoungPersonRecord | None = None,
        concern_id: int | None = None,
        invite_id: int | None = None,
        send_by: datetime | None = None,
        choices: StaffChoices | None = None,
    ) -> list[OutboxMessage]:
        """Queue a message to a member of staff (in parts if it is too long for Telegram);
        nothing is queued for staff who have left."""
        if not staff.active:
            return []
        # Staff wording is sent as it is, in the staff member's council's words.
        catalogue = self.wordings.for_council(staff.hub.council_id)
        text = catalogue.render(message_id, values, level=Level.STANDARD)
        rows = self._queue_parts(
            split_for_telegram(text),
            lambda: OutboxMessage(
                recipient_type=Recipient.STAFF.value,
                recipient_id=staff.id,
                # Whose hub the message is about: a young person's, else the staff member's.
                hub_id=about.hub_id if about is not None else staff.hub_id,
                chat_id=staff.telegram_user_id,
                alert_for_id=alert_for_id,
                about_id=about.id if about is not None else None,
                concern_id=concern_id,
                invite_id=invite_id,
                send_by=send_by,
            ),
            message_id,
            now=now,
            lane=lane,
            idempotency_key=idempotency_key,
            reply_markup=_staff_keyboard(buttons, choices),
        )
        if about is not None:
            self._about.extend(rows)
        return rows

    def to_stranger(
        self,
        chat_id: int,
        message_id: str,
        values: Mapping[str, str],
        *,
        now: datetime,
        lane: Lane = Lane.REPLY,
    ) -> None:
        """Answer someone Waypoint does not know (the row is deleted once it has gone): in
        draft wording if nothing is live, as they belong to no council whose therapists could
        approve it, and must not go unanswered."""
        text = self.catalogue.for_safety().render(message_id, values)
        self._queue_parts(
            split_for_telegram(text),
            lambda: OutboxMessage(
                recipient_type=Recipient.STRANGER.value, recipient_id=0, chat_id=chat_id
            ),
            message_id,
            now=now,
            lane=lane,
        )

    def _queue_parts(
        self,
        texts: list[str],
        row: Any,
        message_id: str,
        *,
        now: datetime,
        lane: Lane,
        idempotency_key: str | None = None,
        reply_markup: dict[str, Any] | None = None,
        not_before: datetime | None = None,
    ) -> list[OutboxMessage]:
        """One row per part; each part waits for the one before it, buttons on the last."""
        part_of = uuid.uuid4().hex if len(texts) > 1 else None
        rows = []
        for part, text in enumerate(texts):
            message: OutboxMessage = row()
            message.idempotency_key = _part_key(idempotency_key, part)
            message.part_of, message.part = part_of, part
            message.reply_markup = reply_markup if part == len(texts) - 1 else None
            rows.append(self._queue(message, message_id, text, now=now, lane=lane))
            if not_before is not None:
                message.not_before = not_before
        return rows

    def _queue(
        self, message: OutboxMessage, message_id: str, text: str, *, now: datetime, lane: Lane
    ) -> OutboxMessage:
        """Fill in what every queued message shares and stage it in the transaction."""
        message.lane = int(lane)
        message.message_key = message_id
        message.text = text
        message.state = DeliveryState.PENDING
        message.created_at = now
        message.not_before = now
        message.attempts = 0
        message.turn = 0
        self._session.add(message)
        self.queued += 1
        return message

    async def take_turns(self) -> None:
        """Before commit: the n-th waiting message about one young person to one chat goes
        after the first messages about everyone else (40 taps of "I'm worried" by one young
        person must not hold up another's alert)."""
        if not self._about:
            return
        staged, self._about = self._about, []
        chats = {row.chat_id for row in staged}
        # Rows of this transaction that were flushed already are counted below, not twice.
        flushed = [row.id for row in staged if row.id is not None]
        with self._session.no_autoflush:
            counts = await self._session.execute(
                select(OutboxMessage.chat_id, OutboxMessage.about_id, func.count())
                .where(
                    OutboxMessage.chat_id.in_(chats),
                    outbox_waiting(OutboxMessage),
                    OutboxMessage.about_id.is_not(None),
                    OutboxMessage.id.not_in(flushed),
                )
                .group_by(OutboxMessage.chat_id, OutboxMessage.about_id)
            )
        ahead = Counter({(chat, about): count for chat, about, count in counts})
        for row in staged:
            key = (row.chat_id, row.about_id)
            row.turn = min(ahead[key], 1000)
            ahead[key] += 1
