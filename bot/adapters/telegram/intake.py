"""Taking updates in: stored in the inbox first, then handed to the dispatcher.

The poller and the webhook both come through here. What is returned has been committed: only
then may Telegram be told the update arrived (the next getUpdates offset, or the webhook's
HTTP 200). One update the database will not take is recorded as set aside on its own, so it
cannot stall everyone else's.
"""

from __future__ import annotations

import asyncio

from bot.adapters.db.inbox import Received
from bot.adapters.db.uow import UnitOfWorkFactory
from bot.adapters.telegram.dispatcher import Dispatcher
from bot.clock import Clock, system_clock


class Intake:
    """Stores updates durably and hands the new ones over."""

    def __init__(
        self, uow: UnitOfWorkFactory, dispatcher: Dispatcher, *, clock: Clock = system_clock
    ) -> None:
        self._uow = uow
        self._dispatcher = dispatcher
        self._clock = clock

    async def take(self, batch: list[Received]) -> list[Received]:
        """Store the batch; if it will not go in whole, each update on its own, and one that
        cannot be stored at all is recorded as set aside, so it cannot stall everyone's.
        (With the database down nothing can be stored, and this raises.) Returns the updates
        that were new, which are handed to the dispatcher."""
        try:
            fresh = await self._store_rows(batch)
        except Exception:
            fresh = [kept for item in batch for kept in await self._store_alone(item)]
        self._dispatcher.submit(fresh)
        return fresh

    async def _store_alone(self, item: Received) -> list[Received]:
        for attempt in range(2):
            try:
                return await self._store_rows([item])
            except Exception as error:
                problem = f"could not be stored: {type(error).__name__}"
                if attempt == 0:
                    await asyncio.sleep(0.5)  # a passing fault gets a second chance
        # Recorded without its contents (raises, and confirms nothing, if the database is down).
        async with self._uow() as uow:
            await uow.inbox.store_unstorable(item, now=self._clock(), problem=problem)
            await uow.commit()
        await self._dispatcher.told_set_aside(item, problem)
        return []

    async def _store_rows(self, batch: list[Received]) -> list[Received]:
        now = self._clock()
        async with self._uow() as uow:
            new = set(
                await uow.inbox.store(
                    batch,
                    owner=self._dispatcher.owner,
                    now=now,
                    lease_until=now + self._dispatcher.lease,
                )
            )
            await uow.commit()
        # Already stored (Telegram sent it again after a restart): recovery has it.
        return [item for item in batch if item.update_id in new]
