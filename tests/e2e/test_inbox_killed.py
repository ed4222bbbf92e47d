"""`waypoint run` SIGKILLed at the moment Telegram is told what it received, again and again,
while 200 young people worry and a stranger floods the bot: after the last restart every
worry is a concern, and each is alerted exactly once. Issue 9, "Done when".

The kill comes from the fake Telegram itself, inside the getUpdates call whose offset
confirms the updates before it: they are gone from Telegram at that instant, and Waypoint
is killed before it can answer, with some of them handled and some not. While the kills
happen Telegram refuses every message, so nothing can be in flight (and sent twice) at a
kill; the outbox's own kill test is tests/e2e/test_sender_killed.py.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import threading
from collections import Counter
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
from tests.e2e.test_entrypoints import _env, _waypoint

pytestmark = pytest.mark.e2e
WORKERS = [FakeUser(id=10_001 + n, first_name=f"Worker{n}") for n in range(20)]
YOUNG_PEOPLE = [FakeUser(id=20_001 + n, first_name=f"Young{n}") for n in range(200)]
STRANGER = FakeUser(id=30_001, first_name="Flood")
WORRY = "i want to kill myself tonight"
KILLS = 6


async def _seed(database_url: str) -> None:
    """Twenty key workers with ten young people each; nothing left to send."""
    await upgrade_async(database_url)
    engine = create_engine(database_url)
    uow = UnitOfWorkFactory(session_factory(engine), PostOffice(Catalogue.load(allow_drafts=True)))
    now = system_clock()
    try:
        for worker in WORKERS:
            new = NewStaff(
                worker.id, worker.first_name, Role.KEY_WORKER, "Harrogate", "North Yorkshire"
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


async def _count(database_url: str) -> tuple[int, int]:
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


class _Bot:
    """The `waypoint run` process, restarted after each kill."""

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self._env, self._cwd = env, cwd
        self._log = (cwd / "run.log").open("ab")
        self.process = self._start()
        self.kills = 0

    def _start(self) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [*_waypoint(), "run"], env=self._env, cwd=self._cwd, stdout=self._log,
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


def _alerts(fake: FakeTelegram) -> Counter[str]:
    """How many times each concern's alert reached a worker (by its button's data)."""
    seen: Counter[str] = Counter()
    for worker in WORKERS:
        for message in fake.sent_messages(worker.id):
            rows = (message.reply_markup or {}).get("inline_keyboard", [])
            seen.update(str(row[0]["callback_data"]) for row in rows[:1])
    return seen


def _confirmed_past(
    confirmed: dict[str, int], lock: threading.Lock, update_id: int, bot: _Bot
) -> object:
    """A check: Telegram has been told of `update_id`; a killed bot is restarted meanwhile."""

    async def check() -> bool:
        with lock:
            bot.restart_if_dead()
            return confirmed["offset"] > update_id

    return check


async def _until(check: object, seconds: float, what: str, log: Path) -> None:
    for _ in range(int(seconds * 4)):
        if await check():  # type: ignore[operator]
            return
        await asyncio.sleep(0.25)
    tail = (await asyncio.to_thread(log.read_text))[-3000:]
    pytest.fail(f"{what} did not happen in {seconds:.0f} s:\n{tail}")


async def test_worries_survive_kills_at_the_moment_telegram_is_told(
    database_url: str, tmp_path: Path
) -> None:
    await _seed(database_url)
    chance = random.Random(9)  # a reproducible choice of kill points
    with FakeTelegram() as fake:
        env = _env(
            telegram_token=FakeTelegram.token_for_tests(), telegram_api_url=fake.url,
            database_url=database_url, log_level="WARNING",
        )  # fmt: skip
        fake.fail_next("sendMessage", "server_error", times=10**9)
        bot = _Bot(env, tmp_path)
        confirmed = {"offset": 0}
        # Kill when Telegram is told of the first worry of these batches (a reproducible,
        # seeded choice): with some updates of the batch handled and some not yet.
        doomed = set(chance.sample(range(1, 20), KILLS))
        kill_at: set[int] = set()
        lock = threading.Lock()

        def maybe_kill(offset: int) -> None:
            # Called by the fake under its lock, as getUpdates confirms everything < offset.
            with lock:
                confirmed["offset"] = max(confirmed["offset"], offset)
                due = {update_id for update_id in kill_at if update_id < offset}
                if due and bot.alive():
                    kill_at.difference_update(due)
                    bot.kill()

        fake.on_poll(maybe_kill)
        try:
            for batch, start in enumerate(range(0, len(YOUNG_PEOPLE), 10)):
                first = None
                for person in YOUNG_PEOPLE[start : start + 10]:
                    sent = fake.send_text(person, WORRY)
                    first = first or int(sent["update_id"])
                    for n in range(3):
                        fake.send_text(STRANGER, f"flood {start} {n}")
                with lock:
                    if batch in doomed and first is not None:
                        kill_at.add(first)
                await _until(
                    _confirmed_past(confirmed, lock, sent["update_id"], bot),
                    60,
                    "the batch reaching Waypoint",
                    tmp_path / "run.log",
                )
            fake.on_poll(None)
            with lock:
                bot.restart_if_dead()
            assert bot.kills == KILLS, "the kills did not happen; the test proves nothing"

            async def all_stored() -> bool:
                concerns, waiting = await _count(database_url)
                return concerns == len(YOUNG_PEOPLE) and waiting == 0

            await _until(all_stored, 120, "every worry becoming a concern", tmp_path / "run.log")
            fake.clear_faults()

            async def all_alerted() -> bool:
                return len(_alerts(fake)) == len(YOUNG_PEOPLE)

            await _until(all_alerted, 180, "every concern alerted", tmp_path / "run.log")
            await asyncio.sleep(2)  # time for a duplicate to show itself, if there were one
        finally:
            returncode = bot.stop()
    alerts = _alerts(fake)
    assert len(alerts) == len(YOUNG_PEOPLE)
    assert set(alerts.values()) == {1}, [data for data, n in alerts.items() if n > 1]
    assert await _count(database_url) == (len(YOUNG_PEOPLE), 0)
    assert returncode == 0
