"""`waypoint run`: migrate, then serve Telegram until stopped: by long polling, or in webhook
mode when WAYPOINT_WEBHOOK_URL is set (any number of instances behind a load balancer)."""

from __future__ import annotations

import asyncio
import logging
import signal

from sentry_sdk.integrations.asyncio import enable_asyncio_integration

from bot.adapters.db.migrate import upgrade
from bot.config import ConfigurationError, Settings
from bot.entrypoints.bootstrap import bootstrap, freeze_what_lasts
from bot.entrypoints.console import console_settings
from bot.entrypoints.serve import Console, Webhook, serving
from bot.observability import init_sentry

_LOG = logging.getLogger(__name__)


def run(settings: Settings) -> None:
    """Run the bot against the Telegram Bot API at settings.telegram_api_url."""
    if settings.telegram_token is None:
        raise ValueError("run needs a token; without one, the demo runs instead")
    sentry_on = init_sentry(
        settings.sentry_dsn.get_secret_value() if settings.sentry_dsn else None
    )
    console = console_of(settings)
    upgrade(settings.database_url)
    asyncio.run(_serve(settings, console, sentry_on=sentry_on))


def console_of(settings: Settings) -> Console | None:
    """The staff console: beside the webhook in webhook mode, else on its own address; none
    when its files are missing. The bot runs without it: alerts and the concern ladder must
    not wait for a web page's styles."""
    host, port = settings.console_address
    try:
        return Console(console_settings(settings), host, port)
    except ConfigurationError as error:
        _LOG.error("the staff console is off: %s", error)
        return None


def webhook_of(settings: Settings) -> Webhook | None:
    """Webhook mode, when WAYPOINT_WEBHOOK_URL is set; long polling otherwise."""
    if settings.webhook_url is None or settings.webhook_secret is None:
        return None
    host, port = settings.webhook_address
    return Webhook(settings.webhook_url, host, port, settings.webhook_secret.get_secret_value())


async def _serve(settings: Settings, console: Console | None, *, sentry_on: bool) -> None:
    if sentry_on:
        # The asyncio integration must be switched on inside the running loop.
        enable_asyncio_integration()
    assert settings.telegram_token is not None  # noqa: S101  (checked by run)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signal_number, stopping.set)
    running = bootstrap(settings, api_url=settings.telegram_api_url)
    freeze_what_lasts()
    # Until Telegram has answered getMe, a failure is the one line `waypoint` prints (cannot
    # reach Telegram, or it refuses the token), not python-telegram-bot's own ERROR and
    # traceback (it logs one when something that is not the Bot API answers).
    requests = logging.getLogger("telegram.request")
    level = requests.level
    requests.setLevel(logging.CRITICAL)
    try:
        async with serving(
            running,
            token=settings.telegram_token.get_secret_value(),
            api_url=settings.telegram_api_url,
            webhook=webhook_of(settings),
            console=console,
        ) as served:
            requests.setLevel(level)
            if console is None:
                _LOG.info("Waypoint is running, without the staff console")
            else:
                _LOG.info("Waypoint is running; the staff console is at %s/", settings.console_url)
            stop, broken = (
                asyncio.ensure_future(stopping.wait()),
                asyncio.ensure_future(served.broken.wait()),
            )
            await asyncio.wait([stop, broken], return_when=asyncio.FIRST_COMPLETED)
            stop.cancel()
            broken.cancel()
            _LOG.info("Waypoint is stopping")
    finally:
        requests.setLevel(level)
    _LOG.info("Waypoint has stopped")
    if served.broken.is_set():
        # Exit non-zero so systemd or Docker starts it again; nothing stored is lost.
        raise SystemExit(1)
