"""The weekly goal digest to the worker on a clock the test moves: only in office hours,
nothing when nothing changed, and a goal with no rating for 12 weeks prompts the worker, never
the young person (GL-4). And every check-in and digest is queued exactly once when two
instances tick at once on PostgreSQL."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from bot.adapters.db.models import Goal, GoalDigest, GoalEvent, OutboxMessage
from bot.adapters.db.uow import UnitOfWorkFactory
from bot.domain.goals import Cadence
from bot.services.goal_check_ins import try_check_in_due, try_send_digests
from bot.services.goals import GoalAsked, do_add_goal
from bot.services.invites import do_create_invite, do_redeem_invite
from bot.services.session_access import AtCommandLine
from tests.integration.concern_world import SATURDAY
from tests.integration.goal_world import (
    CHECK_IN,
    DIGEST,
    JO,
    SAM,
    GoalWorld,
    hub,
    local,
    world,
)

__all__ = ["hub", "world"]

WEEK = timedelta(weeks=1)
MANY = 60


async def test_a_digest_due_on_saturday_waits_until_monday_at_nine(world: GoalWorld) -> None:
    world.hub.clock.now = SATURDAY
    await world.add()
    await world.run(local("2026-03-16T12:00"), every=timedelta(hours=1))
    assert await world.sent_at(JO, DIGEST) == [local("2026-03-16T09:00")]
    assert await world.sent_at(SAM, DIGEST) == []


async def test_a_week_when_nothing_changed_sends_nothing_and_a_rating_is_told_on_its_scale(
    world: GoalWorld,
) -> None:
    made = world.now
    number = await world.add()
    await world.run(made + 2 * WEEK + timedelta(days=1), every=timedelta(hours=6))
    # The first week tells the goal was made; the second had nothing to tell.
    assert await world.sent_at(JO, DIGEST) == [made + WEEK]
    assert await world.choose("goal_rate_pictures", "sometimes", number)
    await world.run(made + 4 * WEEK + timedelta(hours=1), every=timedelta(hours=6))
    assert await world.sent_at(JO, DIGEST) == [made + WEEK, made + 3 * WEEK]
    last = (await world.rows(JO, DIGEST))[-1]
    assert world.hub.staff_words("goal_rating_sometimes_staff") in last.text
    assert "%" not in last.text


async def test_twelve_weeks_without_a_rating_prompt_the_worker_and_never_the_young_person(
    world: GoalWorld,
) -> None:
    made = world.now
    number = await world.add("see my sister")
    await world.run(made + 12 * WEEK + timedelta(hours=1), every=timedelta(hours=6))
    assert await world.sent_at(JO, DIGEST) == [made + WEEK, made + 12 * WEEK]
    review = world.hub.staff_words("goal_digest_review", number=str(number), goal="see my sister")
    assert review in (await world.rows(JO, DIGEST))[-1].text
    assert review not in (await world.rows(JO, DIGEST))[0].text
    # Sam is never chased: nothing at all after the goal was made (at sessions only).
    assert await world.keys_since(SAM, made + timedelta(seconds=1)) == []
    assert (await world.goal(number)).review_asked_at == made + 12 * WEEK


async def _many_young_people(world: GoalWorld, due: datetime) -> None:
    """MANY young people at Jo's hub, one weekly goal each, every check-in and digest due."""
    uow = world.hub.uow
    for n in range(MANY):
        invite = await do_create_invite(
            uow(), worker_telegram_id=JO, first_name="Kai", now=world.now
        )
        joined = await do_redeem_invite(
            uow(), telegram_user_id=5000 + n, code=invite.code, now=world.now
        )
        asked = GoalAsked(joined.young_person.id, f"goal {n}")
        await do_add_goal(uow(), AtCommandLine(), asked, now=world.now)
    async with uow() as work:
        await work.session.execute(
            update(Goal).values(cadence=Cadence.WEEKLY, next_check_in_at=due)
        )
        await work.session.execute(update(GoalDigest).values(due_at=due))
        await work.commit()


async def _instance(uow: UnitOfWorkFactory, now: datetime) -> int:
    """One instance's goals tick: small batches until nothing is left for it."""
    taken = 0
    while done := await try_check_in_due(uow(), now=now, limit=7):
        taken += done
    while done := await try_send_digests(uow(), now=now, limit=7):
        taken += done
    return taken


@pytest.mark.postgres
async def test_two_instances_ticking_at_once_queue_each_check_in_and_digest_once(
    world: GoalWorld,
) -> None:
    if not world.url.startswith("postgresql"):
        pytest.skip("two instances at once need PostgreSQL's row locks (SKIP LOCKED)")
    due = world.now + WEEK
    await _many_young_people(world, due)
    a, b = world.factory(), world.factory()
    shares = [0, 0]
    for second in range(5):
        got = await asyncio.gather(
            _instance(a, due + timedelta(seconds=second)),
            _instance(b, due + timedelta(seconds=second)),
        )
        shares = [shares[0] + got[0], shares[1] + got[1]]
    print(f"{MANY} goals and digests; taken per instance {shares}")
    async with world.hub.uow() as uow:
        rows = await uow.session.execute(
            select(OutboxMessage.chat_id, OutboxMessage.message_key).where(
                OutboxMessage.message_key.in_([CHECK_IN, DIGEST]), OutboxMessage.part == 0
            )
        )
        queued = Counter((chat, key) for chat, key in rows)
        asked = await uow.session.scalar(select(func.count()).where(GoalEvent.kind == "asked"))
    check_ins = {chat: n for (chat, key), n in queued.items() if key == CHECK_IN}
    assert set(check_ins) == {5000 + n for n in range(MANY)}, "a check-in was lost"
    assert set(check_ins.values()) == {1}, "a check-in was queued twice"
    assert asked == MANY
    assert queued[(JO, DIGEST)] == MANY
    assert sum(shares) == 2 * MANY
    assert all(shares), "the two instances did not actually run together"
