"""The ladder's clock outside Telegram: ticks on several instances share the due steps, each
taken exactly once, and a tick with nothing due writes nothing. Issue 10, on SQLite and
PostgreSQL."""

from __future__ import annotations

import asyncio
from collections import Counter

from sqlalchemy import select

from bot.adapters.db.engine import create_engine, session_factory
from bot.adapters.db.models import Concern, ConcernEvent
from bot.adapters.db.uow import PostOffice, UnitOfWorkFactory
from bot.content.catalogue import Catalogue
from bot.services.ladder_steps import do_take_due_steps
from tests.integration.concern_world import SAM, Hub, hub

__all__ = ["hub"]
DUE = 40


async def _due_concerns(hub: Hub, count: int) -> None:
    async with hub.uow() as uow:
        sam = await uow.young_people.by_telegram_id(SAM)
        assert sam is not None
        for n in range(count):
            uow.session.add(
                Concern(
                    hub_id=sam.hub_id, young_person_id=sam.id, raised_at=hub.clock(),
                    source="button", urgency="high", words=f"worry {n}", state="open",
                    in_hours=True, rung=-1, next_step_at=hub.clock(),
                )
            )  # fmt: skip
        await uow.commit()


async def test_two_instances_ticking_at_once_take_each_due_step_exactly_once(
    hub: Hub, migrated_url: str
) -> None:
    await _due_concerns(hub, DUE)
    other_engine = create_engine(migrated_url)
    other = UnitOfWorkFactory(
        session_factory(other_engine), PostOffice(Catalogue.load(allow_drafts=True))
    )
    try:
        taken = await asyncio.gather(
            do_take_due_steps(hub.uow(), now=hub.clock()),
            do_take_due_steps(other(), now=hub.clock()),
            do_take_due_steps(hub.uow(), now=hub.clock()),
        )
    finally:
        await other_engine.dispose()
    assert sum(taken) == DUE
    async with hub.uow() as uow:
        told = Counter(
            await uow.session.scalars(
                select(ConcernEvent.concern_id).where(ConcernEvent.kind == "notified")
            )
        )
    assert len(told) == DUE
    assert set(told.values()) == {1}


async def test_a_tick_with_nothing_due_takes_nothing(hub: Hub) -> None:
    await _due_concerns(hub, 1)
    assert await do_take_due_steps(hub.uow(), now=hub.clock()) == 1
    assert await do_take_due_steps(hub.uow(), now=hub.clock()) == 0
