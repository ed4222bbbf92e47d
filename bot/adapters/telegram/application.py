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
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.adapters.telegram import (
    concern_handlers,
    console_handlers,
    goal_handlers,
    handlers,
    profile_handlers,
    session_handlers,
    staff_handlers,
)
from bot.adapters.telegram.context import Waypoint, WaypointContext, attach
from bot.adapters.telegram.ptb_options import use_timedelta_retry_after
from bot.adapters.telegram.updates import ALLOWED_UPDATES

__all__ = ["ALLOWED_UPDATES", "WaypointApplication", "build_application"]

WaypointApplication: TypeAlias = Application[Any, Any, Any, Any, Any, Any]


def build_application(
    waypoint: Waypoint,
    *,
    token: str,
    api_url: str,
    read_timeout: float | None = None,
) -> WaypointApplication:
    """The real bot: Waypoint's handlers on an Application talking to `api_url`.

    It has no Updater: updates arrive through the inbox (bot.adapters.telegram.polling), and
    are handled by bot.adapters.telegram.dispatcher.
    """
    use_timedelta_retry_after()
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(f"{api_url}/bot")
        .base_file_url(f"{api_url}/file/bot")
        .updater(None)
        # The clock is not Telegram's: bot.entrypoints.ticks runs it, in `waypoint worker` too.
        .job_queue(None)
        # The handlers only make courtesy calls (a button's spinner); a 429 must not make
        # them wait and hold up the next update: they are dropped instead.
        .rate_limiter(AIORateLimiter(max_retries=0))
        .context_types(ContextTypes(context=WaypointContext))
    )
    if read_timeout is not None:
        builder = builder.read_timeout(read_timeout).get_updates_read_timeout(read_timeout + 10)
    application = builder.build()
    attach(application, waypoint)
    # Commands count only when sent: editing an old "/worried" must not raise it again.
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    # Words are heard when sent and when edited (a worry typed by editing is still a worry).
    written = (
        filters.ChatType.PRIVATE & filters.UpdateType.MESSAGES & (filters.TEXT | filters.CAPTION)
    )
    # Who is writing is worked out once, before any other handler sees the update.
    application.add_handler(TypeHandler(Update, handlers.identify), group=-1)
    application.add_handler(CommandHandler("start", handlers.on_start, filters=private))
    application.add_handler(CommandHandler("help", handlers.on_help, filters=private))
    application.add_handler(CommandHandler("invite", handlers.on_invite, filters=private))
    application.add_handler(
        CommandHandler("console", console_handlers.on_console, filters=private)
    )
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
        ("stop", concern_handlers.on_stop),
        ("concerns", concern_handlers.on_concerns),
        ("concern", concern_handlers.on_concern),
        ("close", concern_handlers.on_close),
        ("away", concern_handlers.on_away),
        ("back", concern_handlers.on_back),
        ("reply", concern_handlers.on_reply),
        ("pause", session_handlers.on_pause),
    ):
        application.add_handler(CommandHandler(command, callback, filters=private))
    # Managers and operators looking after their hub's staff and invite links.
    for command, callback in (
        ("leave", staff_handlers.on_leave),
        ("move", staff_handlers.on_move),
        ("reassign", staff_handlers.on_reassign),
        ("invites", staff_handlers.on_invites),
        ("revoke", staff_handlers.on_revoke),
    ):
        application.add_handler(CommandHandler(command, callback, filters=private))
    # Sessions: booking with buttons or on one line, listing, moving, cancelling, marking.
    for command, callback in (
        ("book", session_handlers.on_book),
        ("sessions", session_handlers.on_sessions),
        ("move_session", session_handlers.on_move_session),
        ("cancel_session", session_handlers.on_cancel_session),
        ("seen", session_handlers.on_seen),
        ("notseen", session_handlers.on_notseen),
        ("agreed", session_handlers.on_agreed),
    ):
        application.add_handler(CommandHandler(command, callback, filters=private))
    # Goals: a young person's "My goals"; staff's list, the guided /goal, and each change.
    for command, callback in (
        ("goals", goal_handlers.on_goals),
        ("goal", goal_handlers.on_goal),
        ("goal_agree", goal_handlers.on_goal_agree),
        ("goal_words", goal_handlers.on_goal_words),
        ("goal_step", goal_handlers.on_goal_step),
        ("goal_rate", goal_handlers.on_goal_rate),
        ("goal_pause", goal_handlers.on_goal_pause),
        ("goal_resume", goal_handlers.on_goal_resume),
        ("goal_done", goal_handlers.on_goal_done),
        ("goal_drop", goal_handlers.on_goal_drop),
    ):
        application.add_handler(CommandHandler(command, callback, filters=private))
    application.add_handler(
        CallbackQueryHandler(concern_handlers.on_alert_button, pattern=r"^a\|")
    )
    # Staff's question buttons share one shape (`b|did|value`); a goal's begin `goal_`.
    application.add_handler(
        CallbackQueryHandler(goal_handlers.on_goal_button, pattern=r"^b\|goal_")
    )
    application.add_handler(
        CallbackQueryHandler(session_handlers.on_booking_button, pattern=r"^b\|")
    )
    application.add_handler(CallbackQueryHandler(profile_handlers.on_choice))
    application.add_handler(MessageHandler(written & ~filters.COMMAND, concern_handlers.on_words))
    application.add_handler(MessageHandler(private, handlers.on_anything_else))
    application.add_error_handler(handlers.on_error)
    return application
