"""Bare python-telegram-bot baselines for the benchmarks.

For bench/outbox_burst.py, a send loop: `AIORateLimiter()` with its defaults (30 a second
overall, no retries) does all the pacing; the loop just fires `send_message` at distinct chats
with `asyncio.gather`, in chunks.

For bench/inbound.py, an echo bot: PTB's own Updater long-polls, and one handler answers each
text message with `send_message` (PTB's defaults otherwise: one update handled at a time, no
rate limiter, no database).
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from burst_support import Arrivals, wait_until
from telegram import Bot, Update
from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter, ApplicationBuilder, MessageHandler, filters

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


@dataclass(frozen=True)
class EchoResult:
    """How the bare PTB echo bot did: updates answered, and how long from the first update
    queued to the last answer the fake saw."""

    updates: int
    answered: int
    seconds: float

    @property
    def rate(self) -> float:
        """Updates answered a second."""
        return self.answered / self.seconds if self.seconds > 0 else 0.0


async def _echo(update: Update, context: Any) -> None:
    message = update.effective_message
    if message is not None and message.text is not None:
        await context.bot.send_message(message.chat_id, message.text)


async def run_echo(
    queue_updates: Callable[[FakeTelegram], int], *, within: float = 300.0
) -> EchoResult:
    """Start a bare PTB echo bot polling a fresh (lenient) fake, let `queue_updates` queue
    updates at once, and time until every one has been answered (or `within` seconds)."""
    arrivals = Arrivals()
    with FakeTelegram() as fake:
        fake.on_bot_message = arrivals
        app = (
            ApplicationBuilder()
            .token(FakeTelegram.token_for_tests())
            .base_url(f"{fake.url}/bot")
            .build()
        )
        app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, _echo))
        async with app:
            await app.start()
            updater = app.updater
            assert updater is not None  # noqa: S101 - ApplicationBuilder makes one
            await updater.start_polling(poll_interval=0, timeout=1)
            await asyncio.to_thread(fake.wait_until_polling)
            started = time.monotonic()
            count = queue_updates(fake)
            await wait_until(lambda: arrivals.delivered() >= count, within)
            last = arrivals.last_at() or started
            await updater.stop()
            await app.stop()
    return EchoResult(count, arrivals.delivered(), last - started)
