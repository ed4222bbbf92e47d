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
from dataclasses import dataclass

from bot.adapters.db.inbox import Received
from bot.adapters.outbox.sender import owner_name
from bot.adapters.telegram.application import WaypointApplication, build_application
from bot.adapters.telegram.context import waypoint_in
from bot.adapters.telegram.dispatcher import Dispatcher, DispatchSettings, SetAsideHook
from bot.adapters.telegram.handlers import courtesy
from bot.adapters.telegram.polling import Poller
from bot.entrypoints.bootstrap import Running

_LOG = logging.getLogger(__name__)


@dataclass
class Serving:
    """What is running while Waypoint serves Telegram."""

    application: WaypointApplication
    dispatcher: Dispatcher
    poller: Poller


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
                on_set_aside=_sorry(application),
            )  # fmt: skip
            poller = Poller(
                application.bot, running.waypoint.uow, dispatcher, timeout=poll_timeout
            )
            recovering = asyncio.create_task(dispatcher.run(), name="waypoint-inbox-recovery")
            polling = asyncio.create_task(poller.run(), name="waypoint-poller")
            try:
                yield Serving(application, dispatcher, poller)
            finally:
                poller.stop()
                polling.cancel()
                await asyncio.gather(polling, return_exceptions=True)
                await dispatcher.stop()
                await asyncio.gather(recovering, return_exceptions=True)
                await application.stop()
    finally:
        await running.close()


def _sorry(application: WaypointApplication) -> SetAsideHook:
    async def tell(item: Received) -> None:
        # Direct, not queued: the database may be what keeps failing.
        if item.chat_id is None or item.chat_id < 0:
            return
        text = waypoint_in(application).catalogue.render("error_general", {})
        await courtesy(application.bot.send_message(item.chat_id, text))

    return tell
