"""The baseline for bench/outbox_burst.py: a bare python-telegram-bot send loop.

`AIORateLimiter()` with its defaults (30 a second overall, no retries) does all the pacing;
the loop just fires `send_message` at distinct chats with `asyncio.gather`, in chunks.
"""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass

from burst_support import Arrivals
from telegram import Bot
from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter, ApplicationBuilder

from bot.devtools.fake_telegram import FakeTelegram, RateLimits

# PTB warns about RetryAfter.retry_after being an int unless it is told to use timedelta.
os.environ.setdefault("PTB_TIMEDELTA", "true")

FIRST_CHAT = 50_000_000
CHUNK = 300


@dataclass(frozen=True)
class BaselineResult:
    """How the bare PTB loop did against a strict fake."""

    messages: int
    delivered: int
    rate: float
    refusals: int
    retry_after_errors: int


async def run_baseline(messages: int) -> BaselineResult:
    """Send `messages` texts to as many chats through PTB's AIORateLimiter; measure the drain."""
    # With max_retries=0 the limiter logs every 429 with a traceback; the fake counts them.
    logging.getLogger("telegram.ext.AIORateLimiter").setLevel(logging.CRITICAL)
    arrivals = Arrivals()
    with FakeTelegram(rate_limits=RateLimits()) as fake:
        fake.on_bot_message = arrivals
        app = (
            ApplicationBuilder()
            .token(FakeTelegram.token_for_tests())
            .base_url(f"{fake.url}/bot")
            .rate_limiter(AIORateLimiter())
            .build()
        )
        async with app:
            errors = await _send_all(app.bot, messages)
        rate, _span = arrivals.steady_rate()
        refusals = fake.limit_refusals
    return BaselineResult(messages, arrivals.delivered(), rate, refusals, errors)


async def _send_all(bot: Bot, messages: int) -> int:
    """Send in chunks of CHUNK; return how many sends ended in RetryAfter."""
    retry_after = 0
    for start in range(0, messages, CHUNK):
        chunk = range(start, min(start + CHUNK, messages))
        results = await asyncio.gather(
            *(bot.send_message(FIRST_CHAT + i, f"baseline message {i}") for i in chunk),
            return_exceptions=True,
        )
        for result in results:
            if isinstance(result, RetryAfter):
                retry_after += 1
            elif isinstance(result, BaseException):
                raise result
    return retry_after
