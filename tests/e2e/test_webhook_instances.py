"""Two `waypoint run` instances in webhook mode behind a round-robin load balancer, on one
PostgreSQL: 200 worries from 200 young people become 200 concerns and 200 alerts, none twice,
although one instance is SIGKILLed half-way. A call with a wrong secret is refused and stores
nothing. Issue 10, "Done when".

While the kill happens Telegram refuses every message, so nothing can be in flight (and sent
twice) at the kill; the outbox's own kill test is tests/e2e/test_sender_killed.py.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import socket
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.adapters.db.engine import create_engine
from bot.adapters.db.models import InboxUpdate
from bot.devtools.fake_telegram import FakeTelegram
from tests.e2e.crowd import WORRY, YOUNG_PEOPLE, Bot, alerts, count, seed, until
from tests.e2e.processes import waypoint_env
from tests.e2e.round_robin import RoundRobin

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.slow]
SECRET = "webhook-secret-for-tests_0123456789"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
    except OSError:
        return False
    return True


def _post(port: int, secret: str, update: dict[str, object]) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(
            "POST", "/telegram", json.dumps(update),
            {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret},
        )  # fmt: skip
        return connection.getresponse().status
    finally:
        connection.close()


def _webhook_env(fake: FakeTelegram, database_url: str, url: str, port: int) -> dict[str, str]:
    """An instance in webhook mode, listening on `port`, that Telegram calls at `url`."""
    return waypoint_env(
        telegram_token=FakeTelegram.token_for_tests(), telegram_api_url=fake.url,
        database_url=database_url, log_level="WARNING", webhook_url=f"{url}/telegram",
        webhook_secret=SECRET, webhook_listen=f"127.0.0.1:{port}",
    )  # fmt: skip


async def _stored(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            found = await connection.scalar(select(func.count()).select_from(InboxUpdate))
            return int(found or 0)
    finally:
        await engine.dispose()


async def test_two_webhook_instances_share_the_updates_and_lose_none_when_one_is_killed(
    postgres_url: str, tmp_path: Path
) -> None:
    await seed(postgres_url)
    ports = [_free_port(), _free_port()]
    with FakeTelegram() as fake, RoundRobin(ports) as balancer:
        fake.fail_next("sendMessage", "server_error", times=10**9)
        bots = [
            Bot(_webhook_env(fake, postgres_url, balancer.url, port), tmp_path, log=f"run-{n}.log")
            for n, port in enumerate(ports)
        ]
        log = bots[0].log

        async def both_listening() -> bool:
            return all(_listening(port) for port in ports)

        try:
            await until(both_listening, 60, "both instances listening", log)
            for n, person in enumerate(YOUNG_PEOPLE):
                fake.send_text(person, WORRY)
                if n == len(YOUNG_PEOPLE) // 2:
                    bots[0].kill()
                if n % 20 == 19:
                    await asyncio.sleep(0.2)

            async def all_stored() -> bool:
                concerns, waiting = await count(postgres_url)
                return concerns == len(YOUNG_PEOPLE) and waiting == 0

            await until(all_stored, 120, "every worry becoming a concern", bots[1].log)
            assert all(balancer.forwarded.values()), "both instances should have taken updates"
            fake.clear_faults()

            async def all_alerted() -> bool:
                return len(alerts(fake)) == len(YOUNG_PEOPLE)

            await until(all_alerted, 180, "every concern alerted", bots[1].log)
            await asyncio.sleep(2)  # time for a duplicate to show itself, if there were one
        finally:
            returncode = bots[1].stop()
            bots[0].stop()
    seen = alerts(fake)
    assert len(seen) == len(YOUNG_PEOPLE)
    assert set(seen.values()) == {1}, [data for data, n in seen.items() if n > 1]
    assert returncode == 0


def _get(port: int, path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    finally:
        connection.close()


async def test_a_call_with_the_wrong_secret_is_refused_and_stores_nothing(
    postgres_url: str, tmp_path: Path
) -> None:
    await seed(postgres_url)
    port = _free_port()
    with FakeTelegram() as fake:
        bot = Bot(_webhook_env(fake, postgres_url, f"http://127.0.0.1:{port}", port), tmp_path)

        async def listening() -> bool:
            return _listening(port)

        try:
            await until(listening, 60, "the instance listening", bot.log)
            update = {"update_id": 999, "message": {"message_id": 1, "date": 0, "text": WORRY}}
            assert await asyncio.to_thread(_post, port, "not-the-secret", update) == 403
            assert await asyncio.to_thread(_post, port, "", update) == 403
            assert await _stored(postgres_url) == 0
            assert fake.webhook_deliveries == 0
            # The staff console is served by the same server, beside Telegram's route.
            assert await asyncio.to_thread(_get, port, "/signed-out") == 200
            assert await asyncio.to_thread(_get, port, "/telegram") == 405
        finally:
            assert bot.stop() == 0
