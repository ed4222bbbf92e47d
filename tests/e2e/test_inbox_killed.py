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
import random
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from bot.devtools.fake_telegram import FakeTelegram, FakeUser
from tests.e2e.crowd import WORRY, YOUNG_PEOPLE, Bot, alerts, count, seed, until
from tests.e2e.processes import waypoint_env

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
STRANGER = FakeUser(id=30_001, first_name="Flood")
KILLS = 6


def _confirmed_past(
    confirmed: dict[str, int], lock: threading.Lock, update_id: int, bot: Bot
) -> Callable[[], Awaitable[bool]]:
    """A check: Telegram has been told of `update_id`; a killed bot is restarted meanwhile."""

    async def check() -> bool:
        with lock:
            bot.restart_if_dead()
            return confirmed["offset"] > update_id

    return check


async def test_worries_survive_kills_at_the_moment_telegram_is_told(
    database_url: str, tmp_path: Path
) -> None:
    await seed(database_url)
    chance = random.Random(9)  # a reproducible choice of kill points
    with FakeTelegram() as fake:
        env = waypoint_env(
            telegram_token=FakeTelegram.token_for_tests(), telegram_api_url=fake.url,
            database_url=database_url, log_level="WARNING",
        )  # fmt: skip
        fake.fail_next("sendMessage", "server_error", times=10**9)
        bot = Bot(env, tmp_path)
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
                await until(
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
                concerns, waiting = await count(database_url)
                return concerns == len(YOUNG_PEOPLE) and waiting == 0

            await until(all_stored, 120, "every worry becoming a concern", tmp_path / "run.log")
            fake.clear_faults()

            async def all_alerted() -> bool:
                return len(alerts(fake)) == len(YOUNG_PEOPLE)

            await until(all_alerted, 180, "every concern alerted", tmp_path / "run.log")
            await asyncio.sleep(2)  # time for a duplicate to show itself, if there were one
        finally:
            returncode = bot.stop()
    seen = alerts(fake)
    assert len(seen) == len(YOUNG_PEOPLE)
    assert set(seen.values()) == {1}, [data for data, n in seen.items() if n > 1]
    assert await count(database_url) == (len(YOUNG_PEOPLE), 0)
    assert returncode == 0
