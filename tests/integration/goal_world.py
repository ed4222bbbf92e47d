"""Goals on a real database and a clock the test moves: the concern world's hub (Sam linked
to Jo at Harrogate), a goal made by the operator, the goals tick (check-ins, then digests)
as bot.entrypoints.ticks runs it, and what was queued for whom."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.db.engine import create_engine, session_factory
from bot.adapters.db.models import Goal, GoalEvent, OutboxMessage
from bot.adapters.db.uow import UnitOfWorkFactory
from bot.domain.goals import GoalState
from bot.services.choices import do_choose
from bot.services.goal_check_ins import try_check_in_due, try_send_digests
from bot.services.goals import GoalAsked, do_add_goal, do_move_goal
from bot.services.profiles import do_set_profile
from bot.services.session_access import AtCommandLine
from tests.integration.concern_world import JO, SAM, Hub, hub

__all__ = ["JO", "SAM", "GoalWorld", "hub", "local", "world"]

LONDON = ZoneInfo("Europe/London")
CHECK_IN = "goal_check_in"
DIGEST = "goal_digest_staff"


def local(text: str) -> datetime:
    """A wall-clock time in London as the UTC moment it is."""
    return datetime.fromisoformat(text).replace(tzinfo=LONDON).astimezone(ZoneInfo("UTC"))


class GoalWorld:
    """Goals, the goals tick and the outbox in one hub."""

    def __init__(self, hub: Hub, url: str) -> None:
        self.hub = hub
        self.url = url
        self.engines: list[AsyncEngine] = []

    @property
    def now(self) -> datetime:
        """The test's clock."""
        return self.hub.clock()

    async def sam_id(self) -> int:
        """Sam's Waypoint number."""
        return (await self.hub.young_person(SAM)).young_person_id

    async def profile(self, setting: str, value: str) -> None:
        """Change one of Sam's profile settings, as `waypoint profile set` does."""
        await do_set_profile(self.hub.uow(), await self.sam_id(), setting, value, now=self.now)

    async def add(self, words: str = "go to college 3 days a week") -> int:
        """The operator adds a goal with Sam, now; its number."""
        asked = GoalAsked(await self.sam_id(), words)
        return await do_add_goal(self.hub.uow(), AtCommandLine(), asked, now=self.now)

    async def move(self, goal_id: int, state: GoalState) -> None:
        """The operator pauses, resumes, completes or drops a goal, now."""
        await do_move_goal(self.hub.uow(), AtCommandLine(), goal_id, state, now=self.now)

    async def choose(self, message_id: str, key: str, goal_id: int) -> bool:
        """Sam taps a choice about a goal, now."""
        return await do_choose(self.hub.uow(), SAM, message_id, key, ref=goal_id, now=self.now)

    async def tick(
        self, *, to: datetime | None = None, uow: UnitOfWorkFactory | None = None
    ) -> None:
        """Move the clock (if told) and run the goals tick once: check-ins, then digests."""
        if to is not None:
            self.hub.clock.now = to
        make = uow or self.hub.uow
        while await try_check_in_due(make(), now=self.now):
            pass
        while await try_send_digests(make(), now=self.now):
            pass

    async def run(self, until: datetime, *, every: timedelta = timedelta(minutes=10)) -> None:
        """Tick every `every` from now until `until` (both included), as the 30-second tick
        would, only coarser: nothing is due between two ticks that a finer tick would send
        earlier, since every due time checked here falls on a tick."""
        while self.now + every <= until:
            await self.tick(to=self.now + every)

    async def rows(self, chat: int, key: str) -> list[OutboxMessage]:
        """Every message of this kind queued for a chat (first parts only), oldest first."""
        async with self.hub.uow() as uow:
            query = (
                select(OutboxMessage)
                .where(
                    OutboxMessage.chat_id == chat,
                    OutboxMessage.message_key == key,
                    OutboxMessage.part == 0,
                )
                .order_by(OutboxMessage.id)
            )
            rows = list(await uow.session.scalars(query))
            uow.session.expunge_all()
            return rows

    async def sent_at(self, chat: int, key: str) -> list[datetime]:
        """When each message of this kind was queued for a chat."""
        return [row.created_at for row in await self.rows(chat, key)]

    async def words(self, row: OutboxMessage) -> list[str]:
        """Every part's text of the message that starts with this row."""
        if row.part_of is None:
            return [row.text]
        async with self.hub.uow() as uow:
            query = (
                select(OutboxMessage.text)
                .where(OutboxMessage.part_of == row.part_of)
                .order_by(OutboxMessage.part)
            )
            return list(await uow.session.scalars(query))

    async def keys_since(self, chat: int, since: datetime) -> list[str]:
        """Message ids queued for a chat from `since` on (first parts), oldest first."""
        async with self.hub.uow() as uow:
            query = (
                select(OutboxMessage.message_key)
                .where(
                    OutboxMessage.chat_id == chat,
                    OutboxMessage.part == 0,
                    OutboxMessage.created_at >= since,
                )
                .order_by(OutboxMessage.id)
            )
            return list(await uow.session.scalars(query))

    async def goal(self, goal_id: int) -> Goal:
        """A goal as stored now."""
        async with self.hub.uow() as uow:
            found = await uow.session.get(Goal, goal_id)
            assert found is not None
            uow.session.expunge_all()
            return found

    async def history(self, goal_id: int) -> list[tuple[str, str | None]]:
        """A goal's history as (kind, detail), oldest first."""
        async with self.hub.uow() as uow:
            query = select(GoalEvent.kind, GoalEvent.detail).where(GoalEvent.goal_id == goal_id)
            rows = await uow.session.execute(query.order_by(GoalEvent.id))
            return [(kind, detail) for kind, detail in rows]

    def factory(self) -> UnitOfWorkFactory:
        """Units of work on a new engine on the same database: another process's view."""
        engine = create_engine(self.url)
        self.engines.append(engine)
        return UnitOfWorkFactory(session_factory(engine), self.hub.uow.post)

    async def close(self) -> None:
        """Dispose of the engines made for other instances."""
        for engine in self.engines:
            await engine.dispose()


@pytest.fixture
async def world(hub: Hub, migrated_url: str) -> AsyncIterator[GoalWorld]:
    """Goals in the concern world's hub, on Tuesday 3 March 2026 at 10:00 in London."""
    made = GoalWorld(hub, migrated_url)
    try:
        yield made
    finally:
        await made.close()
