"""A crowd for end-to-end tests: 20 key workers with 10 young people each, the `waypoint run`
process (restarted after a kill), and what the fake Telegram saw."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from bot.adapters.db.engine import create_engine, session_factory
from bot.adapters.db.inbox import PENDING
from bot.adapters.db.migrate import upgrade_async
from bot.adapters.db.models import Concern, InboxUpdate, OutboxMessage
from bot.adapters.db.uow import PostOffice, UnitOfWorkFactory
from bot.clock import system_clock
from bot.content.catalogue import Catalogue
from bot.devtools.fake_telegram import FakeTelegram, FakeUser
from bot.domain.people import Role
from bot.services.invites import do_create_invite, do_redeem_invite
from bot.services.staff import NewStaff, do_add_staff
from tests.e2e.processes import waypoint_command

WORKERS = [FakeUser(id=10_001 + n, first_name=f"Worker{n}") for n in range(20)]
YOUNG_PEOPLE = [FakeUser(id=20_001 + n, first_name=f"Young{n}") for n in range(200)]
WORRY = "i want to kill myself tonight"


async def seed(database_url: str) -> None:
    """Twenty key workers with ten young people each; nothing left to send."""
    await upgrade_async(database_url)
    engine = create_engine(database_url)
    uow = UnitOfWorkFactory(session_factory(engine), PostOffice(Catalogue.load(allow_drafts=True)))
    now = system_clock()
    try:
        for worker in WORKERS:
            new = NewStaff(
                worker.id,
                worker.first_name,
                Role.KEY_WORKER,
                "Harrogate",
                "North Yorkshire",
                create=True,
            )
            await do_add_staff(uow(), new, now=now)
        for n, person in enumerate(YOUNG_PEOPLE):
            worker = WORKERS[n % len(WORKERS)]
            invite = await do_create_invite(
                uow(), worker_telegram_id=worker.id, first_name=person.first_name, now=now
            )
            await do_redeem_invite(uow(), telegram_user_id=person.id, code=invite.code, now=now)
        async with uow() as work:
            await work.session.execute(update(OutboxMessage).values(state="sent", text=""))
            await work.commit()
    finally:
        await engine.dispose()


async def count(database_url: str) -> tuple[int, int]:
    """(concerns, updates still waiting in the inbox)."""
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            concerns = await connection.scalar(select(func.count()).select_from(Concern))
            waiting = await connection.scalar(
                select(func.count()).select_from(InboxUpdate).where(InboxUpdate.state == PENDING)
            )
            return int(concerns or 0), int(waiting or 0)
    finally:
        await engine.dispose()


class Bot:
    """The `waypoint run` process, restarted after each kill."""

    def __init__(self, env: dict[str, str], cwd: Path, *, log: str = "run.log") -> None:
        self._env, self._cwd = env, cwd
        self.log = cwd / log
        self._log = self.log.open("ab")
        self.process = self._start()
        self.kills = 0

    def _start(self) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [*waypoint_command(), "run"], env=self._env, cwd=self._cwd, stdout=self._log,
            stderr=self._log,
        )  # fmt: skip

    def kill(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        self.kills += 1

    def alive(self) -> bool:
        return self.process.poll() is None

    def restart_if_dead(self) -> None:
        if not self.alive():
            self.process.wait()
            self.process = self._start()

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=60)
        finally:
            self.process.kill()
            self._log.close()


def alerts(fake: FakeTelegram) -> Counter[str]:
    """How many times each concern's alert reached a worker (by its button's data)."""
    seen: Counter[str] = Counter()
    for worker in WORKERS:
        for message in fake.sent_messages(worker.id):
            rows = (message.reply_markup or {}).get("inline_keyboard", [])
            seen.update(str(row[0]["callback_data"]) for row in rows[:1])
    return seen


async def until(
    check: Callable[[], Awaitable[bool]], seconds: float, what: str, log: Path
) -> None:
    """Wait for `check` to hold, or fail with the end of the log."""
    for _ in range(int(seconds * 4)):
        if await check():
            return
        await asyncio.sleep(0.25)
    tail = (await asyncio.to_thread(log.read_text))[-3000:]
    pytest.fail(f"{what} did not happen in {seconds:.0f} s:\n{tail}")
