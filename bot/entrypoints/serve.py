"""Serving Telegram: one start-up and shut-down sequence for `waypoint run`, the demo, the
tests and the benchmarks.

Start: the Application (its handlers), the sender, the clock's ticks, the dispatcher, then
the way updates come in: the poller, or in webhook mode a web server for Telegram's calls.
Stop, in reverse: no more updates come in, the updates in hand are finished (or handed back
to the inbox), the sender finishes what it is sending, connections close. Either way every
update is stored before Telegram is told it arrived (bot.adapters.telegram.intake).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.routing import BaseRoute
from telegram import Bot
from telegram.error import NetworkError, RetryAfter

from bot.adapters.db.inbox import Received
from bot.adapters.outbox.sender import owner_name
from bot.adapters.telegram.application import WaypointApplication, build_application
from bot.adapters.telegram.context import waypoint_in
from bot.adapters.telegram.dispatcher import Dispatcher, DispatchSettings, SetAsideHook
from bot.adapters.telegram.handlers import courtesy
from bot.adapters.telegram.intake import Intake
from bot.adapters.telegram.polling import Poller
from bot.adapters.telegram.updates import ALLOWED_UPDATES, words_in
from bot.adapters.telegram.webhook import webhook_app
from bot.adapters.web.app import ConsoleSettings, console_routes
from bot.config import ConfigurationError
from bot.entrypoints.bootstrap import Running, log_drafts
from bot.entrypoints.console import serving_web
from bot.entrypoints.ticks import Ticks
from bot.services.concerns import do_raise_unhandled

_LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class Webhook:
    """Webhook mode: where Telegram calls (`url`, public), where Waypoint listens, and the
    secret Telegram sends back in every call."""

    url: str
    host: str
    port: int
    secret: str

    @property
    def path(self) -> str:
        """The path of the URL: what a reverse proxy passes on to Waypoint."""
        return urlsplit(self.url).path or "/"


@dataclass(frozen=True)
class Console:
    """The staff console: its settings, and where it listens unless beside the webhook."""

    settings: ConsoleSettings
    host: str
    port: int


@dataclass
class Serving:
    """What is running while Waypoint serves Telegram."""

    application: WaypointApplication
    dispatcher: Dispatcher
    poller: Poller | None
    # The clock's ticks (the ladder, reminders, goal check-ins and digests, ...).
    ticks: Ticks
    # Set when a part that must keep running stopped by itself: whoever serves should stop
    # (and be restarted by systemd or Docker) rather than run on deaf.
    broken: asyncio.Event = field(default_factory=asyncio.Event)
    stopping: bool = False

    def watch(self, task: asyncio.Task[None], what: str) -> None:
        """Make it loud (CRITICAL, so Sentry) and set `broken` if `task` ends on its own."""

        def ended(done: asyncio.Task[None]) -> None:
            if done.cancelled():
                return
            error = done.exception()
            if error is not None or not self.stopping:
                _LOG.critical("%s stopped: %s", what, type(error).__name__ if error else "ended")
                self.broken.set()

        task.add_done_callback(ended)


@contextlib.asynccontextmanager
async def serving(
    running: Running,
    *,
    token: str,
    api_url: str,
    poll_timeout: int = 10,
    read_timeout: float | None = None,
    dispatch: DispatchSettings | None = None,
    webhook: Webhook | None = None,
    console: Console | None = None,
) -> AsyncIterator[Serving]:
    """Serve Telegram until the block ends, by long polling or, given `webhook`, by taking
    Telegram's calls, and the staff console given `console`; `running` is closed afterwards."""
    application = build_application(
        running.waypoint, token=token, api_url=api_url, read_timeout=read_timeout
    )
    try:
        async with application:
            await running.start_sending()
            await application.start()
            await running.load_wordings()
            log_drafts(running.waypoint.catalogue)
            ticks = Ticks(running.waypoint, menus=running.transport)
            ticks.start()
            dispatcher = Dispatcher(
                application,
                running.waypoint.uow,
                owner=owner_name(),
                settings=dispatch,
                on_set_aside=_after_set_aside(application),
            )
            recovering = asyncio.create_task(dispatcher.run(), name="waypoint-inbox-recovery")
            served = Serving(application, dispatcher, None, ticks)
            served.watch(recovering, "inbox recovery")
            if running.sending is not None:
                served.watch(running.sending, "the outbox sender")
            async with _updates_coming_in(served, running, webhook, poll_timeout, console):
                try:
                    yield served
                finally:
                    served.stopping = True
            await dispatcher.stop()
            await asyncio.gather(recovering, return_exceptions=True)
            ticks.stop()
            await application.stop()
    finally:
        await running.close()


@contextlib.asynccontextmanager
async def _updates_coming_in(
    served: Serving,
    running: Running,
    webhook: Webhook | None,
    poll_timeout: int,
    console: Console | None,
) -> AsyncIterator[None]:
    """The poller (and the console's own web server), or the webhook's web server serving
    the console beside it (and Telegram told where to call)."""
    bot, waypoint = served.application.bot, running.waypoint
    pages: Sequence[BaseRoute] = ()
    if console is not None:
        # Telegram told the bot its username at start-up (getMe): invite links need it.
        known = console.settings.bot_username or bot.username
        settings = dataclasses.replace(console.settings, bot_username=known)
        pages = console_routes(waypoint.uow, waypoint.clock, settings)
    if webhook is None:
        served.poller = Poller(bot, waypoint.uow, served.dispatcher, timeout=poll_timeout)
        taking = asyncio.create_task(served.poller.run(), name="waypoint-poller")
        served.watch(taking, "polling")
        try:
            async with contextlib.AsyncExitStack() as stack:
                if console is not None:
                    app = Starlette(routes=list(pages))
                    try:
                        web = await stack.enter_async_context(
                            serving_web(app, console.host, console.port)
                        )
                    except ConfigurationError as error:
                        # Its address taken: the bot still runs; alerts cannot wait on it.
                        _LOG.error("the staff console is off: %s", error)
                    else:
                        served.watch(web, "the staff console's web server")
                yield
        finally:
            served.poller.stop()
            taking.cancel()
            await asyncio.gather(taking, return_exceptions=True)
        return
    app = webhook_app(
        path=webhook.path,
        secret=webhook.secret,
        intake=Intake(waypoint.uow, served.dispatcher),
        beside=pages,
    )
    async with serving_web(
        app, webhook.host, webhook.port, variable="WAYPOINT_WEBHOOK_LISTEN"
    ) as taking:
        served.watch(taking, "the webhook's web server")
        await _set_webhook(bot, webhook)
        yield


async def _set_webhook(bot: Bot, webhook: Webhook) -> None:
    """Tell Telegram where to call (every instance says the same; a passing fault is tried
    again)."""
    for attempt in range(1, 6):
        try:
            await bot.set_webhook(
                webhook.url,
                secret_token=webhook.secret,
                allowed_updates=ALLOWED_UPDATES,
                drop_pending_updates=False,
            )
        except (NetworkError, RetryAfter) as error:
            if attempt == 5:
                raise
            _LOG.warning("setWebhook failed (%s); trying again", type(error).__name__)
            await asyncio.sleep(attempt)
        else:
            return


def _after_set_aside(application: WaypointApplication) -> SetAsideHook:
    """What happens to an update set aside: from a young person it becomes a concern (it may
    have been a worry); anyone else is told something went wrong."""

    async def act(item: Received) -> None:
        if item.chat_id is None or item.chat_id < 0:
            return
        waypoint = waypoint_in(application)
        try:
            if await do_raise_unhandled(
                waypoint.uow(), item.chat_id, words_in(item.payload), now=waypoint.clock()
            ):
                return
        except Exception as error:
            _LOG.error(
                "update %s: could not raise it as a concern: %s",
                item.update_id,
                type(error).__name__,
            )
        # Direct, not queued: the database may be what keeps failing. In the shipped words
        # (draft or not): which council they belong to cannot be asked, and the apology
        # must not fail too.
        text = waypoint.catalogue.for_safety().render("error_general", {})
        await courtesy(application.bot.send_message(item.chat_id, text))

    return act
