"""Strict mode of the fake Telegram server: Telegram's flood limits and their 429 answers."""

from __future__ import annotations

import datetime as dt
import json
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any
from urllib.error import HTTPError

import pytest
from telegram import Bot
from telegram.error import RetryAfter

from bot.devtools.fake_telegram import FakeTelegram, RateLimits
from bot.devtools.fake_telegram_limits import FloodLimiter
from bot.devtools.fake_telegram_models import Reply

TOKEN = FakeTelegram.token_for_tests()


class Clock:
    """A hand-driven monotonic clock."""

    def __init__(self, start: float = 1000.0) -> None:
        self.t = start

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def limiter(clock: Clock) -> FloodLimiter:
    return FloodLimiter(RateLimits(), now=clock)


@pytest.fixture
def strict_fake() -> Iterator[FakeTelegram]:
    with FakeTelegram(rate_limits=RateLimits()) as server:
        yield server


def _api(fake: FakeTelegram, method: str, **form: str) -> tuple[int, Any]:
    data = urllib.parse.urlencode(form).encode()
    request = urllib.request.Request(  # noqa: S310
        f"{fake.url}/bot{TOKEN}/{method}", data=data, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except HTTPError as error:
        with error:
            return error.code, json.loads(error.read())


def _get(fake: FakeTelegram, route: str) -> Any:
    with urllib.request.urlopen(f"{fake.url}/_control/{route}", timeout=10) as response:  # noqa: S310
        return json.loads(response.read())["result"]


# -- the limiter on a hand-driven clock ---------------------------------------------------------


def test_defaults_match_telegram_and_nonsense_is_rejected() -> None:
    assert RateLimits() == RateLimits(
        overall_per_second=30, per_chat_per_second=1, per_group_per_minute=20
    )
    with pytest.raises(ValueError, match="per_group_per_minute"):
        RateLimits(per_group_per_minute=0)


def test_thirty_a_second_pass_and_the_thirty_first_waits(
    limiter: FloodLimiter, clock: Clock
) -> None:
    # Times are binary fractions, so the window edges below are exact.
    start = clock.t
    for chat_id in range(1, 31):
        clock.t = start + chat_id / 64
        assert limiter.admit(chat_id) is None
    clock.t = start + 0.75
    assert limiter.admit(31) == 1
    assert limiter.admit(-31) == 1
    # Once the first send (at start + 1/64) leaves the window there is room for one more.
    clock.t = start + 1 + 1 / 64
    assert limiter.admit(31) is None
    assert limiter.admit(32) == 1


def test_one_a_second_per_private_chat(limiter: FloodLimiter, clock: Clock) -> None:
    assert limiter.admit(7) is None
    clock.t += 0.875
    assert limiter.admit(7) == 1
    assert limiter.admit(8) is None
    clock.t += 0.125
    assert limiter.admit(7) is None


def test_twenty_a_minute_per_group(limiter: FloodLimiter, clock: Clock) -> None:
    start = clock.t
    for second in range(20):
        clock.t = start + second
        assert limiter.admit(-100) is None
    clock.t = start + 30.5
    # The oldest send (at start) leaves the window at start + 60: 29.5 s away, rounded up.
    assert limiter.admit(-100) == 30
    assert limiter.admit(-200) is None
    assert limiter.admit(100) is None
    clock.t = start + 60
    assert limiter.admit(-100) is None
    clock.t = start + 60.25
    # Now the oldest is the send at start + 1.
    assert limiter.admit(-100) == 1


def test_refused_calls_take_no_slot(limiter: FloodLimiter, clock: Clock) -> None:
    assert limiter.admit(7) is None
    for _ in range(4):
        clock.t += 0.125
        assert limiter.admit(7) == 1
    clock.t += 0.5
    assert limiter.admit(7) is None
    assert limiter.refusals == 0  # only guard() counts refusals, as the fake reports them

    for chat_id in range(100, 129):
        assert limiter.admit(chat_id) is None
    assert limiter.admit(200) == 1
    clock.t += 1.0
    for chat_id in range(300, 330):
        assert limiter.admit(chat_id) is None


def test_guard_counts_only_sending_calls_that_sent(limiter: FloodLimiter) -> None:
    ran: list[str] = []

    def run(status: int) -> Reply:
        ran.append("ran")
        return Reply.ok(True) if status == 200 else Reply.error(status, "Bad Request: no")

    for _ in range(3):
        assert limiter.guard("editMessageText", {"chat_id": 7}, lambda: run(200)).status == 200
        assert limiter.guard("sendMessage", {"chat_id": 7}, lambda: run(400)).status == 400
        assert limiter.guard("sendMessage", {"chat_id": "@chan"}, lambda: run(400)).status == 400
    assert limiter.guard("copyMessage", {"chat_id": "7"}, lambda: run(200)).status == 200
    refused = limiter.guard("sendPhoto", {"chat_id": 7}, lambda: run(200))
    assert len(ran) == 10
    assert refused.status == 429
    assert refused.body == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }
    assert limiter.refusals == 1


def test_memory_stays_flat_across_many_chats(limiter: FloodLimiter, clock: Clock) -> None:
    # Just under 30 a second, alternating private chats and groups, each chat used once.
    start = clock.t
    for chat_id in range(1, 10_001):
        clock.t = start + chat_id * 0.034
        assert limiter.admit(chat_id if chat_id % 2 else -chat_id) is None
        # Only a second's private chats (15) and a minute's groups (883) are remembered.
        assert limiter.tracked_chats() <= 15 + 883
    clock.t += 60
    limiter.admit(1)
    assert limiter.tracked_chats() == 1


# -- strict mode of the server ------------------------------------------------------------------


def test_strict_fake_answers_429_and_keeps_statistics(strict_fake: FakeTelegram) -> None:
    first = _api(strict_fake, "sendMessage", chat_id="7", text="one")
    status, answer = _api(strict_fake, "sendMessage", chat_id="7", text="two")
    assert first[0] == 200
    assert (status, answer["parameters"]) == (429, {"retry_after": 1})
    assert answer["description"] == "Too Many Requests: retry after 1"
    # Not counted: edits, other methods, other chats, calls that failed.
    edit = {"chat_id": "7", "message_id": str(first[1]["result"]["message_id"]), "text": "1"}
    assert _api(strict_fake, "editMessageText", **edit)[0] == 200
    assert _api(strict_fake, "getMe")[0] == 200
    assert _api(strict_fake, "sendMessage", chat_id="8", text=" ")[0] == 400
    assert _api(strict_fake, "sendMessage", chat_id="8", text="three")[0] == 200
    # An injected 429 is a fault, not a refusal by the limits.
    strict_fake.fail_next("sendMessage", "retry_after")
    assert _api(strict_fake, "sendMessage", chat_id="9", text="four")[0] == 429

    assert strict_fake.limit_refusals == 1
    assert [r.status for r in strict_fake.requests if r.method == "sendMessage"] == [
        200, 429, 400, 200, 429
    ]  # fmt: skip
    assert strict_fake.delivered_texts() == [(7, "one"), (8, "three")]
    assert _get(strict_fake, "delivered") == [[7, "one"], [8, "three"]]
    assert _get(strict_fake, "limits") == {
        "rate_limits": {
            "overall_per_second": 30,
            "per_chat_per_second": 1,
            "per_group_per_minute": 20,
        },
        "limit_refusals": 1,
    }


async def test_ptb_sees_retry_after_in_strict_mode_only(
    strict_fake: FakeTelegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without this, PTB 22 warns (an error here) when it builds RetryAfter.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    async with Bot(TOKEN, base_url=f"{strict_fake.url}/bot") as bot:
        await bot.send_message(42, "hello")
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(42, "hello again")
        assert caught.value.retry_after == dt.timedelta(seconds=1)
    assert strict_fake.delivered_texts() == [(42, "hello")]
    assert strict_fake.limit_refusals == 1

    with FakeTelegram() as lenient:
        async with Bot(TOKEN, base_url=f"{lenient.url}/bot") as bot:
            for number in range(40):
                await bot.send_message(42, f"message {number}")
        assert len(lenient.delivered_texts()) == 40
        assert lenient.limit_refusals == 0
        assert _get(lenient, "limits") == {"rate_limits": None, "limit_refusals": 0}
