"""The staff console's sign-in, end to end: Jo sends `/console` to the real bot (polling the
fake Telegram), reads the link in the message Telegram recorded (sent with previews off),
and it signs Jo in to the console; `/console off` signs Jo out; nobody else gets a link."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from bot.adapters.db.models import ConsoleLink
from bot.adapters.web.app import ConsoleSettings, console_app
from bot.config import Settings
from bot.devtools.fake_telegram import FakeTelegram, FakeUser
from bot.entrypoints.console import govuk_folder
from tests.e2e.conftest import JO, SAM, STRANGER, Running
from tests.e2e.processes import waypoint_command, waypoint_env, waypoint_output

# A flow through Telegram, run on the demo's database (SQLite): its storage is tested on
# both databases in tests/integration, and CI stays under 20 minutes.
pytestmark = [pytest.mark.e2e, pytest.mark.database("sqlite")]

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


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answers(url: str, *, timeout: float = 60) -> None:
    """Wait until the server started in another process answers at `url`."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.2)  # waiting for another process to start: real time, not the clock


def _stop(process: subprocess.Popen[bytes]) -> int:
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=60)
    finally:
        process.kill()


def test_run_serves_the_console_beside_polling(
    database_url: str, fake_telegram: FakeTelegram, tmp_path: Path
) -> None:
    port = _free_port()
    console = f"http://127.0.0.1:{port}"
    env = waypoint_env(
        telegram_token=FakeTelegram.token_for_tests(),
        telegram_api_url=fake_telegram.url,
        database_url=database_url,
        console_listen=f"127.0.0.1:{port}",
        console_url=console,
    )
    waypoint_output(
        env, tmp_path, "staff", "add", "--telegram-id", str(JO.id), "--name", "Jo",
        "--role", "key_worker", "--hub", "Harrogate", "--council", "North Yorkshire",
        "--create-hub",
    )  # fmt: skip
    log_path = tmp_path / "run.log"
    with log_path.open("w") as log:
        bot = subprocess.Popen(
            [*waypoint_command(), "run"], env=env, cwd=tmp_path, stdout=log, stderr=log
        )
        try:
            _answers(f"{console}/signed-out")
            fake_telegram.send_text(JO, "/console")
            [sent] = fake_telegram.wait_for_messages(JO.id, 1, timeout=60)
            found = re.search(re.escape(console) + r"(/login/[A-Za-z0-9_-]{43})", sent.text or "")
            assert found is not None, sent.text
            with httpx.Client(base_url=console) as browser:
                assert browser.post(found.group(1)).status_code == 303
                assert browser.get("/caseload").status_code == 200
        finally:
            returncode = _stop(bot)
    output = log_path.read_text()
    assert returncode == 0, output
    assert "Traceback" not in output
    assert found.group(1) not in output  # the link is never logged


def test_run_still_serves_telegram_when_the_console_cannot_listen(
    database_url: str, fake_telegram: FakeTelegram, tmp_path: Path
) -> None:
    # Alerts and the concern ladder must not wait on a web page: a console whose address is
    # taken is off, in one logged line, and the bot runs.
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = waypoint_env(
            telegram_token=FakeTelegram.token_for_tests(),
            telegram_api_url=fake_telegram.url,
            database_url=database_url,
            console_listen=f"127.0.0.1:{port}",
            console_url=f"http://127.0.0.1:{port}",
        )
        waypoint_output(
            env, tmp_path, "staff", "add", "--telegram-id", str(JO.id), "--name", "Jo",
            "--role", "key_worker", "--hub", "Harrogate", "--council", "North Yorkshire",
            "--create-hub",
        )  # fmt: skip
        log_path = tmp_path / "run.log"
        with log_path.open("w") as log:
            bot = subprocess.Popen(
                [*waypoint_command(), "run"], env=env, cwd=tmp_path, stdout=log, stderr=log
            )
            try:
                fake_telegram.send_text(JO, "/help")
                assert fake_telegram.wait_for_messages(JO.id, 1, timeout=60)
            finally:
                returncode = _stop(bot)
    output = log_path.read_text()
    assert returncode == 0, output
    assert "the staff console is off: cannot listen on" in output
    assert "Traceback" not in output


def test_web_serves_only_the_console(migrated_url: str, tmp_path: Path) -> None:
    port = _free_port()
    env = waypoint_env(database_url=migrated_url, console_listen=f"127.0.0.1:{port}")
    log_path = tmp_path / "web.log"
    with log_path.open("w") as log:
        web = subprocess.Popen(
            [*waypoint_command(), "web"], env=env, cwd=tmp_path, stdout=log, stderr=log
        )
        try:
            _answers(f"http://127.0.0.1:{port}/signed-out")
            css = httpx.get(f"http://127.0.0.1:{port}/assets/govuk/govuk-frontend.min.css")
            assert css.status_code == 200
        finally:
            returncode = _stop(web)
    output = log_path.read_text()
    assert returncode == 0, output
    assert "Traceback" not in output
