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

from bot.adapters.telegram import concern_handlers, handlers, profile_handlers
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
    for command, callback in (
        ("worried", concern_handlers.on_worried),
        ("ack", concern_handlers.on_ack),
        ("talk", concern_handlers.on_talk),
        ("concerns", concern_handlers.on_concerns),
        ("concern", concern_handlers.on_concern),
        ("close", concern_handlers.on_close),
        ("away", concern_handlers.on_away),
        ("back", concern_handlers.on_back),
        ("reply", concern_handlers.on_reply),
    ):
        application.add_handler(CommandHandler(command, callback, filters=private))
    application.add_handler(
        CallbackQueryHandler(concern_handlers.on_alert_button, pattern=r"^a\|")
    )
    application.add_handler(CallbackQueryHandler(profile_handlers.on_choice))
    application.add_handler(
        MessageHandler(private & filters.TEXT & ~filters.COMMAND, concern_handlers.on_words)
    )
    application.add_handler(MessageHandler(private, handlers.on_anything_else))
    application.add_error_handler(handlers.on_error)
    if application.job_queue is None:
        raise RuntimeError("python-telegram-bot was installed without its job-queue extra")
    application.job_queue.run_repeating(
        concern_handlers.climb_ladder,
        interval=concern_handlers.LADDER_TICK,
        first=1,
        name="concern ladder",
    )
    return application
