"""`waypoint worker`: the sender and the clock's ticks, with no Telegram updates coming in.

Beside instances that take updates (by polling or, later, webhooks), a worker drains the
outbox and climbs the concern ladder. Any number can run: they share Telegram's pace through
the database and claim what is due with `FOR UPDATE SKIP LOCKED`.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Any

from bot.adapters.db.migrate import upgrade
from bot.config import Settings
from bot.domain.errors import SetupError
from bot.entrypoints.bootstrap import bootstrap, freeze_what_lasts
from bot.entrypoints.ticks import Ticks
from bot.observability import init_sentry

_LOG = logging.getLogger(__name__)


def work(settings: Settings) -> None:
    """Send and tick until SIGTERM or Ctrl-C."""
    if settings.telegram_token is None:
        raise SetupError("waypoint worker sends through Telegram: set WAYPOINT_TELEGRAM_TOKEN")
    init_sentry(settings.sentry_dsn.get_secret_value() if settings.sentry_dsn else None)
    upgrade(settings.database_url)
    asyncio.run(_work(settings))


async def _work(settings: Settings) -> None:
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signal_number, stopping.set)
    running = bootstrap(settings, api_url=settings.telegram_api_url)
    freeze_what_lasts()
    ticks = Ticks(running.waypoint, menus=running.transport)
    try:
        await running.load_wordings()
        await running.start_sending()
        ticks.start()
        _LOG.info("Waypoint's worker is running")
        stop: asyncio.Future[Any] = asyncio.ensure_future(stopping.wait())
        waits = {stop}
        if running.sending is not None:
            waits.add(asyncio.shield(running.sending))
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        stop.cancel()
        if not stopping.is_set():
            # The sender ended by itself: exit non-zero so systemd or Docker restarts it.
            _LOG.critical("the outbox sender stopped; the worker stops too")
            raise SystemExit(1)
    finally:
        ticks.stop()
        await running.close()
    _LOG.info("Waypoint's worker has stopped")
