"""Waypoint as the browser tests meet it: the real bot polling the fake Telegram, and the
real staff console on a port reserved first (its address goes into sign-in links), both on a
migrated SQLite database, running in a LoopThread while the test drives Chromium."""

from __future__ import annotations

import contextlib
import re
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass

from bot.adapters.web.app import console_app
from bot.config import load_settings
from bot.devtools.fake_telegram import FakeTelegram, FakeUser
from bot.domain.people import Role
from bot.entrypoints.bootstrap import Running, bootstrap
from bot.entrypoints.console import console_settings
from bot.entrypoints.serve import serving
from bot.services.staff import NewStaff, do_add_staff
from tests.browser.harness import serving_asgi, url_of
from tests.e2e.conftest import FAST, JO, LINK, QUICK_RETRIES

CONSOLE_LINK = re.compile(r"http://127\.0\.0\.1:\d+/login/[A-Za-z0-9_-]+")


@dataclass(frozen=True)
class ConsoleWorld:
    """The console's root URL and the fake Telegram its staff and young people use."""

    url: str
    fake: FakeTelegram

    def say(self, user: FakeUser, text: str, *, replies: int = 1) -> list[str]:
        """Send `text` as `user`; return the texts of the bot's next `replies` messages to them."""
        before = len(self.fake.sent_messages(user.id))
        self.fake.send_text(user, text)
        sent = self.fake.wait_for_messages(user.id, before + replies, timeout=10)
        return [message.text or "" for message in sent[before:]]

    def console_link(self, staff: FakeUser) -> str:
        """Send `/console` as this member of staff; return the sign-in link the bot sends."""
        [reply] = self.say(staff, "/console")
        found = CONSOLE_LINK.search(reply)
        assert found, reply
        assert found.group(0).startswith(self.url + "/login/"), (found.group(0), self.url)
        return found.group(0)

    def join(self, worker: FakeUser, young_person: FakeUser, name: str) -> None:
        """The worker invites `name`; the young person opens the link; the worker is told."""
        before = len(self.fake.sent_messages(worker.id))
        [reply] = self.say(worker, f"/invite {name}")
        found = LINK.search(reply)
        assert found, reply
        self.fake.send_text(young_person, f"/start {found.group(1)}")
        self.fake.wait_for_messages(worker.id, before + 2, timeout=10)


@contextlib.asynccontextmanager
async def running_console(
    database_url: str,
    fake: FakeTelegram,
    listening: socket.socket,
    *,
    staff: Sequence[NewStaff] = (),
    allow_drafts: bool = True,
    prepare: Callable[[Running], Awaitable[None]] | None = None,
) -> AsyncIterator[str]:
    """Waypoint with Jo (a key worker at Harrogate) and any other `staff`, polling `fake`, and
    its console served on `listening`; yields the console's root URL. Draft wording is
    allowed unless `allow_drafts` is False; `prepare` runs once the staff are added, before
    anything is served. Everything stops when left."""
    token = FakeTelegram.token_for_tests()
    settings = load_settings(
        database_url=database_url,
        telegram_token=token,
        allow_draft_content=allow_drafts,
        console_url=url_of(listening),
    )
    running = bootstrap(settings, api_url=fake.url, sending=FAST)
    jo = NewStaff(JO.id, "Jo", Role.KEY_WORKER, "Harrogate", "North Yorkshire", create=True)
    for new in (jo, *staff):
        await do_add_staff(running.waypoint.uow(), new, now=running.waypoint.clock())
    if prepare is not None:
        await prepare(running)
    # The same app `waypoint web` serves, on the socket whose address the links carry.
    app = console_app(running.waypoint.uow, running.waypoint.clock, console_settings(settings))
    async with (
        serving(running, token=token, api_url=fake.url, poll_timeout=1, dispatch=QUICK_RETRIES),
        serving_asgi(app, listening=listening) as url,
    ):
        yield url
