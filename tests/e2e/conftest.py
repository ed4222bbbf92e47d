"""The real bot, polling the fake Telegram server over HTTP, on a real database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest

from bot.adapters.db.engine import create_engine, session_factory
from bot.adapters.db.models import Staff
from bot.adapters.db.uow import UnitOfWorkFactory
from bot.adapters.telegram.application import (
    ALLOWED_UPDATES,
    WaypointApplication,
    build_application,
)
from bot.adapters.telegram.context import Waypoint
from bot.clock import ManualClock
from bot.content.catalogue import Catalogue
from bot.devtools.fake_telegram import FakeTelegram, FakeUser
from bot.domain.people import Role
from bot.services.staff import NewStaff, do_add_staff

JO = FakeUser(id=1001, first_name="Jo")
SAM = FakeUser(id=2001, first_name="Sam", username="sam_canary")
STRANGER = FakeUser(id=3001, first_name="Pat")


@dataclass
class Running:
    """A running bot and what a test needs to talk to it."""

    app: WaypointApplication
    fake: FakeTelegram
    uow: UnitOfWorkFactory
    clock: ManualClock
    catalogue: Catalogue

    async def say(self, user: FakeUser, text: str, *, replies: int = 1) -> list[str]:
        """Send `text` as `user`; return the texts of the bot's next `replies` messages to them."""
        before = len(self.fake.sent_messages(user.id))
        self.fake.send_text(user, text)
        sent = await self.fake.await_messages(user.id, before + replies, timeout=10)
        return [message.text or "" for message in sent[before:]]


@pytest.fixture
async def running(
    migrated_url: str, fake_telegram: FakeTelegram, clock: ManualClock
) -> AsyncIterator[Running]:
    """Waypoint with Jo, a key worker, already added; stopped cleanly after the test."""
    engine = create_engine(migrated_url)
    uow = UnitOfWorkFactory(session_factory(engine))
    catalogue = Catalogue.load()
    await do_add_staff(
        uow(), NewStaff(JO.id, "Jo", Role.KEY_WORKER, "Harrogate", "North Yorkshire"), now=clock()
    )
    waypoint = Waypoint(uow=uow, catalogue=catalogue, clock=clock, zone=ZoneInfo("Europe/London"))
    app = build_application(
        waypoint, token=FakeTelegram.token_for_tests(), api_url=fake_telegram.url
    )
    try:
        async with app:
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(
                poll_interval=0, timeout=1, allowed_updates=ALLOWED_UPDATES
            )
            yield Running(app, fake_telegram, uow, clock, catalogue)
            await app.updater.stop()
            await app.stop()
    finally:
        await engine.dispose()


__all__ = ["JO", "SAM", "STRANGER", "Running", "Staff"]
