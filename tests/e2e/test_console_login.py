"""The staff console's sign-in, end to end: Jo sends `/console` to the real bot (polling the
fake Telegram), reads the link in the message Telegram recorded (sent with previews off),
and it signs Jo in to the console; `/console off` signs Jo out; nobody else gets a link."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import func, select

from bot.adapters.db.models import ConsoleLink
from bot.adapters.web.app import ConsoleSettings, console_app
from bot.config import Settings
from bot.devtools.fake_telegram import FakeUser
from bot.entrypoints.console import govuk_folder
from tests.e2e.conftest import JO, SAM, STRANGER, Running

pytestmark = pytest.mark.e2e

# The default WAYPOINT_CONSOLE_URL, which bootstrap gave the bot.
CONSOLE = Settings.model_fields["console_url"].default
LOGIN = re.compile(re.escape(CONSOLE) + r"(/login/[A-Za-z0-9_-]{43})")


@pytest.fixture
async def browser(running: Running) -> AsyncIterator[httpx.AsyncClient]:
    """A browser on the console, on the bot's own database and clock."""
    app = console_app(running.uow, running.clock, ConsoleSettings(CONSOLE, govuk_folder()))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=CONSOLE) as client:
        yield client


async def _links(running: Running) -> int:
    async with running.uow() as work:
        return int(await work.session.scalar(select(func.count(ConsoleLink.id))) or 0)


async def test_console_sends_a_link_that_signs_the_member_of_staff_in(
    running: Running, browser: httpx.AsyncClient
) -> None:
    await running.join_sam()
    [reply] = await running.say(JO, "/console")
    found = LOGIN.search(reply)
    assert found is not None, reply
    sent = running.fake.sent_messages(JO.id)[-1]
    assert sent.link_preview_disabled
    link = found.group(1)
    assert (await browser.get(link)).status_code == 200
    assert (await browser.post(link)).status_code == 303
    caseload = await browser.get("/caseload")
    assert caseload.status_code == 200
    assert ">Sam<" in caseload.text
    [off] = await running.say(JO, "/console off")
    assert off == running.staff_text("console_signed_out")
    assert (await browser.get("/caseload")).status_code == 303


@pytest.mark.parametrize("user", [SAM, STRANGER])
async def test_nobody_but_staff_is_sent_a_link(running: Running, user: FakeUser) -> None:
    await running.join_sam()
    [reply] = await running.say(user, "/console")
    assert "/login/" not in reply
    assert await _links(running) == 0
