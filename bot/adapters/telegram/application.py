"""Building the python-telegram-bot Application that Waypoint runs."""

from __future__ import annotations

from typing import Any, TypeAlias

from telegram import Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.adapters.telegram import handlers, profile_handlers
from bot.adapters.telegram.context import Waypoint, attach
from bot.adapters.telegram.ptb_options import use_timedelta_retry_after

# The updates Waypoint acts on; anything else Telegram would send is not even fetched.
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]

WaypointApplication: TypeAlias = Application[Any, Any, Any, Any, Any, Any]


def build_application(
    waypoint: Waypoint,
    *,
    token: str,
    api_url: str,
    read_timeout: float | None = None,
) -> WaypointApplication:
    """The real bot: Waypoint's handlers on an Application talking to `api_url`."""
    use_timedelta_retry_after()
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(f"{api_url}/bot")
        .base_file_url(f"{api_url}/file/bot")
        .rate_limiter(AIORateLimiter(max_retries=3))
    )
    if read_timeout is not None:
        builder = builder.read_timeout(read_timeout).get_updates_read_timeout(read_timeout + 10)
    application = builder.build()
    attach(application, waypoint)
    private = filters.ChatType.PRIVATE
    application.add_handler(CommandHandler("start", handlers.on_start, filters=private))
    application.add_handler(CommandHandler("invite", handlers.on_invite, filters=private))
    application.add_handler(
        CommandHandler("profile", profile_handlers.on_profile, filters=private)
    )
    application.add_handler(
        CommandHandler("language", profile_handlers.on_language, filters=private)
    )
    application.add_handler(
        CommandHandler("symbols", profile_handlers.on_symbols, filters=private)
    )
    application.add_handler(CallbackQueryHandler(profile_handlers.on_choice))
    application.add_handler(
        MessageHandler(private & filters.TEXT & ~filters.COMMAND, profile_handlers.on_text)
    )
    application.add_handler(MessageHandler(private, handlers.on_anything_else))
    application.add_error_handler(handlers.on_error)
    return application
