"""`waypoint run`: migrate, then serve Telegram by long polling until stopped."""

from __future__ import annotations

import logging
from typing import Any

from sentry_sdk.integrations.asyncio import enable_asyncio_integration

from bot.adapters.db.migrate import upgrade
from bot.adapters.telegram.application import ALLOWED_UPDATES, build_application
from bot.config import Settings
from bot.entrypoints.bootstrap import bootstrap
from bot.observability import init_sentry

_LOG = logging.getLogger(__name__)


def run(settings: Settings) -> None:
    """Run the bot against the Telegram Bot API at settings.telegram_api_url."""
    if settings.telegram_token is None:
        raise ValueError("run needs a token; without one, the demo runs instead")
    sentry_on = init_sentry(
        settings.sentry_dsn.get_secret_value() if settings.sentry_dsn else None
    )
    upgrade(settings.database_url)
    running = bootstrap(settings, api_url=settings.telegram_api_url)
    application = build_application(
        running.waypoint,
        token=settings.telegram_token.get_secret_value(),
        api_url=settings.telegram_api_url,
    )

    async def post_init(_: Any) -> None:
        if sentry_on:
            # The asyncio integration must be switched on inside the running loop.
            enable_asyncio_integration()
        await running.start_sending()
        _LOG.info("Waypoint is running")

    async def post_shutdown(_: Any) -> None:
        await running.close()
        _LOG.info("Waypoint has stopped")

    application.post_init = post_init
    application.post_shutdown = post_shutdown
    application.run_polling(allowed_updates=ALLOWED_UPDATES, close_loop=False)
