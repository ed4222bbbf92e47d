"""`waypoint run` takes up a phrase a safeguarding lead approved from another process (the
console's instance) at its next refresh tick, with no restart: the same words from Sam were
nothing before and reach Jo as an alert after."""

from __future__ import annotations

import asyncio
import re
import signal
import subprocess
from pathlib import Path
from typing import IO

import pytest

from bot.adapters.db.engine import create_engine, session_factory
from bot.adapters.db.uow import PostOffice, UnitOfWorkFactory
from bot.clock import system_clock
from bot.devtools.fake_telegram import FakeTelegram, FakeUser
from bot.domain.actors import KnownStaff
from bot.entrypoints.ticks import WORDINGS_EVERY
from bot.services.identity import writer_of
from bot.services.safety_words import ProposePhrase, do_approve_safety_word, do_propose_phrase
from tests.e2e.conftest import JO, SAM
from tests.e2e.processes import waypoint_command, waypoint_env, waypoint_output

# A command an operator runs against production, so on PostgreSQL: its storage is tested on
# both databases in tests/integration, and CI stays under 20 minutes.
pytestmark = [pytest.mark.e2e, pytest.mark.database("postgres")]
LINK = re.compile(r"https://t\.me/waypoint_demo_bot\?start=([A-Za-z0-9_-]+)")
LIN = 1301
WORDS = "doing a blorp run later"


def _add(env: dict[str, str], cwd: Path, telegram_id: int, name: str, role: str) -> None:
    args = ["--telegram-id", str(telegram_id), "--name", name, "--role", role]
    where = ["--hub", "Harrogate", "--council", "North Yorkshire"]
    extra = ["--create-hub"] if role == "key_worker" else []
    waypoint_output(env, cwd, "staff", "add", *args, *where, *extra)


def _start(env: dict[str, str], cwd: Path, log: IO[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*waypoint_command(), "run"], env=env, cwd=cwd, stdout=log, stderr=log, text=True
    )


async def _alerted(fake: FakeTelegram, user: FakeUser, before: int, *, seconds: int = 20) -> bool:
    """Whether an alert (a message with "I've got this") reaches `user` within `seconds`."""
    for _ in range(seconds * 10):
        for message in fake.sent_messages(user.id)[before:]:
            rows = (message.reply_markup or {}).get("inline_keyboard", [])
            if any(str(row[0]["callback_data"]).startswith("a|") for row in rows):
                return True
        await asyncio.sleep(0.1)
    return False


async def test_a_running_instance_hears_a_phrase_approved_elsewhere_after_its_tick(
    database_url: str, fake_telegram: FakeTelegram, tmp_path: Path
) -> None:
    env = waypoint_env(
        telegram_token=FakeTelegram.token_for_tests(),
        telegram_api_url=fake_telegram.url,
        database_url=database_url,
        allow_draft_content="true",
    )
    await asyncio.to_thread(_add, env, tmp_path, JO.id, "Jo", "key_worker")
    await asyncio.to_thread(_add, env, tmp_path, LIN, "Lin", "safeguarding_lead")
    log = (tmp_path / "run.log").open("w")
    bot = _start(env, tmp_path, log)
    engine = create_engine(database_url)
    # The safeguarding lead's instance (as the console would be).
    uow = UnitOfWorkFactory(session_factory(engine), PostOffice())
    try:
        fake_telegram.send_text(JO, "/invite Sam")
        [invite] = await fake_telegram.await_messages(JO.id, 1, timeout=60)
        match = LINK.search(invite.text or "")
        assert match, invite.text
        fake_telegram.send_text(SAM, f"/start {match.group(1)}")
        await fake_telegram.await_messages(JO.id, 2, timeout=30)
        jo_before = len(fake_telegram.sent_messages(JO.id))
        said_before = len(fake_telegram.sent_messages(SAM.id))
        fake_telegram.send_text(SAM, WORDS)
        await fake_telegram.await_messages(SAM.id, said_before + 1, timeout=30)
        # Sam has had their answer: an alert would have been queued before it.
        assert not await _alerted(fake_telegram, JO, jo_before, seconds=2)

        lin = await writer_of(uow(), LIN)
        assert isinstance(lin, KnownStaff)
        phrase = ProposePhrase("criminal_exploitation", "phrases", "blorp run")
        proposed = await do_propose_phrase(uow(), lin, phrase, now=system_clock())
        await do_approve_safety_word(uow(), lin, proposed.word_id, now=system_clock())
        await asyncio.sleep(2 * WORDINGS_EVERY.total_seconds())
        jo_before = len(fake_telegram.sent_messages(JO.id))
        fake_telegram.send_text(SAM, WORDS)
        assert await _alerted(fake_telegram, JO, jo_before)
    finally:
        await engine.dispose()
        bot.send_signal(signal.SIGTERM)
        try:
            returncode = bot.wait(timeout=60)
        finally:
            bot.kill()
            log.close()
    output = (tmp_path / "run.log").read_text()
    assert returncode == 0, output
    assert "Traceback" not in output
