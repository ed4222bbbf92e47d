"""Sending one message through the Bot API, with every failure turned into a plain outcome."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.request import HTTPXRequest

from bot.adapters.telegram.ptb_options import use_timedelta_retry_after


@dataclass(frozen=True)
class Sent:
    """Telegram accepted the message."""

    telegram_message_id: int


@dataclass(frozen=True)
class SlowDown:
    """Telegram said 429: wait this long before sending anything more."""

    wait: timedelta


@dataclass(frozen=True)
class TryAgain:
    """A fault that may pass (5xx, a timeout, a dropped connection)."""

    reason: str


@dataclass(frozen=True)
class Blocked:
    """The person blocked the bot or deleted their account (403)."""


@dataclass(frozen=True)
class Refused:
    """Telegram will never accept this message as it is (400)."""

    reason: str


Outcome = Sent | SlowDown | TryAgain | Blocked | Refused


def _reason(error: Exception) -> str:
    # Error text from Telegram can quote what was sent; keep only its first words.
    return f"{type(error).__name__}: {str(error)[:40]}"


class TelegramTransport:
    """A Bot with no rate limiter of its own: the sender does the pacing."""

    def __init__(self, token: str, api_url: str, *, timeout: float = 10.0, pool: int = 16) -> None:
        use_timedelta_retry_after()
        request = HTTPXRequest(
            connection_pool_size=pool, read_timeout=timeout, write_timeout=timeout,
            connect_timeout=timeout, pool_timeout=timeout,
        )  # fmt: skip
        self.bot = Bot(token, base_url=f"{api_url}/bot", request=request)

    async def start(self) -> None:
        """Open the connection pool."""
        await self.bot.initialize()

    async def stop(self) -> None:
        """Close the connection pool."""
        await self.bot.shutdown()

    async def send(self, chat_id: int, text: str, reply_markup: dict[str, Any] | None) -> Outcome:
        """Send one message and say how it went."""
        markup = InlineKeyboardMarkup.de_json(reply_markup, self.bot) if reply_markup else None
        try:
            message = await self.bot.send_message(chat_id, text, reply_markup=markup)
        except RetryAfter as error:
            wait = error.retry_after
            return SlowDown(wait if isinstance(wait, timedelta) else timedelta(seconds=wait))
        except Forbidden:
            return Blocked()
        except BadRequest as error:  # before NetworkError, which it subclasses
            return Refused(_reason(error))
        except TimedOut:
            return TryAgain("timeout")
        except NetworkError as error:
            return TryAgain(_reason(error))
        return Sent(message.message_id)
