"""Several senders on one PostgreSQL database deliver every message exactly once."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.adapters.db.engine import create_engine, session_factory
from bot.adapters.db.models import OutboxMessage
from bot.adapters.db.uow import PostOffice, UnitOfWorkFactory
from bot.adapters.outbox.sender import Sender, SenderSettings
from bot.adapters.outbox.transport import TelegramTransport
from bot.clock import system_clock
from bot.content.catalogue import Catalogue
from bot.devtools.fake_telegram import FakeTelegram, SentMessage
from bot.domain.outbox import DeliveryState, Lane, Outcome, Pace
from bot.domain.people import Role
from bot.services.staff import NewStaff, do_add_staff

pytestmark = pytest.mark.postgres

CHATS = 400
TO_ONE_CHAT = 20
# Far faster than Telegram allows: this test is about claiming, not pacing.
QUICK = SenderSettings(
    pace=Pace(overall_per_second=2000, private_chat_gap=timedelta(milliseconds=5)),
    horizon=timedelta(milliseconds=20),
    batch=20,
    poll=timedelta(milliseconds=20),
)


class CountingTransport(TelegramTransport):
    """Counts what this one instance sent."""

    sent = 0

    async def send(
        self,
        chat_id: int,
        text: str,
        reply_markup: dict[str, Any] | None,
        *,
        silent: bool = False,
    ) -> Outcome:
        self.sent += 1
        return await super().send(chat_id, text, reply_markup)


async def _queue(uow: UnitOfWorkFactory) -> int:
    new = NewStaff(1001, "Jo", Role.KEY_WORKER, "Hub", "Council", create=True)
    await do_add_staff(uow(), new, now=system_clock())
    async with uow() as work:
        jo = await work.staff.by_telegram_id(1001)
        assert jo is not None
        for n in range(CHATS + TO_ONE_CHAT):
            [row] = work.postbox.to_staff(
                jo,
                "talk_reply_sent",
                {"name": f"message {n}"},
                now=system_clock(),
                lane=Lane.REMINDER,
            )
            row.chat_id = 50_000 + n if n < CHATS else 49_999
        await work.commit()
    return CHATS + TO_ONE_CHAT


async def test_four_senders_deliver_every_message_exactly_once(
    postgres_url: str, fake_telegram: FakeTelegram
) -> None:
    engines = [create_engine(postgres_url) for _ in range(4)]
    factories = [
        UnitOfWorkFactory(session_factory(e), PostOffice(Catalogue.load(allow_drafts=True)))
        for e in engines
    ]
    total = await _queue(factories[0])
    everything = threading.Event()

    def count(_: SentMessage) -> None:
        if len(fake_telegram.delivered_texts()) >= total:
            everything.set()

    fake_telegram.on_bot_message = count
    token = FakeTelegram.token_for_tests()
    transports = [CountingTransport(token, fake_telegram.url) for _ in engines]
    senders = [
        Sender(factory, transport, settings=QUICK, owner=f"instance-{n}")
        for n, (factory, transport) in enumerate(zip(factories, transports, strict=True))
    ]
    try:
        for transport in transports:
            await transport.start()
        tasks = [asyncio.create_task(sender.run()) for sender in senders]
        assert await asyncio.to_thread(everything.wait, 60), "not everything was delivered"
        for sender in senders:
            sender.stop()
        await asyncio.gather(*tasks)
        async with factories[0]() as work:
            states = Counter(await work.session.scalars(select(OutboxMessage.state)))
    finally:
        for transport in transports:
            await transport.stop()
        for engine in engines:
            await engine.dispose()
    delivered = Counter(fake_telegram.delivered_texts())
    shares = [transport.sent for transport in transports]
    print(f"{total} messages; sendMessage calls per instance {shares}; {len(delivered)} delivered")
    assert len(delivered) == total
    assert max(delivered.values()) == 1
    assert sum(shares) == total
    assert sum(1 for share in shares if share) >= 2, "the senders did not actually run together"
    assert states == {DeliveryState.SENT.value: total}
