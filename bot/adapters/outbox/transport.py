"""Sending one message through the Bot API, with every failure turned into a plain outcome."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    ReplyKeyboardMarkup,
)
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.request import HTTPXRequest

from bot.adapters.telegram.ptb_options import use_timedelta_retry_after
from bot.domain.outbox import Blocked, Outcome, Refused, Sent, SlowDown, TryAgain
from bot.services.menus import MenuItem

# No message Waypoint sends shows a link preview: to draw one, Telegram's servers fetch the
# link, and a sign-in or invite link is a secret between Waypoint and one person.
NO_PREVIEWS = LinkPreviewOptions(is_disabled=True)

# The sender's short send timeout also bounds getMe at start; under load one try is not enough.
START_ATTEMPTS = 3


_LOG = logging.getLogger(__name__)


def _reason(error: Exception) -> str:
    # Error text from Telegram can quote what was sent; keep only its first words.
    return f"{type(error).__name__}: {str(error)[:40]}"


class TelegramTransport:
    """A Bot with no rate limiter of its own: the sender does the pacing."""

    def __init__(self, token: str, api_url: str, *, timeout: float = 10.0, pool: int = 16) -> None:
        use_timedelta_retry_after()
        # Worst case for one send is the sum of these (about 2.5 x timeout), which must stay
        # well inside the sender's lease (30 s by default).
        short = timeout / 2
        request = HTTPXRequest(
            connection_pool_size=pool,
            read_timeout=timeout,
            write_timeout=short,
            connect_timeout=short,
            pool_timeout=short / 2,
        )
        self.bot = Bot(token, base_url=f"{api_url}/bot", request=request)

    async def start(self) -> None:
        """Open the connection pool; a slow first answer (getMe) is tried again, not fatal."""
        for attempt in range(1, START_ATTEMPTS + 1):
            try:
                await self.bot.initialize()
            except TimedOut:
                if attempt == START_ATTEMPTS:
                    raise
                await self.bot.shutdown()
                await asyncio.sleep(0.5 * attempt)
            else:
                return

    async def stop(self) -> None:
        """Close the connection pool."""
        await self.bot.shutdown()

    async def send(
        self,
        chat_id: int,
        text: str,
        reply_markup: dict[str, Any] | None,
        *,
        silent: bool = False,
    ) -> Outcome:
        """Send one message (without a sound if `silent`) and say how it went."""
        markup = _markup(reply_markup, self.bot)
        try:
            message = await self.bot.send_message(
                chat_id,
                text,
                reply_markup=markup,
                disable_notification=silent or None,
                link_preview_options=NO_PREVIEWS,
            )
        except TelegramError as error:
            return outcome_of(error)
        return Sent(message.message_id)

    async def set_menu(self, chat_id: int, items: Sequence[MenuItem]) -> Outcome:
        """Set one chat's command menu (bot.services.menus); Sent carries no message id."""
        commands = [BotCommand(item.command, item.description) for item in items]
        try:
            await self.bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id))
        except TelegramError as error:
            return outcome_of(error)
        return Sent(0)

    async def clear_menu(self, chat_id: int) -> Outcome:
        """Take one chat's own command menu away."""
        try:
            await self.bot.delete_my_commands(scope=BotCommandScopeChat(chat_id))
        except TelegramError as error:
            return outcome_of(error)
        return Sent(0)


def outcome_of(error: TelegramError) -> Outcome:
    """What a Bot API error means for the message that caused it."""
    outcome: Outcome
    match error:
        case RetryAfter():
            wait = error.retry_after
            outcome = SlowDown(wait if isinstance(wait, timedelta) else timedelta(seconds=wait))
        case Forbidden():
            outcome = Blocked()
        case ChatMigrated() | BadRequest():  # before NetworkError, which BadRequest subclasses
            outcome = Refused(_reason(error))
        case TimedOut():
            outcome = TryAgain("timeout")
        case InvalidToken():
            # Not the message's fault: hold all sending without using up anyone's attempts.
            _LOG.critical("Telegram rejects the bot token; sending is paused")
            outcome = SlowDown(timedelta(minutes=1))
        case _:
            outcome = TryAgain(_reason(error))
    return outcome


def _markup(
    stored: dict[str, Any] | None, bot: Bot
) -> InlineKeyboardMarkup | ReplyKeyboardMarkup | None:
    """The keyboard kept with an outbox row: choice buttons, or the one under the message box."""
    if not stored:
        return None
    if "keyboard" in stored:
        return ReplyKeyboardMarkup.de_json(stored, bot)
    return InlineKeyboardMarkup.de_json(stored, bot)
