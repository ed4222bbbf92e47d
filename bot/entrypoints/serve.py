"""Serving Telegram: one start-up and shut-down sequence for `waypoint run`, the demo, the
tests and the benchmarks.

Start: the Application (handlers and the ladder's clock), the sender, the dispatcher, then
the poller. Stop, in reverse: no more updates are fetched, the updates in hand are finished
(or handed back to the inbox), the sender finishes what it is sending, connections close.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from bot.adapters.db.inbox import Received
from bot.adapters.outbox.sender import owner_name
from bot.adapters.telegram.application import WaypointApplication, build_application
from bot.adapters.telegram.context import waypoint_in
from bot.adapters.telegram.dispatcher import Dispatcher, DispatchSettings, SetAsideHook
from bot.adapters.telegram.handlers import courtesy
from bot.adapters.telegram.polling import Poller
from bot.adapters.telegram.updates import words_in
from bot.entrypoints.bootstrap import Running
from bot.services.concerns import do_raise_unhandled

_LOG = logging.getLogger(__name__)


@dataclass
class Serving:
    """What is running while Waypoint serves Telegram."""

    application: WaypointApplication
    dispatcher: Dispatcher
    poller: Poller
    # Set when a part that must keep running stopped by itself: whoever serves should stop
    # (and be restarted by systemd or Docker) rather than run on deaf.
    broken: asyncio.Event = field(default_factory=asyncio.Event)

    def watch(self, task: asyncio.Task[None], what: str) -> None:
        """Make it loud (CRITICAL, so Sentry) and set `broken` if `task` ends on its own."""

        def ended(done: asyncio.Task[None]) -> None:
            if done.cancelled():
                return
            error = done.exception()
            if error is not None or not self.poller.stopping:
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
) -> AsyncIterator[Serving]:
    """Serve Telegram by long polling until the block ends; `running` is closed afterwards."""
    application = build_application(
        running.waypoint, token=token, api_url=api_url, read_timeout=read_timeout
    )
    try:
        async with application:
            await running.start_sending()
            await application.start()
            dispatcher = Dispatcher(
                application, running.waypoint.uow, owner=owner_name(), settings=dispatch,
                on_set_aside=_after_set_aside(application),
            )  # fmt: skip
            poller = Poller(
                application.bot, running.waypoint.uow, dispatcher, timeout=poll_timeout
            )
            recovering = asyncio.create_task(dispatcher.run(), name="waypoint-inbox-recovery")
            polling = asyncio.create_task(poller.run(), name="waypoint-poller")
            served = Serving(application, dispatcher, poller)
            served.watch(recovering, "inbox recovery")
            served.watch(polling, "polling")
            if running.sending is not None:
                served.watch(running.sending, "the outbox sender")
            try:
                yield served
            finally:
                poller.stop()
                polling.cancel()
                await asyncio.gather(polling, return_exceptions=True)
                await dispatcher.stop()
                await asyncio.gather(recovering, return_exceptions=True)
                await application.stop()
    finally:
        await running.close()


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
            _LOG.error("update %s: could not raise it as a concern: %s", item.update_id,
                       type(error).__name__)  # fmt: skip
        # Direct, not queued: the database may be what keeps failing.
        text = waypoint.catalogue.render("error_general", {})
        await courtesy(application.bot.send_message(item.chat_id, text))

    return act
