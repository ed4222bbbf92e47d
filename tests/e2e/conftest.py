"""The real bot, polling the fake Telegram server over HTTP, on a real database."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.adapters.db.models import Concern, OutboxMessage, Staff, YoungPerson
from bot.adapters.db.uow import UnitOfWorkFactory
from bot.adapters.outbox.sender import SenderSettings
from bot.adapters.telegram.application import WaypointApplication
from bot.adapters.telegram.dispatcher import DispatchSettings
from bot.clock import Clock, ManualClock, system_clock
from bot.config import load_settings
from bot.content.catalogue import Catalogue
from bot.content.helplines import helpline_values
from bot.content.render import render
from bot.devtools.fake_telegram import FakeTelegram, FakeUser
from bot.devtools.fake_telegram_models import SentMessage
from bot.domain.outbox import DeliveryState, Pace
from bot.domain.people import Role
from bot.domain.profiles import CommunicationProfile, Level
from bot.entrypoints.bootstrap import bootstrap
from bot.entrypoints.serve import Serving, serving
from bot.services.staff import NewStaff, do_add_staff

JO = FakeUser(id=1001, first_name="Jo")
SAM = FakeUser(id=2001, first_name="Sam", username="sam_canary")
STRANGER = FakeUser(id=3001, first_name="Pat")
LINK = re.compile(r"https://t\.me/waypoint_demo_bot\?start=([A-Za-z0-9_-]+)")


@dataclass
class Running:
    """A running bot and what a test needs to talk to it."""

    app: WaypointApplication
    fake: FakeTelegram
    uow: UnitOfWorkFactory
    clock: ManualClock
    catalogue: Catalogue
    serving: Serving

    async def say(self, user: FakeUser, text: str, *, replies: int = 1) -> list[str]:
        """Send `text` as `user`; return the texts of the bot's next `replies` messages to them."""
        before = len(self.fake.sent_messages(user.id))
        self.fake.send_text(user, text)
        sent = await self.fake.await_messages(user.id, before + replies, timeout=10)
        return [message.text or "" for message in sent[before:]]

    def words(
        self, message_id: str, *, profile: CommunicationProfile | None = None, **values: str
    ) -> list[str]:
        """The chunks a young person with `profile` gets for this message (helplines filled in)."""
        filled = {**helpline_values(), **values}
        rendered = render(self.catalogue, message_id, filled, profile or CommunicationProfile())
        return list(rendered.chunks)

    def parts(
        self, *message_ids: str, profile: CommunicationProfile | None = None, **values: str
    ) -> int:
        """How many Telegram messages these make for a young person: however many sentences
        the therapists' wording has, one per chunk."""
        return sum(len(self.words(m, profile=profile, **values)) for m in message_ids)

    def staff_text(self, message_id: str, **values: str) -> str:
        """A staff message or label as staff read it: the standard text, filled in."""
        return self.catalogue.render(message_id, values, level=Level.STANDARD)

    def count(self, user: FakeUser) -> int:
        """How many messages the bot has sent this user so far."""
        return len(self.fake.sent_messages(user.id))

    async def concerns(self) -> list[Concern]:
        """Every concern stored, oldest first."""
        async with self.uow() as work:
            found = list(await work.session.scalars(select(Concern).order_by(Concern.id)))
            work.session.expunge_all()
            return found

    async def young_person(self, user: FakeUser) -> YoungPerson:
        """The young person linked to this Telegram user."""
        async with self.uow() as work:
            found = await work.session.scalar(
                select(YoungPerson).where(YoungPerson.telegram_user_id == user.id)
            )
            assert found is not None
            work.session.expunge_all()
            return found

    async def join_sam(self) -> None:
        """Jo invites Sam, Sam opens the link and reads the welcome, and Jo is told."""
        [reply] = await self.say(JO, "/invite Sam")
        match = LINK.search(reply)
        assert match, reply
        welcome = self.words("welcome", name="Sam", worker="Jo")
        await self.hear(SAM, f"/start {match.group(1)}", welcome)
        await self.fake.await_messages(JO.id, 2)

    async def hear(self, user: FakeUser, text: str, expected: list[str]) -> list[str]:
        """Send `text` as `user`; the bot's next messages to them must be exactly `expected`."""
        heard = await self.say(user, text, replies=len(expected))
        assert heard == expected
        return heard


# Telegram's 1 s between messages to one chat would make every exchange here slow; pacing
# itself is tested in tests/integration/test_outbox_*.py and measured in bench/.
FAST = SenderSettings(
    pace=Pace(overall_per_second=29, private_chat_gap=timedelta(milliseconds=20))
)
# A failing handler is tried again within a second or so, not over half a minute.
QUICK_RETRIES = DispatchSettings(
    recover_every=timedelta(milliseconds=50), first_retry=timedelta(milliseconds=50)
)


@pytest.fixture
def sender_clock() -> Clock:
    """The sender's clock: real time (its pacing needs time that moves); a test that moves
    the ManualClock to send time-bound messages (reminders) gives it one that follows."""
    return system_clock


@pytest.fixture
async def running(
    migrated_url: str, fake_telegram: FakeTelegram, clock: ManualClock, sender_clock: Clock
) -> AsyncIterator[Running]:
    """Waypoint with Jo, a key worker, already added; stopped cleanly after the test."""
    token = FakeTelegram.token_for_tests()
    settings = load_settings(
        database_url=migrated_url, telegram_token=token, allow_draft_content=True
    )
    wp = bootstrap(
        settings, clock=clock, api_url=fake_telegram.url, sending=FAST, sender_clock=sender_clock
    )
    new = NewStaff(JO.id, "Jo", Role.KEY_WORKER, "Harrogate", "North Yorkshire", create=True)
    await do_add_staff(wp.waypoint.uow(), new, now=clock())
    async with serving(
        wp, token=token, api_url=fake_telegram.url, poll_timeout=1, dispatch=QUICK_RETRIES
    ) as served:
        yield Running(
            served.application, fake_telegram, wp.waypoint.uow, clock, wp.waypoint.catalogue,
            served,
        )  # fmt: skip


def as_preview(sent: list[SentMessage]) -> str:
    """What the bot sent, laid out as `waypoint content preview` prints a message."""
    messages = [m for m in sent if not m.edited]
    parts = [f"--- message {n} ---\n{m.text}" for n, m in enumerate(messages, 1)]
    markup = messages[-1].reply_markup if messages else None
    # The "I'm worried" keyboard under the message box is not part of any one message.
    if markup is not None and "inline_keyboard" in markup:
        labels = [f"[{row[0]['text']}]" for row in markup["inline_keyboard"]]
        parts.append("--- buttons ---\n" + "\n".join(labels))
    return "\n".join(parts)


__all__ = ["JO", "SAM", "STRANGER", "Running", "Staff", "as_preview"]


async def settled(running: Running, user: FakeUser) -> None:
    """Wait until the sender has recorded every message it claimed for `user` as sent: a
    message Telegram has but still "sending" in the outbox looks abandoned once the test moves
    the clock on, and is sent again (at least once), which would shift every later count."""
    query = select(OutboxMessage.id).where(
        OutboxMessage.chat_id == user.id, OutboxMessage.state == DeliveryState.SENDING.value
    )
    for _ in range(500):
        async with running.uow() as work:
            if await work.session.scalar(query.limit(1)) is None:
                return
        await asyncio.sleep(0.02)
    raise AssertionError(f"a message to {user.first_name} stayed 'sending' for 10 s")
