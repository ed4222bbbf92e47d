"""Long polling that stores every update before Telegram is told it arrived.

Telegram forgets an update once a later getUpdates call's `offset` goes past it. So each batch
is committed to the inbox first, and only then does the next call move the offset on: if
Waypoint dies at any moment, an update is either still with Telegram or safely stored.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta

from telegram import Bot
from telegram.error import Conflict, InvalidToken, RetryAfter, TelegramError

from bot.adapters.db.uow import UnitOfWorkFactory
from bot.adapters.telegram.dispatcher import Dispatcher
from bot.adapters.telegram.intake import Intake
from bot.adapters.telegram.updates import ALLOWED_UPDATES, fetch_updates, received
from bot.clock import Clock, system_clock
from bot.services.health import HEARTBEAT

_LOG = logging.getLogger(__name__)
# How often the poller records that it is alive, for `waypoint health`.
BEAT_EVERY = timedelta(seconds=30)
# Updates held by this instance (queued or being handled) before it stops fetching more.
BACKLOG = 5_000


class Poller:
    """Fetches updates from Telegram, stores them, then hands them to the dispatcher."""

    def __init__(
        self,
        bot: Bot,
        uow: UnitOfWorkFactory,
        dispatcher: Dispatcher,
        *,
        clock: Clock = system_clock,
        timeout: int = 10,
    ) -> None:
        self._bot = bot
        self._uow = uow
        self._dispatcher = dispatcher
        self._intake = Intake(uow, dispatcher, clock=clock)
        self._clock = clock
        self._timeout = timeout
        self._offset = 0
        self._stopping = asyncio.Event()
        self._last_beat: datetime | None = None
        self._pause = 0.0

    async def run(self) -> None:
        """Poll until `stop`; network trouble and database trouble are waited out, and
        nothing but `stop` ends it."""
        webhook_cleared = False
        while not self._stopping.is_set():
            try:
                if not webhook_cleared:
                    # A webhook left by another deployment would make every getUpdates fail.
                    await self._bot.delete_webhook(drop_pending_updates=False)
                    webhook_cleared = True
                if self._dispatcher.held >= BACKLOG:
                    # Handling is behind: leave the rest with Telegram for now.
                    await self._wait(0.2)
                    continue
                await self.poll_once()
                self._pause = 0.0
            except Exception as error:
                await self._wait_after(error)

    async def poll_once(self) -> int:
        """One getUpdates call: store what came, then let the next call confirm it."""
        raw = await fetch_updates(
            self._bot, offset=self._offset, timeout=self._timeout, allowed=ALLOWED_UPDATES
        )
        batch = [item for item in (received(entry) for entry in raw) if item is not None]
        if batch:
            await self._intake.take(batch)
            # Only now may Telegram forget them: the next call carries this offset.
            self._offset = max(item.update_id for item in batch) + 1
        await self._beat()
        return len(batch)

    async def _beat(self) -> None:
        now = self._clock()
        if self._last_beat is not None and now - self._last_beat < BEAT_EVERY:
            return
        async with self._uow() as uow:
            await uow.heartbeats.beat(HEARTBEAT, now)
            await uow.commit()
        self._last_beat = now

    async def _wait_after(self, error: Exception) -> None:
        """Back off after a failed round, saying why (never what was in it)."""
        match error:
            case RetryAfter():
                wait = error.retry_after
                seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            case Conflict():
                # Another instance polls with the same token, or a webhook is set.
                _LOG.error("Telegram refuses polling (%s): is another Waypoint running?", error)
                seconds = 5.0
            case InvalidToken():
                _LOG.critical("Telegram rejects the bot token; polling is paused")
                seconds = 60.0
            case TelegramError():
                self._pause = min(max(self._pause * 2, 0.5), 30.0)
                _LOG.warning("getUpdates failed (%s); trying again", type(error).__name__)
                seconds = self._pause
            case _:
                # Most likely the database: the batch was not stored, so it is not confirmed.
                self._pause = min(max(self._pause * 2, 0.5), 30.0)
                _LOG.error("could not store updates (%s); trying again", type(error).__name__)
                seconds = self._pause
        await self._wait(seconds)

    async def _wait(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    def stop(self) -> None:
        """Stop after the current long poll (the caller cancels it to stop at once)."""
        self._stopping.set()

    @property
    def stopping(self) -> bool:
        """Whether `stop` was called."""
        return self._stopping.is_set()
