"""A hub with staff and a young person, a fake Telegram, and senders on a controllable clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.adapters.db.models import OutboxMessage, Staff, YoungPerson
from bot.adapters.db.uow import UnitOfWorkFactory
from bot.adapters.outbox.sender import Sender, SenderSettings
from bot.adapters.outbox.transport import TelegramTransport
from bot.clock import ManualClock
from bot.devtools.fake_telegram import FakeTelegram
from bot.domain.outbox import Lane
from bot.domain.people import Role
from bot.services.invites import do_create_invite, do_redeem_invite
from bot.services.staff import NewStaff, do_add_staff

JO, DEE, MAX, SAM = 1001, 1101, 1201, 2001


@dataclass
class World:
    """Everything an outbox test touches."""

    uow: UnitOfWorkFactory
    clock: ManualClock
    fake: FakeTelegram
    transport: TelegramTransport

    def sender(self, owner: str = "sender-a", **settings: object) -> Sender:
        """A sender whose waiting moves the manual clock instead of real time."""

        async def sleep(seconds: float) -> None:
            self.clock.advance(timedelta(seconds=seconds))

        return Sender(
            self.uow,
            self.transport,
            settings=SenderSettings(**settings),  # type: ignore[arg-type]
            clock=self.clock,
            sleep=sleep,
            owner=owner,
            jitter=lambda: 0.0,
        )

    async def drain(self, sender: Sender) -> None:
        """Run rounds until nothing more is due right now."""
        while await sender.try_send_batch():
            pass

    async def queue_to_sam(self, text: str, lane: Lane = Lane.REMINDER) -> int:
        """Queue one message to Sam; returns its outbox id."""
        async with self.uow() as uow:
            sam = await uow.young_people.by_telegram_id(SAM)
            assert sam is not None
            # A two-sentence message, so it goes as one Telegram message.
            [row] = uow.postbox.to_young_person(
                sam, "already_linked", {"worker": text}, now=self.clock(), lane=lane
            )
            await uow.flush()
            await uow.commit()
            return row.id

    async def queue_to_jo(self, text: str, lane: Lane = Lane.SAFETY) -> int:
        """Queue one message to Jo, the key worker; returns its outbox id."""
        async with self.uow() as uow:
            jo = await uow.staff.by_telegram_id(JO)
            sam = await uow.young_people.by_telegram_id(SAM)
            assert jo is not None
            values = {"name": "Sam", "text": text}
            [row] = uow.postbox.to_staff(
                jo, "safety_message_failed", values, now=self.clock(), lane=lane, about=sam
            )
            await uow.flush()
            await uow.commit()
            return row.id

    async def row(self, outbox_id: int) -> OutboxMessage:
        """The outbox row as stored now."""
        async with self.uow() as uow:
            found = await uow.session.get(OutboxMessage, outbox_id)
            assert found is not None
            uow.session.expunge(found)
            return found

    async def sam(self) -> YoungPerson:
        """Sam's record as stored now."""
        async with self.uow() as uow:
            found = await uow.young_people.by_telegram_id(SAM)
            assert found is not None
            uow.session.expunge(found)
            return found

    async def staff(self) -> list[Staff]:
        """Every member of staff."""
        async with self.uow() as uow:
            staff = list(await uow.session.scalars(select(Staff).order_by(Staff.id)))
            uow.session.expunge_all()
            return staff


@pytest.fixture
async def world(
    uow: UnitOfWorkFactory, clock: ManualClock, fake_telegram: FakeTelegram
) -> AsyncIterator[World]:
    """Jo (key worker), Dee (duty) and Max (manager) at one hub, and Sam linked to Jo."""
    for telegram_id, name, role in (
        (JO, "Jo", Role.KEY_WORKER),
        (DEE, "Dee", Role.DUTY),
        (MAX, "Max", Role.MANAGER),
    ):
        await do_add_staff(
            uow(),
            NewStaff(telegram_id, name, role, "Harrogate", "North Yorkshire", create=True),
            now=clock(),
        )
    invite = await do_create_invite(uow(), worker_telegram_id=JO, first_name="Sam", now=clock())
    await do_redeem_invite(uow(), telegram_user_id=SAM, code=invite.code, now=clock())
    transport = TelegramTransport(FakeTelegram.token_for_tests(), fake_telegram.url, timeout=0.3)
    await transport.start()
    world = World(uow, clock, fake_telegram, transport)
    # Deliver the welcome and the worker's notice, so each test starts with an empty outbox.
    setup = world.sender("setup")
    for _ in range(3):  # the welcome comes in parts, a chat gap apart
        await world.drain(setup)
        clock.advance(timedelta(seconds=2))
    try:
        yield world
    finally:
        await transport.stop()
