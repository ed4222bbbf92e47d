"""Helpers for the goal service tests: Sam's goals, their words, ratings, steps and history as
committed, and Kim, a second young person at Harrogate whose goals Sam must never touch."""

from __future__ import annotations

from typing import Any

from bot.domain.profiles import CommunicationProfile
from bot.services.choices import do_choose
from bot.services.goals import GoalAsked, do_add_goal
from tests.unit.conftest import JO, LEE, SAM, World
from tests.unit.fake_records import Goal, GoalEvent, GoalRating, GoalStep, Queued, YoungPerson

KIM = 2002


def person(world: World, telegram_id: int = SAM) -> YoungPerson:
    """A young person as committed."""
    [found] = [p for p in world.store.tables.young_people if p.telegram_user_id == telegram_id]
    return found


def set_profile(world: World, **fields: Any) -> None:
    """Give Sam a communication profile, straight in the committed store."""
    person(world).communication_profile = CommunicationProfile(**fields).to_record()


async def add_goal(
    world: World, words: str = "go to college", *, by: int = JO, **more: Any
) -> int:
    """Sam's worker (or whoever `by` is) adds a goal with Sam; returns its number."""
    actor = await world.staff_actor(by)
    asked = GoalAsked(world.ids[SAM], words, **more)
    return await do_add_goal(world.uow(), actor, asked, now=world.now())


async def add_kim(world: World) -> int:
    """Kim, linked to Lee at Harrogate, with a goal of her own; returns its number."""
    async with world.uow() as uow:
        hub = person(world).hub_id
        kim = await uow.young_people.new(
            hub_id=hub, telegram_user_id=KIM, first_name="Kim", key_worker_id=world.ids[LEE],
            now=world.now(),
        )  # fmt: skip
        world.ids[KIM] = kim.id
        await uow.commit()
    actor = await world.staff_actor(LEE)
    asked = GoalAsked(world.ids[KIM], "see my sister")
    return await do_add_goal(world.uow(), actor, asked, now=world.now())


async def tap(world: World, message_id: str, key: str, ref: int | None, by: int = SAM) -> bool:
    """A young person taps a button that carries `ref`."""
    return await do_choose(world.uow(), by, message_id, key, now=world.now(), ref=ref)


def goal(world: World, goal_id: int) -> Goal:
    """One goal as committed."""
    [found] = [g for g in world.store.tables.goals if g.id == goal_id]
    return found


def goals_of(world: World, telegram_id: int = SAM) -> list[Goal]:
    """A young person's goals as committed, oldest first."""
    who = person(world, telegram_id).id
    return [g for g in world.store.tables.goals if g.young_person_id == who]


def versions(world: World, goal_id: int) -> list[tuple[int, str]]:
    """(version, words) of one goal, oldest first."""
    found = [v for v in world.store.tables.goal_versions if v.goal_id == goal_id]
    return [(v.version, v.words) for v in sorted(found, key=lambda v: v.version)]


def ratings(world: World, goal_id: int) -> list[GoalRating]:
    """One goal's ratings as committed, oldest first."""
    return [r for r in world.store.tables.goal_ratings if r.goal_id == goal_id]


def steps(world: World, goal_id: int) -> list[GoalStep]:
    """One goal's steps as committed, oldest first."""
    return [s for s in world.store.tables.goal_steps if s.goal_id == goal_id]


def history(world: World, goal_id: int) -> list[GoalEvent]:
    """One goal's history as committed, oldest first."""
    return [e for e in world.store.tables.goal_events if e.goal_id == goal_id]


def kinds(world: World, goal_id: int) -> list[str]:
    """The kinds of one goal's history lines, oldest first."""
    return [e.kind for e in history(world, goal_id)]


def last(world: World, telegram_id: int = SAM) -> Queued:
    """The last message committed for one chat."""
    return world.queued(telegram_id)[-1]
