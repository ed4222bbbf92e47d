"""`waypoint run` killed with SIGKILL in the middle of a burst loses nothing when restarted.

At-least-once is the promise: a message Telegram accepted just before the kill, but whose
success was not yet recorded, is sent again. So duplicates may only be messages that were in
flight (leased, not recorded) at the moment of the kill.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.adapters.db.engine import create_engine, session_factory
from bot.adapters.db.migrate import upgrade_async
from bot.adapters.db.models import OutboxMessage
from bot.clock import system_clock
from bot.devtools.fake_telegram import FakeTelegram, RateLimits, SentMessage
from bot.domain.outbox import DeliveryState, Lane, Recipient
from tests.e2e.processes import waypoint_command, waypoint_env

pytestmark = pytest.mark.e2e
BURST = 240
KILL_AFTER = 80


async def _queue_burst(database_url: str) -> None:
    await upgrade_async(database_url)
    engine = create_engine(database_url)
    now = system_clock()
    try:
        async with session_factory(engine)() as session, session.begin():
            session.add_all(
                OutboxMessage(
                    lane=int(Lane.REMINDER),
                    chat_id=60_000 + n,
                    recipient_type=Recipient.YOUNG_PERSON.value,
                    recipient_id=n,
                    message_key="reminder",
                    text=f"reminder {n}",
                    state=DeliveryState.PENDING.value,
                    created_at=now,
                    not_before=now,
                    attempts=0,
                )
                for n in range(BURST)
            )
    finally:
        await engine.dispose()


async def _in_flight(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            query = select(func.count()).where(OutboxMessage.state == DeliveryState.SENDING)
            return int(await connection.scalar(query.select_from(OutboxMessage)) or 0)
    finally:
        await engine.dispose()


def _start(env: dict[str, str], cwd: Path, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [*waypoint_command(), "run"], env=env, cwd=cwd, stdout=out, stderr=out
        )


async def test_a_burst_survives_kill_minus_nine(database_url: str, tmp_path: Path) -> None:
    await _queue_burst(database_url)
    reached = {"killed": threading.Event(), "all": threading.Event()}
    with FakeTelegram(rate_limits=RateLimits()) as fake:

        def watch(_: SentMessage) -> None:
            distinct = len(set(fake.delivered_texts()))
            if distinct >= KILL_AFTER:
                reached["killed"].set()
            if distinct >= BURST:
                reached["all"].set()

        fake.on_bot_message = watch
        env = waypoint_env(
            telegram_token=FakeTelegram.token_for_tests(), telegram_api_url=fake.url,
            database_url=database_url, outbox_lease_seconds="2",
        )  # fmt: skip
        log = tmp_path / "run.log"
        first = _start(env, tmp_path, log)
        try:
            assert reached["killed"].wait(60), log.read_text()
        finally:
            os.kill(first.pid, signal.SIGKILL)
            first.wait(30)
        in_flight = await _in_flight(database_url)
        second = _start(env, tmp_path, log)
        try:
            assert reached["all"].wait(60), log.read_text()
        finally:
            second.send_signal(signal.SIGTERM)
            try:
                second.wait(60)
            finally:
                second.kill()
        assert second.returncode == 0, log.read_text()
        delivered = Counter(fake.delivered_texts())
        duplicates = sum(count - 1 for count in delivered.values())
        lost = BURST - len(delivered)
        print(
            f"killed after {KILL_AFTER} of {BURST}; in flight at the kill: {in_flight}; "
            f"duplicates: {duplicates}; lost: {lost}; 429s: {fake.limit_refusals}"
        )
        assert lost == 0
        assert duplicates <= in_flight
        assert fake.limit_refusals == 0
