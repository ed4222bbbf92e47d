"""A first look at goals: made by the operator, rated by Sam on their scale, a step ticked,
a check-in at the chosen period, and the worker's digest."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.adapters.db.models import Goal, GoalRating, GoalStep, YoungPerson
from bot.domain.goals import Cadence
from bot.services.choices import do_choose, do_written_answer
from bot.services.goal_check_ins import try_check_in_due, try_send_digests
from bot.services.goals import GoalAsked, do_add_goal, do_add_step
from bot.services.session_access import AtCommandLine
from tests.integration.concern_world import JO, SAM, Hub, hub

__all__ = ["hub"]


async def _sam_id(hub: Hub) -> int:
    return (await hub.young_person(SAM)).young_person_id


async def test_a_goal_is_made_rated_stepped_checked_in_and_digested(hub: Hub) -> None:
    sam = await _sam_id(hub)
    number = await do_add_goal(
        hub.uow(), AtCommandLine(), GoalAsked(sam, "go to college 3 days a week"), now=hub.clock()
    )
    assert (await hub.messages(SAM))[-2:] == ["goal_made", "goal_rate_pictures"]
    assert await do_choose(
        hub.uow(), SAM, "goal_rate_pictures", "sometimes", ref=number, now=hub.clock()
    )
    assert (await hub.messages(SAM))[-2:] == ["goal_rated", "goal_cadence"]
    step = await do_add_step(
        hub.uow(), AtCommandLine(), number, "ask about the bus", now=hub.clock()
    )
    assert await do_choose(hub.uow(), SAM, "my_goal_step", "step_done", ref=step, now=hub.clock())
    # Someone else's number changes nothing.
    assert not await do_choose(
        hub.uow(), SAM, "goal_rate_pictures", "sometimes", ref=999, now=hub.clock()
    )
    async with hub.uow() as uow:
        goal = await uow.session.get(Goal, number)
        assert goal is not None
        goal.cadence, goal.next_check_in_at = Cadence.WEEKLY, hub.clock() + timedelta(weeks=1)
        await uow.commit()
    hub.clock.advance(timedelta(weeks=1))
    await try_check_in_due(hub.uow(), now=hub.clock())
    assert (await hub.messages(SAM))[-1] == "goal_check_in"
    await try_send_digests(hub.uow(), now=hub.clock())
    assert (await hub.keys(JO))[-1] == "goal_digest_staff"
    async with hub.uow() as uow:
        ratings = list(await uow.session.scalars(select(GoalRating)))
        assert [(r.scale, r.value, r.baseline) for r in ratings] == [
            ("pictures", "sometimes", True)
        ]
        [done] = list(await uow.session.scalars(select(GoalStep)))
        assert done.state == "done"
        person = await uow.session.get(YoungPerson, sam)
        assert person is not None
        assert person.choice_ref == number


async def test_after_the_first_rating_sam_chooses_how_often_to_be_asked(hub: Hub) -> None:
    sam = await _sam_id(hub)
    number = await do_add_goal(
        hub.uow(), AtCommandLine(), GoalAsked(sam, "cook a meal"), now=hub.clock()
    )
    assert await do_choose(
        hub.uow(), SAM, "goal_rate_pictures", "going_well", ref=number, now=hub.clock()
    )
    assert (await hub.messages(SAM))[-2:] == ["goal_rated", "goal_cadence"]
    # "Every 2 weeks" has no button: it is written.
    assert await do_written_answer(hub.uow(), SAM, "every 2 weeks", now=hub.clock())
    assert (await hub.messages(SAM))[-1] == "goal_cadence_fortnightly_set"
    async with hub.uow() as uow:
        goal = await uow.session.get(Goal, number)
        assert goal is not None
        assert goal.cadence == Cadence.FORTNIGHTLY
        assert goal.next_check_in_at == hub.clock() + timedelta(weeks=2)
    # A second rating does not ask again.
    assert await do_choose(
        hub.uow(), SAM, "goal_rate_pictures", "sometimes", ref=number, now=hub.clock()
    )
    assert (await hub.messages(SAM))[-1] == "goal_rated"
