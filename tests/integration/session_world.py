"""Sessions on a real database: the concern world's hub (Sam linked to Jo), a clock the test
moves, and helpers to book, tick, send, restart and read what was queued."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.db.engine import create_engine, session_factory
from bot.adapters.db.models import OutboxMessage, Reminder, Session, SessionEvent
from bot.adapters.db.uow import UnitOfWorkFactory
from bot.adapters.outbox.sender import Sender, SenderSettings
from bot.domain.actors import KnownStaff
from bot.domain.outbox import DeliveryState, Outcome, Sent
from bot.domain.sessions import SessionWith
from bot.services.choices import do_choose
from bot.services.profiles import do_set_profile
from bot.services.reminders import try_follow_weekly, try_remind_due
from bot.services.sessions import Booked, Booking, do_book
from tests.integration.concern_world import JO, MAX, SAM, Hub, hub

__all__ = ["JO", "LONDON", "MAX", "SAM", "Hub", "SessionWorld", "hub", "local", "world"]

LONDON = ZoneInfo("Europe/London")


def local(text: str) -> datetime:
    """A wall-clock time in London as the UTC moment it is."""
    return datetime.fromisoformat(text).replace(tzinfo=LONDON).astimezone(ZoneInfo("UTC"))


class RecordingTransport:
    """A fake Telegram for the sender: accepts every message and records what reached it."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []

    async def send(
        self,
        chat_id: int,
        text: str,
        reply_markup: dict[str, Any] | None,
        *,
        silent: bool = False,
    ) -> Outcome:
        """Take one message."""
        self.sent.append((chat_id, text))
        return Sent(len(self.sent))

    def texts_to(self, chat_id: int) -> list[str]:
        """What reached one chat, in order."""
        return [text for chat, text in self.sent if chat == chat_id]


class SessionWorld:
    """Booking, ticking, sending and restarting in one hub."""

    def __init__(self, hub: Hub, url: str) -> None:
        self.hub = hub
        self.url = url
        self.engines: list[AsyncEngine] = []
        self.transport = RecordingTransport()

    @property
    def now(self) -> datetime:
        """The test's clock."""
        return self.hub.clock()

    async def jo(self) -> KnownStaff:
        """Jo, Sam's key worker, as a channel hands them over."""
        return await self.hub.actor(JO)

    async def sam_id(self) -> int:
        """Sam's Waypoint number."""
        return (await self.hub.young_person(SAM)).young_person_id

    async def book(self, local_start: str, **changes: object) -> Booked:
        """Jo books a session with Sam at this wall-clock time in London."""
        booking = Booking(
            young_person_id=await self.sam_id(),
            with_kind=SessionWith.WORKER,
            local_start=datetime.fromisoformat(local_start),
        )
        booking = replace(booking, **changes)  # type: ignore[arg-type]
        return await do_book(self.hub.uow(), await self.jo(), booking, now=self.now)

    async def profile(self, setting: str, value: str) -> None:
        """Change one of Sam's profile settings, as `waypoint profile set` does."""
        await do_set_profile(self.hub.uow(), await self.sam_id(), setting, value, now=self.now)

    async def choose(self, message_id: str, key: str) -> bool:
        """Sam taps a choice."""
        return await do_choose(self.hub.uow(), SAM, message_id, key, now=self.now)

    async def tick(self, *, to: datetime | None = None, minutes: float = 0) -> None:
        """Move the clock (to a moment, or on by minutes) and run the reminders tick once."""
        if to is not None:
            self.hub.clock.now = to
        self.hub.clock.advance(timedelta(minutes=minutes))
        await self.tick_with(self.hub.uow)

    async def tick_with(self, uow: UnitOfWorkFactory) -> None:
        """One reminders tick (weekly sessions, then due reminders) through these units."""
        while await try_follow_weekly(uow(), now=self.now):
            pass
        while await try_remind_due(uow(), now=self.now):
            pass

    def factory(self) -> UnitOfWorkFactory:
        """Units of work on a new engine on the same database: another process's view."""
        engine = create_engine(self.url)
        self.engines.append(engine)
        return UnitOfWorkFactory(session_factory(engine), self.hub.uow.post)

    def restart(self) -> None:
        """Waypoint "restarts": everything from now on goes through a new engine."""
        self.hub.uow = self.factory()

    def sender(self, owner: str = "sender-a") -> Sender:
        """The real sender on the test's clock, its waiting moving the clock instead of time,
        sending to the recording transport."""

        async def sleep(seconds: float) -> None:
            self.hub.clock.advance(timedelta(seconds=seconds))

        return Sender(
            self.hub.uow,
            self.transport,
            settings=SenderSettings(),
            clock=self.hub.clock,
            sleep=sleep,
            owner=owner,
            jitter=lambda: 0.0,
        )

    async def send_all(self, sender: Sender | None = None) -> None:
        """Send everything due now (each chat's messages a gap apart, as Telegram needs)."""
        sender = sender or self.sender()
        for _ in range(200):
            if not await sender.try_send_batch() and not await self._waiting():
                return
            self.hub.clock.advance(timedelta(seconds=1))
        raise AssertionError("the outbox did not drain")

    async def _waiting(self) -> bool:
        async with self.hub.uow() as uow:
            query = select(OutboxMessage.id).where(
                OutboxMessage.state.in_([DeliveryState.PENDING.value, DeliveryState.SENDING]),
                OutboxMessage.not_before <= self.now,
            )
            return (await uow.session.scalar(query.limit(1))) is not None

    async def reminders(self) -> list[Reminder]:
        """Every reminder stored, by due time."""
        async with self.hub.uow() as uow:
            query = select(Reminder).order_by(Reminder.due_at, Reminder.id)
            rows = list(await uow.session.scalars(query))
            uow.session.expunge_all()
            return rows

    async def states(self) -> list[tuple[str, str, str | None]]:
        """Every reminder as (offset, state, reason), by due time."""
        return [(r.offset, r.state.value, r.reason) for r in await self.reminders()]

    async def reminder_rows(self) -> list[OutboxMessage]:
        """The outbox rows of reminders (one per message: its first part), oldest first."""
        async with self.hub.uow() as uow:
            query = (
                select(OutboxMessage)
                .where(OutboxMessage.reminder_id.is_not(None), OutboxMessage.part == 0)
                .order_by(OutboxMessage.id)
            )
            rows = list(await uow.session.scalars(query))
            uow.session.expunge_all()
            return rows

    async def latest_reminder_row(self) -> tuple[int, OutboxMessage | None]:
        """How many reminders are in the outbox, and the latest (cheap on a long run)."""
        async with self.hub.uow() as uow:
            query = select(OutboxMessage).where(
                OutboxMessage.reminder_id.is_not(None), OutboxMessage.part == 0
            )
            count = await uow.session.scalar(select(func.count()).select_from(query.subquery()))
            latest = await uow.session.scalar(query.order_by(OutboxMessage.id.desc()).limit(1))
            uow.session.expunge_all()
            return int(count or 0), latest

    async def sessions(self) -> list[Session]:
        """Every session stored, by start."""
        async with self.hub.uow() as uow:
            rows = list(await uow.session.scalars(select(Session).order_by(Session.starts_at)))
            uow.session.expunge_all()
            return rows

    async def history(self, session_id: int) -> list[str]:
        """A session's history, as kinds."""
        async with self.hub.uow() as uow:
            query = select(SessionEvent.kind).where(SessionEvent.session_id == session_id)
            return list(await uow.session.scalars(query.order_by(SessionEvent.id)))

    async def history_details(self, session_id: int) -> list[tuple[str, str | None]]:
        """A session's history, as (kind, detail)."""
        async with self.hub.uow() as uow:
            query = select(SessionEvent.kind, SessionEvent.detail).where(
                SessionEvent.session_id == session_id
            )
            rows = await uow.session.execute(query.order_by(SessionEvent.id))
            return [(kind, detail) for kind, detail in rows]

    async def close(self) -> None:
        """Dispose of the engines made by restarts."""
        for engine in self.engines:
            await engine.dispose()


@pytest.fixture
async def world(hub: Hub, migrated_url: str) -> AsyncIterator[SessionWorld]:
    """Sessions in the concern world's hub."""
    made = SessionWorld(hub, migrated_url)
    try:
        yield made
    finally:
        await made.close()
