"""The real bot, polling the fake Telegram server over HTTP, on a real database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import pytest

from bot.adapters.db.models import Staff
from bot.adapters.db.uow import UnitOfWorkFactory
from bot.adapters.outbox.sender import SenderSettings
from bot.adapters.telegram.application import (
    ALLOWED_UPDATES,
    WaypointApplication,
    build_application,
)
from bot.clock import ManualClock
from bot.config import load_settings
from bot.content.catalogue import Catalogue
from bot.devtools.fake_telegram import FakeTelegram, FakeUser
from bot.domain.outbox import Pace
from bot.domain.people import Role
from bot.entrypoints.bootstrap import bootstrap
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


# Telegram's 1 s between messages to one chat would make every exchange here slow; pacing
# itself is tested in tests/integration/test_outbox_*.py and measured in bench/.
FAST = SenderSettings(
    pace=Pace(overall_per_second=29, private_chat_gap=timedelta(milliseconds=20))
)


@pytest.fixture
async def running(
    migrated_url: str, fake_telegram: FakeTelegram, clock: ManualClock
) -> AsyncIterator[Running]:
    """Waypoint with Jo, a key worker, already added; stopped cleanly after the test."""
    token = FakeTelegram.token_for_tests()
    settings = load_settings(database_url=migrated_url, telegram_token=token)
    wp = bootstrap(settings, clock=clock, api_url=fake_telegram.url, sending=FAST)
    new = NewStaff(JO.id, "Jo", Role.KEY_WORKER, "Harrogate", "North Yorkshire")
    await do_add_staff(wp.waypoint.uow(), new, now=clock())
    app = build_application(wp.waypoint, token=token, api_url=fake_telegram.url)
    try:
        async with app:
            await wp.start_sending()
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(
                poll_interval=0, timeout=1, allowed_updates=ALLOWED_UPDATES
            )
            yield Running(app, fake_telegram, wp.waypoint.uow, clock, wp.waypoint.catalogue)
            await app.updater.stop()
            await app.stop()
    finally:
        await wp.close()


__all__ = ["JO", "SAM", "STRANGER", "Running", "Staff"]
