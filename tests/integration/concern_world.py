"""A council with two hubs and every role, Sam linked to Jo, and a clock the test moves."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

import pytest
from sqlalchemy import select

from bot.adapters.db.models import Concern, ConcernEvent, Council, OutboxMessage, Staff
from bot.adapters.db.uow import UnitOfWorkFactory
from bot.clock import ManualClock
from bot.content.catalogue import Catalogue
from bot.content.render import render
from bot.domain.actors import KnownStaff, KnownYoungPerson
from bot.domain.errors import WaypointError
from bot.domain.ladder import Urgency
from bot.domain.outbox import Blocked, DeliveryState
from bot.domain.people import Role
from bot.domain.profiles import CommunicationProfile, Level
from bot.domain.safety.worry import Worry
from bot.services.concerns import do_acknowledge, do_raise_concern
from bot.services.delivery import do_record_outcome
from bot.services.identity import writer_of
from bot.services.invites import do_create_invite, do_redeem_invite
from bot.services.ladder_steps import do_take_due_steps
from bot.services.replies import do_tell_staff
from bot.services.staff import NewStaff, do_add_staff

T = TypeVar("T")
JO, LEE, DEE, MAX, PAT, OONA, ASH, SAM = 1001, 1002, 1101, 1201, 1301, 1401, 1501, 2001
STAFF = (
    (JO, "Jo", Role.KEY_WORKER, "Harrogate"),
    (LEE, "Lee", Role.KEY_WORKER, "Harrogate"),
    (DEE, "Dee", Role.DUTY, "Harrogate"),
    (MAX, "Max", Role.MANAGER, "Harrogate"),
    (PAT, "Pat", Role.POLICE_LIAISON, "Harrogate"),
    # The council's out-of-hours team sits at another hub; a worker there sees nothing of Sam.
    (OONA, "Oona", Role.ON_CALL, "Scarborough"),
    (ASH, "Ash", Role.KEY_WORKER, "Scarborough"),
)
# Tuesday 3 March 2026, 10:00 in London: office hours.
TUESDAY_MORNING = datetime.fromisoformat("2026-03-03T10:00:00+00:00")
TUESDAY_EVENING = datetime.fromisoformat("2026-03-03T20:00:00+00:00")
SATURDAY = datetime.fromisoformat("2026-03-07T11:00:00+00:00")


@dataclass
class Hub:
    """Everything a concern test touches."""

    uow: UnitOfWorkFactory
    clock: ManualClock
    ids: dict[int, int]  # Telegram id -> staff id

    @property
    def catalogue(self) -> Catalogue:
        """The wording the hub's messages are made from (content/, drafts allowed)."""
        catalogue = self.uow.post.catalogue
        assert catalogue is not None
        return catalogue

    def words(self, message_id: str, **values: str) -> list[str]:
        """What Sam (default profile) is sent for this message: one text per queued row."""
        rendered = render(self.catalogue, message_id, values, CommunicationProfile())
        return list(rendered.chunks)

    def staff_words(self, message_id: str, **values: str) -> str:
        """A staff message or label as staff read it: the standard text, filled in."""
        return self.catalogue.render(message_id, values, level=Level.STANDARD)

    async def raise_concern(self, worry: Worry | None = None) -> int:
        """Sam raises a concern (tapping "I'm worried" unless told otherwise)."""
        raised = await do_raise_concern(
            self.uow(), SAM, worry or Worry("button", Urgency.HIGH), now=self.clock()
        )
        assert raised is not None
        return raised

    async def tick(self, minutes: float = 0) -> int:
        """Move the clock on and take every step that fell due."""
        self.clock.advance(timedelta(minutes=minutes))
        return await do_take_due_steps(self.uow(), now=self.clock())

    async def actor(self, telegram_id: int) -> KnownStaff:
        """The member of staff with this Telegram id, as a channel hands them to services."""
        writer = await writer_of(self.uow(), telegram_id)
        assert isinstance(writer, KnownStaff), writer
        return writer

    async def young_person(self, telegram_id: int = SAM) -> KnownYoungPerson:
        """The linked young person with this Telegram id, as a channel hands them over."""
        writer = await writer_of(self.uow(), telegram_id)
        assert isinstance(writer, KnownYoungPerson), writer
        return writer

    async def as_staff(
        self, telegram_id: int, act: Callable[[KnownStaff], Awaitable[T]]
    ) -> T | None:
        """Run a staff service as the Telegram adapter does (handlers.for_staff): a refusal,
        a command not for their role included, is told to them, and None is returned."""
        actor = await self.actor(telegram_id)
        try:
            return await act(actor)
        except WaypointError as error:
            values = {"role": actor.role.value, **error.values}
            await do_tell_staff(self.uow(), actor, error.message_id, values, now=self.clock())
            return None

    async def acknowledge(
        self, telegram_id: int, concern_id: int, *, call_me: bool = False
    ) -> None:
        """A member of staff taps "I've got this" (or "Call me")."""
        await self.as_staff(
            telegram_id,
            lambda actor: do_acknowledge(
                self.uow(), actor, concern_id, call_me=call_me, now=self.clock()
            ),
        )

    async def council(self, **changes: Any) -> None:
        """Change the council's ladder settings."""
        async with self.uow() as uow:
            council = await uow.session.scalar(select(Council))
            assert council is not None
            for name, value in changes.items():
                setattr(council, name, value)
            await uow.commit()

    async def staff(self, telegram_id: int, **changes: Any) -> None:
        """Change a member of staff (away, cover, active)."""
        async with self.uow() as uow:
            staff = await uow.staff.by_telegram_id(telegram_id)
            assert staff is not None
            for name, value in changes.items():
                setattr(staff, name, value)
            await uow.commit()

    async def queued(self, telegram_id: int) -> list[OutboxMessage]:
        """Everything queued for one chat, oldest first."""
        async with self.uow() as uow:
            rows = list(
                await uow.session.scalars(
                    select(OutboxMessage)
                    .where(OutboxMessage.chat_id == telegram_id)
                    .order_by(OutboxMessage.id)
                )
            )
            uow.session.expunge_all()
            return rows

    async def keys(self, telegram_id: int) -> list[str]:
        """The message ids queued for one chat, oldest first."""
        return [row.message_key for row in await self.queued(telegram_id)]

    async def messages(self, telegram_id: int) -> list[str]:
        """The message ids queued for one chat, oldest first, once per message however many
        parts (sentences) its wording makes."""
        return [row.message_key for row in await self.queued(telegram_id) if not row.part]

    async def alerted(self) -> list[str]:
        """Who has been alerted, in order, as "step: name"."""
        async with self.uow() as uow:
            return list(
                await uow.session.scalars(
                    select(ConcernEvent.detail)
                    .where(ConcernEvent.kind == "notified")
                    .order_by(ConcernEvent.id)
                )
            )

    async def concern(self, concern_id: int) -> Concern:
        """The concern as stored now."""
        async with self.uow() as uow:
            found = await uow.concerns.get(concern_id)
            assert found is not None
            uow.session.expunge_all()
            return found

    async def blocked(self, outbox_id: int) -> None:
        """Telegram says the recipient of this queued message blocked the bot: it fails for
        good, as the sender records it."""
        async with self.uow() as uow:
            row = await uow.session.get(OutboxMessage, outbox_id)
            assert row is not None
            row.state, row.lease_owner = DeliveryState.SENDING, "sender-a"
            await uow.commit()
        await do_record_outcome(
            self.uow(), outbox_id, Blocked(), owner="sender-a", now=self.clock(), max_attempts=8,
            jitter=0.0,
        )  # fmt: skip

    async def events(self, concern_id: int) -> list[str]:
        """The chronology's kinds, oldest first."""
        async with self.uow() as uow:
            return [event.kind for event in await uow.concerns.chronology(concern_id)]


@pytest.fixture
async def hub(uow: UnitOfWorkFactory, clock: ManualClock) -> Hub:
    """The North Yorkshire council with Harrogate and Scarborough hubs; Sam linked to Jo."""
    clock.now = TUESDAY_MORNING
    ids = {}
    for telegram_id, name, role, hub_name in STAFF:
        new = NewStaff(telegram_id, name, role, hub_name, "North Yorkshire", create=True)
        await do_add_staff(uow(), new, now=clock())
    async with uow() as work:
        for staff in await work.session.scalars(select(Staff)):
            ids[staff.telegram_user_id] = staff.id
    invite = await do_create_invite(uow(), worker_telegram_id=JO, first_name="Sam", now=clock())
    await do_redeem_invite(uow(), telegram_user_id=SAM, code=invite.code, now=clock())
    return Hub(uow, clock, ids)
