"""`waypoint run` killed with SIGKILL just after a concern was stored: when it starts again,
the worker gets the young person's words. Where the kill lands (before or after the alert was
queued) differs from run to run; either way the alert must arrive."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.adapters.db.engine import create_engine, session_factory
from bot.adapters.db.migrate import upgrade_async
from bot.adapters.db.models import Concern
from bot.adapters.db.uow import PostOffice, UnitOfWorkFactory
from bot.clock import system_clock
from bot.content.catalogue import Catalogue
from bot.content.render import render
from bot.devtools.fake_telegram import FakeTelegram, FakeUser
from bot.domain.people import Role
from bot.domain.profiles import CommunicationProfile
from bot.services.invites import do_create_invite, do_redeem_invite
from bot.services.staff import NewStaff, do_add_staff
from tests.e2e.processes import waypoint_command, waypoint_env

pytestmark = pytest.mark.e2e
JO = FakeUser(id=1001, first_name="Jo")
SAM = FakeUser(id=2001, first_name="Sam")
WORDS = "i am going to kill myself tonight"


async def _hub(database_url: str) -> None:
    """Jo, and Sam linked to Jo, with nothing left to send."""
    await upgrade_async(database_url)
    engine = create_engine(database_url)
    uow = UnitOfWorkFactory(session_factory(engine), PostOffice(Catalogue.load(allow_drafts=True)))
    now = system_clock()
    try:
        await do_add_staff(
            uow(),
            NewStaff(JO.id, "Jo", Role.KEY_WORKER, "Harrogate", "North Yorkshire", create=True),
            now=now,
        )
        invite = await do_create_invite(uow(), worker_telegram_id=JO.id, first_name="Sam", now=now)
        await do_redeem_invite(uow(), telegram_user_id=SAM.id, code=invite.code, now=now)
    finally:
        await engine.dispose()


async def _concerns(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            return int(await connection.scalar(select(func.count()).select_from(Concern)) or 0)
    finally:
        await engine.dispose()


async def _arrives(fake: FakeTelegram, user: FakeUser, words: str, seconds: float = 90) -> bool:
    for _ in range(int(seconds * 10)):
        if any(words in (m.text or "") for m in fake.sent_messages(user.id)):
            return True
        await asyncio.sleep(0.1)
    return False


def _start(env: dict[str, str], cwd: Path, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [*waypoint_command(), "run"], env=env, cwd=cwd, stdout=out, stderr=out
        )


async def test_a_concern_stored_before_a_kill_reaches_the_worker_after_restart(
    database_url: str, tmp_path: Path
) -> None:
    await _hub(database_url)
    log = tmp_path / "run.log"
    with FakeTelegram() as fake:
        env = waypoint_env(
            telegram_token=FakeTelegram.token_for_tests(), telegram_api_url=fake.url,
            database_url=database_url,
        )  # fmt: skip
        # Telegram is refusing every message, so nothing can leave before the kill.
        fake.fail_next("sendMessage", "server_error", times=10_000)
        first = _start(env, tmp_path, log)
        try:
            fake.wait_until_polling(timeout=60)
            fake.send_text(SAM, WORDS)
            for _ in range(600):
                if await _concerns(database_url):
                    break
                await asyncio.sleep(0.05)
            else:
                pytest.fail("the concern was never stored:\n" + log.read_text())
        finally:
            os.kill(first.pid, signal.SIGKILL)
            first.wait(timeout=30)
        assert not any(WORDS in (m.text or "") for m in fake.sent_messages(JO.id))

        fake.clear_faults()
        second = _start(env, tmp_path, log)
        try:
            assert await _arrives(fake, JO, WORDS), log.read_text()
            [*_, told] = render(
                Catalogue.load(allow_drafts=True), "concern_raised", {"worker": "Jo"},
                CommunicationProfile(),
            ).chunks  # fmt: skip
            assert await _arrives(fake, SAM, told), log.read_text()
        finally:
            second.send_signal(signal.SIGTERM)
            assert second.wait(timeout=60) == 0, log.read_text()
    assert await _concerns(database_url) == 1
