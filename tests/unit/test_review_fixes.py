"""What a stranger's review of sessions and goals found, each as the rule it broke: an open
"Are you safe now?" stays open, /stop holds goal news, goal words reach only their keepers,
room for a goal is checked again when it is agreed or resumed, and a second "not seen"
sends nothing more."""

from __future__ import annotations

import pytest

from bot.domain.errors import GoalRefused
from bot.domain.goals import GoalState
from bot.services.goals import do_move_goal
from bot.services.ladder_steps import CONCERN_CHECK
from bot.services.pausing import do_stop
from bot.services.session_access import AtCommandLine
from tests.unit.conftest import CAL, JO, SAM, World
from tests.unit.goal_helpers import add_goal, person, set_profile, tap


async def test_tapping_a_goal_button_leaves_are_you_safe_now_open(world: World) -> None:
    number = await add_goal(world)
    person(world).awaiting_choice = CONCERN_CHECK
    assert await tap(world, "goal_rate_pictures", "going_well", number)
    assert person(world).awaiting_choice == CONCERN_CHECK


async def test_a_goal_made_after_stop_is_kept_but_not_sent(world: World) -> None:
    await do_stop(world.uow(), SAM, now=world.now())
    before = world.keys(SAM)
    await add_goal(world)
    assert world.keys(SAM) == before
    assert [g.state for g in world.store.tables.goals] == [GoalState.ACTIVE]


async def test_a_coach_who_moved_hub_hears_nothing_of_the_goals(world: World) -> None:
    person(world).life_coach_id = world.ids[CAL]
    world.change_staff(CAL, hub_id=world.staff(JO).hub_id + 1000)
    await add_goal(world)
    # Sam is told only Jo can see it: the coach at another hub is no longer a keeper.
    made = next(m for m in world.queued(SAM) if m.message_key == "goal_made")
    assert made.values["who"] == world.staff(JO).name


async def test_resuming_a_goal_checks_there_is_room_for_it(world: World) -> None:
    set_profile(world, goals_most=1)
    first = await add_goal(world, "go to college")
    paused = GoalState.PAUSED
    await do_move_goal(world.uow(), AtCommandLine(), first, paused, now=world.now(), why="a break")
    await add_goal(world, "cook a meal")
    with pytest.raises(GoalRefused) as refused:
        await do_move_goal(world.uow(), AtCommandLine(), first, GoalState.ACTIVE, now=world.now())
    assert refused.value.message_id == "goal_no_room"
    assert sorted(g.state for g in world.store.tables.goals) == [
        GoalState.ACTIVE,
        GoalState.PAUSED,
    ]
