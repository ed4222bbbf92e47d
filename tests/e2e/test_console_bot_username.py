"""`waypoint run` serves the staff console knowing the bot's username from Telegram (getMe),
so a manager can make an invite link there with no WAYPOINT_BOT_USERNAME set: the real bot
polling the fake Telegram, its console on its own port, a browser (httpx) signing in."""

from __future__ import annotations

import re
import socket

import httpx
import pytest

from bot.config import load_settings
from bot.devtools.fake_telegram import FakeTelegram, FakeUser
from bot.domain.people import Role
from bot.entrypoints.bootstrap import bootstrap
from bot.entrypoints.console import console_settings
from bot.entrypoints.serve import Console, serving
from bot.services.staff import NewStaff, do_add_staff
from tests.e2e.conftest import FAST, QUICK_RETRIES

# A flow through Telegram, run on the demo's database (SQLite): its storage is tested on
# both databases in tests/integration, and CI stays under 20 minutes.
pytestmark = pytest.mark.database("sqlite")

MAX = 1201
LOGIN = re.compile(r"(/login/[A-Za-z0-9_-]+)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_the_console_under_run_makes_invite_links_with_the_bots_own_username(
    migrated_url: str, fake_telegram: FakeTelegram
) -> None:
    token = FakeTelegram.token_for_tests()
    port = _free_port()
    root = f"http://127.0.0.1:{port}"
    settings = load_settings(
        database_url=migrated_url, telegram_token=token, allow_draft_content=True, console_url=root
    )
    assert settings.bot_username is None
    running = bootstrap(settings, api_url=fake_telegram.url, sending=FAST)
    uow, clock = running.waypoint.uow, running.waypoint.clock
    new = NewStaff(MAX, "Max", Role.MANAGER, "Harrogate", "North Yorkshire", create=True)
    await do_add_staff(uow(), new, now=clock())
    jo = NewStaff(1001, "Jo", Role.KEY_WORKER, "Harrogate", "North Yorkshire")
    jo_id = (await do_add_staff(uow(), jo, now=clock())).staff_id
    console = Console(console_settings(settings), "127.0.0.1", port)
    async with (
        serving(
            running, token=token, api_url=fake_telegram.url, poll_timeout=1,
            dispatch=QUICK_RETRIES, console=console,
        ),
        httpx.AsyncClient(base_url=root) as browser,
    ):  # fmt: skip
        fake_telegram.send_text(FakeUser(id=MAX, first_name="Max"), "/console")
        [sent] = await fake_telegram.await_messages(MAX, 1, timeout=10)
        found = LOGIN.search(sent.text or "")
        assert found is not None
        assert (await browser.post(found.group(1))).status_code == 303
        form = await browser.get("/admin/invites/new")
        assert form.status_code == 200
        assert 'id="bot-unknown"' not in form.text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert csrf is not None
        made = await browser.post(
            "/admin/invites/new",
            data={"csrf_token": csrf.group(1), "first_name": "Tia", "worker": str(jo_id)},
        )
        assert made.status_code == 200
        assert 'href="https://t.me/waypoint_demo_bot?start=' in made.text
