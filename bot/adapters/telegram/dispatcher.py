"""Handling stored updates: each chat's updates in order, different chats at the same time.

Updates come from the poller (or a webhook) once they are safely in the inbox. A flood from
one chat queues behind itself and holds at most one handler at a time, so it cannot hold up
another young person's worry. An update whose handler fails before it commits anything is
tried again a little later, and after `retry_limit` failures it is set aside for an operator.
An update that cannot even be read is set aside at once. Neither is ever logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram import Update

from bot.adapters.db.inbox import Handling, Received, handling
from bot.adapters.db.uow import UnitOfWorkFactory
from bot.clock import Clock, system_clock

_LOG = logging.getLogger(__name__)
ChatKey = int | str
# How long handled updates wait to be marked handled together.
MARK_AFTER = 0.1
# A lost race for a row lock (a deadlock PostgreSQL broke) is tried again this many times.
MARK_ATTEMPTS = 3
# Told when an update is set aside, so the person who sent it hears something went wrong.
SetAsideHook = Callable[[Received], Awaitable[None]]


def _error_name(error: Exception) -> str:
    """The error's kind, and the driver's beneath SQLAlchemy's wrapper: never its message,
    which can quote an update's words."""
    cause = getattr(error, "orig", None)
    return type(error).__name__ + (f" ({type(cause).__name__})" if cause is not None else "")


async def _nothing(_: Received) -> None:
    """No one to tell (tests that look at the inbox itself)."""


@dataclass(frozen=True)
class DispatchSettings:
    """How many updates are handled at once, and how a failing one is tried again."""

    # Different chats handled at the same time (each chat's own updates one at a time).
    concurrency: int = 16
    # How long an instance holds an update; renewed while it is held, so only a dead
    # instance's updates are ever taken over.
    lease: timedelta = timedelta(seconds=15)
    recover_every: timedelta = timedelta(seconds=2)
    retry_limit: int = 5
    first_retry: timedelta = timedelta(seconds=2)
    longest_retry: timedelta = timedelta(minutes=1)

    def backoff(self, attempts: int) -> timedelta:
        """How long an update waits after its handler failed `attempts` times (doubling)."""
        doubled: timedelta = self.first_retry * 2 ** min(max(attempts - 1, 0), 20)
        return min(doubled, self.longest_retry)


class Dispatcher:
    """Feeds stored updates to the Application's handlers; safe to run on every instance."""

    def __init__(
        self,
        application: Any,
        uow: UnitOfWorkFactory,
        *,
        owner: str,
        clock: Clock = system_clock,
        settings: DispatchSettings | None = None,
        on_set_aside: SetAsideHook = _nothing,
    ) -> None:
        self._application = application
        self._uow = uow
        self.owner = owner
        self._clock = clock
        self.settings = settings or DispatchSettings()
        self._slots = asyncio.Semaphore(self.settings.concurrency)
        self.lease = self.settings.lease
        self._on_set_aside = on_set_aside
        self._queues: dict[ChatKey, deque[Received]] = {}
        self._workers: dict[ChatKey, asyncio.Task[None]] = {}
        # Every update queued or being handled here; its lease is renewed while it is held.
        self._held: set[int] = set()
        self._unmarked: list[Handling] = []
        self._marking: asyncio.Task[None] | None = None
        self._settled = asyncio.Event()
        self._settled.set()
        self._stopping = asyncio.Event()

    def submit(self, updates: Iterable[Received]) -> None:
        """Queue stored updates behind the earlier ones from the same chat."""
        for item in updates:
            if item.update_id in self._held:
                continue
            self._held.add(item.update_id)
            self._settled.clear()
            key: ChatKey = item.chat_id if item.chat_id is not None else f"u{item.update_id}"
            queue = self._queues.setdefault(key, deque())
            # In update order, even for one taken over after a crash or tried again: behind
            # the one being handled, ahead of any that came later.
            place = len(queue)
            while place > (1 if key in self._workers else 0) and (
                queue[place - 1].update_id > item.update_id
            ):
                place -= 1
            queue.insert(place, item)
            if key not in self._workers:
                self._workers[key] = asyncio.create_task(self._drain(key), name=f"chat {key}")

    async def settled(self) -> None:
        """Wait until nothing is queued or being handled here."""
        await self._settled.wait()

    @property
    def held(self) -> int:
        """How many updates are queued or being handled here."""
        return len(self._held)

    async def _drain(self, key: ChatKey) -> None:
        queue = self._queues[key]
        try:
            while queue and not self._stopping.is_set():
                item = queue[0]
                async with self._slots:
                    unmarked = await self._handle_logged(item)
                queue.popleft()
                if unmarked is not None:
                    self._mark_soon(unmarked)
                else:
                    self._release(item.update_id)
        finally:
            del self._workers[key]
            if not queue:
                self._queues.pop(key, None)

    def _release(self, update_id: int) -> None:
        self._held.discard(update_id)
        if not self._held:
            self._settled.set()

    def _mark_soon(self, handled: Handling) -> None:
        """Updates whose handlers committed nothing are marked handled together, a moment
        later: one write instead of one per update (a stranger's flood writes nothing else).
        Until then they stay held here, so no other instance takes them over."""
        self._unmarked.append(handled)
        if self._marking is None:
            self._marking = asyncio.create_task(self._mark_batch(), name="inbox marks")

    async def _mark_batch(self) -> None:
        await asyncio.sleep(MARK_AFTER)
        batch, self._unmarked, self._marking = self._unmarked, [], None
        # In update order, so the rows are locked in a known order (recovery's renewal, the
        # other writer of several rows, passes over locked rows rather than wait for them).
        batch.sort(key=lambda handled: handled.update_id)
        for attempt in range(1, MARK_ATTEMPTS + 1):
            try:
                async with self._uow() as uow:
                    for handled in batch:
                        await uow.inbox.mark_handled(handled.update_id, now=handled.started_at)
                    await uow.commit()
                break
            except Exception as error:
                # Still pending if every try fails: recovery hands them out again, and their
                # handlers had nothing to keep.
                _LOG.error(
                    "could not mark %s updates handled (try %s of %s): %s",
                    len(batch),
                    attempt,
                    MARK_ATTEMPTS,
                    _error_name(error),
                )
                if attempt < MARK_ATTEMPTS:
                    await asyncio.sleep(MARK_AFTER * attempt)
        for handled in batch:
            self._release(handled.update_id)

    async def _handle_logged(self, item: Received) -> Handling | None:
        try:
            return await self.handle(item)
        except Exception as error:
            # The lease runs out and recovery tries it again; never its words in the log.
            _LOG.error("update %s could not be handled: %s", item.update_id, type(error).__name__)
            return None

    async def handle(self, item: Received) -> Handling | None:
        """Handle one stored update through the Application, at most once; returns it when
        it still has to be marked handled (its handlers committed nothing)."""
        current = Handling(item.update_id, started_at=self._clock())
        try:
            update = Update.de_json(item.payload, self._application.bot)
        except Exception as error:
            await self._set_aside(item, f"unreadable: {type(error).__name__}")
            return None
        token = handling.set(current)
        try:
            await self._application.process_update(update)
        finally:
            handling.reset(token)
        if current.failed and not current.marked:
            await self._try_again(item)
            return None
        return None if current.marked else current

    async def _try_again(self, item: Received) -> None:
        async with self._uow() as uow:
            attempts = await uow.inbox.try_again(
                item.update_id, now=self._clock(), backoff=self.settings.backoff
            )
            await uow.commit()
        if attempts >= self.settings.retry_limit:
            await self._set_aside(item, f"handler failed {attempts} times")

    async def _set_aside(self, item: Received, problem: str) -> None:
        """Keep it for an operator, loudly (Sentry), and act on it (bot.entrypoints.serve)."""
        async with self._uow() as uow:
            await uow.inbox.set_aside(item.update_id, now=self._clock(), problem=problem)
            await uow.commit()
        await self.told_set_aside(item, problem)

    async def told_set_aside(self, item: Received, problem: str) -> None:
        """An update was set aside (here, or by the poller): say so loudly and act on it."""
        _LOG.error("update %s set aside: %s", item.update_id, problem)
        await self._on_set_aside(item)

    async def run(self) -> None:
        """Take over updates whose lease ran out, and keep the leases on those held here."""
        while not self._stopping.is_set():
            try:
                await self.recover()
            except Exception as error:
                _LOG.error("inbox recovery failed (%s); trying again", type(error).__name__)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self._stopping.wait(), self.settings.recover_every.total_seconds()
                )

    async def recover(self) -> int:
        """One round of recovery; returns how many updates were taken over."""
        now = self._clock()
        async with self._uow() as uow:
            await uow.inbox.renew(
                sorted(self._held), owner=self.owner, lease_until=now + self.lease
            )
            taken = await uow.inbox.claim_expired(
                owner=self.owner,
                now=now,
                lease_until=now + self.lease,
                limit=100,
                skip=set(self._held),
            )
            await uow.commit()
        self.submit(taken)
        return len(taken)

    async def stop(self, *, grace: float = 5.0) -> None:
        """Finish the updates being handled (for up to `grace` seconds); hand back the rest."""
        self._stopping.set()
        workers = list(self._workers.values())
        if workers:
            await asyncio.wait(workers, timeout=grace)
        for worker in workers:
            worker.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        if self._marking is not None:
            await asyncio.gather(self._marking, return_exceptions=True)
        left = sorted(self._held)
        if left:
            with contextlib.suppress(Exception):
                async with self._uow() as uow:
                    await uow.inbox.release(left, owner=self.owner, now=self._clock())
                    await uow.commit()
