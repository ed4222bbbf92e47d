"""Sessions on a real database: the concern world's hub (Sam linked to Jo), a clock the test
moves, and helpers to book, tick and read what was queued."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.adapters.db.models import Reminder, Session, SessionEvent
from bot.domain.actors import KnownStaff
from bot.domain.sessions import SessionWith
from bot.services.reminders import try_follow_weekly, try_remind_due
from bot.services.sessions import Booked, Booking, do_book
from tests.integration.concern_world import JO, SAM, Hub, hub

__all__ = ["JO", "SAM", "Hub", "SessionWorld", "hub", "world"]


class SessionWorld:
    """Booking and ticking in one hub."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub

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

    async def book(self, local: str, **changes: Any) -> Booked:
        """Jo books a session with Sam at this wall-clock time in London."""
        booking = Booking(
            young_person_id=await self.sam_id(),
            with_kind=SessionWith.WORKER,
            local_start=datetime.fromisoformat(local),
        )
        for name, value in changes.items():
            booking = _with(booking, name, value)
        return await do_book(self.hub.uow(), await self.jo(), booking, now=self.now)

    async def tick(self, *, to: datetime | None = None, minutes: float = 0) -> None:
        """Move the clock (to a moment, or on by minutes) and run the reminders tick once."""
        if to is not None:
            self.hub.clock.now = to
        self.hub.clock.advance(timedelta(minutes=minutes))
        await try_follow_weekly(self.hub.uow(), now=self.now)
        await try_remind_due(self.hub.uow(), now=self.now)

    async def reminders(self) -> list[Reminder]:
        """Every reminder stored, by due time."""
        async with self.hub.uow() as uow:
            rows = list(await uow.session.scalars(select(Reminder).order_by(Reminder.due_at)))
            uow.session.expunge_all()
            return rows

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


def _with(booking: Booking, name: str, value: Any) -> Booking:
    return replace(booking, **{name: value})


@pytest.fixture
def world(hub: Hub) -> SessionWorld:
    """Sessions in the concern world's hub."""
    return SessionWorld(hub)
