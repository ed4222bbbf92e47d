"""The sender: drains the outbox in priority order at Telegram's pace, on every instance.

Each round it claims a few due rows (a slot each, no further ahead than `horizon`), starts
sending each at its slot, and claims again when the last slot comes round, so the pace is
steady and a new safety message waits behind at most `horizon` of promised slots.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
import random
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.adapters.db.uow import SqlUnitOfWork, UnitOfWorkFactory
from bot.adapters.outbox.claims import Claim, Claimed, claim_due, forget_idle_chats, hand_over
from bot.clock import Clock, system_clock
from bot.domain.outbox import (
    TELEGRAM_PER_SECOND,
    Outage,
    Outcome,
    Pace,
    RecentSends,
    Sent,
    TryAgain,
)
from bot.services.delivery import do_fail_exhausted, record_outcome

_LOG = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]


class Transport(Protocol):
    """Whatever takes one message to Telegram and says how it went."""

    async def send(
        self,
        chat_id: int,
        text: str,
        reply_markup: dict[str, Any] | None,
        *,
        silent: bool = False,
    ) -> Outcome:
        """Send one message."""


@dataclass(frozen=True)
class SenderSettings:
    """How the sender paces itself and when it gives up."""

    pace: Pace = field(default_factory=Pace)
    lease: timedelta = timedelta(seconds=30)
    horizon: timedelta = timedelta(milliseconds=100)
    batch: int = 10
    max_attempts: int = 8
    poll: timedelta = timedelta(milliseconds=250)


@dataclass(frozen=True)
class _Heard:
    """How one send went, waiting to be recorded with the next claim."""

    message_id: int
    outcome: Outcome
    at: datetime
    jitter: float
    outage: timedelta | None


def owner_name() -> str:
    """A name for this sender that no other live sender shares."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{random.getrandbits(32):08x}"


class Sender:
    """Claims, paces, sends and records; safe to run on several instances at once."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        transport: Transport,
        *,
        settings: SenderSettings | None = None,
        clock: Clock = system_clock,
        sleep: Sleep = asyncio.sleep,
        owner: str | None = None,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self._uow = uow
        self._transport = transport
        self.settings = settings or SenderSettings()
        self._clock = clock
        self._sleep = sleep
        self.owner = owner or owner_name()
        self._jitter = jitter
        self._bell = asyncio.Event()
        self._stopping = False
        self._in_flight: set[asyncio.Task[None]] = set()
        self._sending: set[int] = set()
        # Outcomes of this round's sends, recorded in the next claim's transaction: one write
        # a round instead of one a message. Until then the rows stay leased to this sender,
        # so a crash meanwhile sends them again (at least once), never loses them.
        self._heard: list[_Heard] = []
        rate = math.floor(self.settings.pace.overall_per_second)
        self._recent = RecentSends(min(TELEGRAM_PER_SECOND, rate + 1))
        self._outage = Outage()
        # When this sender last heard back from a send to each chat (see _chat_gap).
        self._chat_answered: dict[int, datetime] = {}

    def wake(self) -> None:
        """Something was queued in this process: look now instead of at the next poll."""
        self._bell.set()

    async def claim(self) -> Claim:
        """Record the outcomes heard since the last claim, and lease the next due rows to this
        sender, in one short transaction."""
        heard, self._heard = self._heard, []
        try:
            return await self._record_and_claim(heard)
        except Exception:
            # One outcome that cannot be stored must not stop the others, nor every claim.
            await self._record_each(heard)
            raise

    async def _record_and_claim(self, heard: list[_Heard]) -> Claim:
        async with self._uow() as uow:
            for item in heard:
                await self._record_in(uow, item)
            claim = await claim_due(
                uow.session,
                owner=self.owner,
                now=self._clock(),
                pace=self.settings.pace,
                lease=self.settings.lease,
                horizon=self.settings.horizon,
                limit=self.settings.batch,
            )
            await uow.commit()
        return claim

    async def _record_each(self, heard: list[_Heard]) -> None:
        """Each outcome in its own transaction; one that still fails is left to its lease
        (the message is sent again), and only its type is logged."""
        for item in heard:
            try:
                await self._record(item)
            except Exception as error:
                _LOG.error(
                    "recording outbox row %s failed: %s", item.message_id, type(error).__name__
                )

    async def _record(self, item: _Heard) -> None:
        """One outcome in its own transaction."""
        async with self._uow() as uow:
            await self._record_in(uow, item)
            await uow.commit()

    async def _record_in(self, uow: SqlUnitOfWork, item: _Heard) -> None:
        await record_outcome(
            uow,
            item.message_id,
            item.outcome,
            owner=self.owner,
            now=item.at,
            max_attempts=self.settings.max_attempts,
            jitter=item.jitter,
            outage=item.outage,
        )

    async def deliver(self, message: Claimed) -> None:
        """Send one claimed message at its slot and record what happened, now."""
        heard = await self._deliver_once(message)
        if heard is not None:
            await self._record(heard)

    async def _deliver_once(self, message: Claimed) -> _Heard | None:
        if message.id in self._sending:
            # Our own lease ran out while the first send is still waiting for Telegram;
            # that send will record the outcome, and a second copy would be a duplicate.
            return None
        self._sending.add(message.id)
        try:
            return await self._deliver(message)
        finally:
            self._sending.discard(message.id)

    async def _deliver(self, message: Claimed) -> _Heard | None:
        if message.attempts > self.settings.max_attempts:
            await do_fail_exhausted(self._uow(), message.id, owner=self.owner, now=self._clock())
            return None
        await self._wait_until(message.send_at)
        while (hold := self._recent.wait_before_next(self._clock())) > timedelta(0):
            await self._sleep(hold.total_seconds())
        if (hold := self._chat_gap(message.chat_id)) > timedelta(0):
            await self._sleep(hold.total_seconds())
        if self._clock() > message.send_at + self.settings.lease / 2:
            # So late that the lease may run out mid-send and another sender take the row:
            # leave it to come back rather than risk sending it twice.
            return None
        if message.reminder_id is not None and not await self._hand_over(message):
            # Its session was moved or cancelled since the claim (SE-5).
            return None
        ticket = self._recent.begin()
        try:
            outcome: Outcome = await self._transport.send(
                message.chat_id, message.text, message.reply_markup, silent=message.silent
            )
        finally:
            answered = self._clock()
            self._recent.end(ticket, answered)
            self._chat_answered[message.chat_id] = answered
        return _Heard(
            message.id, outcome, self._clock(), self._jitter(), self._note(message.id, outcome)
        )

    async def _hand_over(self, message: Claimed) -> bool:
        """A reminder is checked again just before it goes, and held past its send-by time:
        if this sender dies mid-send, the next finds it too late rather than sending it a
        second time. Reminders are at most once ("never twice"); safety messages, which never
        come here, are at least once."""
        lease_end = message.send_at + self.settings.lease
        until = max(lease_end, message.send_by or lease_end)
        async with self._uow() as uow:
            ours = await hand_over(uow.session, row_id=message.id, owner=self.owner, until=until)
            await uow.commit()
        return ours

    def _chat_gap(self, chat_id: int) -> timedelta:
        """How long to hold a send so that it reaches a chat a full gap after this sender's
        last message to it arrived: a slot is when a send may leave, and a busy moment can make
        the one before it leave (and arrive) late."""
        last = self._chat_answered.get(chat_id)
        if last is None:
            return timedelta(0)
        now = self._clock()
        if len(self._chat_answered) > 10_000:
            self._chat_answered = {
                chat: at
                for chat, at in self._chat_answered.items()
                if now - at < timedelta(seconds=5)
            }
        return max(last + self.settings.pace.chat_gap(chat_id) - now, timedelta(0))

    def _note(self, message_id: int, outcome: Outcome) -> timedelta | None:
        """Count the outcome towards an outage; the pause to take if Telegram is down."""
        was_down = self._outage.down
        pause = self._outage.after(
            message_id, failed=isinstance(outcome, TryAgain), worked=isinstance(outcome, Sent)
        )
        if self._outage.down and not was_down:
            # Loud (Sentry): nothing reaches anyone while this lasts.
            _LOG.error("every send to Telegram is failing; sending is paused and retried")
        elif was_down and not self._outage.down:
            _LOG.warning("Telegram is taking messages again")
        return pause

    async def try_send_batch(self) -> int:
        """Claim and deliver one round, waiting for all of it; returns how many were claimed."""
        claim = await self.claim()
        await asyncio.gather(*(self.deliver(message) for message in claim.messages))
        return len(claim.messages)

    async def run(self) -> None:
        """Send until `stop` is called; anything in flight then is finished first."""
        rounds = 0
        while not self._stopping:
            # Cleared before looking, so a message queued during the claim still rings it.
            self._bell.clear()
            try:
                claim = await self._claim_unless_busy()
                rounds += 1
                if rounds % 1000 == 0:
                    await self._tidy()
            except Exception as error:
                # Never let one database hiccup stop the outbox: log (type only) and go on.
                _LOG.error("outbox round failed (%s); trying again", type(error).__name__)
                await self._nap(self.settings.poll)
                continue
            for message in claim.messages:
                self._start(message)
            if claim.messages:
                await self._wait_until(claim.messages[-1].send_at)
            elif claim.budget_free_at is not None:
                # The whole budget is taken: a message queued now cannot go sooner, so the
                # bell is not listened for (each ring would cost a claim, a write, for nothing).
                await self._wait_until(claim.budget_free_at)
            else:
                await self._nap(self.settings.poll)
        if self._in_flight:
            await asyncio.gather(*self._in_flight, return_exceptions=True)
        heard, self._heard = self._heard, []
        await self._record_each(heard)

    async def _claim_unless_busy(self) -> Claim:
        # While Telegram is slow, sends pile up in flight; claiming more would only let their
        # leases run out and hand them to another sender as duplicates.
        if len(self._in_flight) >= self.settings.batch * 3:
            heard, self._heard = self._heard, []
            await self._record_each(heard)
            return Claim([])
        return await self.claim()

    def stop(self) -> None:
        """Ask `run` to finish after the current round."""
        self._stopping = True
        self._bell.set()

    def _start(self, message: Claimed) -> None:
        task = asyncio.create_task(self._deliver_logged(message))
        self._in_flight.add(task)
        task.add_done_callback(self._in_flight.discard)

    async def _deliver_logged(self, message: Claimed) -> None:
        try:
            heard = await self._deliver_once(message)
            if heard is not None:
                self._heard.append(heard)
        except Exception as error:
            # The lease runs out and another round picks the row up again.
            _LOG.error("sending outbox row %s failed: %s", message.id, type(error).__name__)

    async def _tidy(self) -> None:
        async with self._uow() as uow:
            await forget_idle_chats(uow.session, self._clock())
            await uow.commit()

    async def _wait_until(self, moment: datetime) -> None:
        delay = (moment - self._clock()).total_seconds()
        if delay > 0:
            await self._sleep(delay)

    async def _nap(self, longest: timedelta) -> None:
        """Wait for the bell or `longest`, whichever comes first."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._bell.wait(), longest.total_seconds())
