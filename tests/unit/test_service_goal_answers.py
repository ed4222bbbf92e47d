"""A young person's side of goals: taps that carry a goal's or step's number, My goals, and
suggesting a goal read back before it is kept (GL-2, GL-6, GL-8), with the fake unit of work."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.goals import GoalState
from bot.domain.profiles import Level
from bot.services.choices import do_choose, do_written_answer
from bot.services.goals import do_add_step, do_agree_goal, do_move_goal, do_reword_goal
from tests.unit.conftest import JO, LEE, SAM, World
from tests.unit.goal_helpers import (
    add_goal,
    add_kim,
    goal,
    goals_of,
    kinds,
    last,
    person,
    ratings,
    set_profile,
    steps,
    tap,
    versions,
)

SUGGESTED = "  be on time for school ⏰  "


class TestTheirTaps:
    @pytest.mark.parametrize(
        ("message_id", "key"),
        [("goal_rate_pictures", "going_well"), ("goal_check_in", "goal_pause"),
         ("goal_check_in", "goal_not_now"), ("goal_read_back", "goal_words_right")],
    )  # fmt: skip
    async def test_a_forged_number_for_another_young_persons_goal_changes_nothing(
        self, world: World, message_id: str, key: str
    ) -> None:
        await add_goal(world)
        kims = await add_kim(world)
        before = (len(world.queued(SAM)), kinds(world, kims), goal(world, kims).state)
        assert not await tap(world, message_id, key, kims)
        assert ratings(world, kims) == []
        assert (len(world.queued(SAM)), kinds(world, kims), goal(world, kims).state) == before

    async def test_a_forged_number_for_another_young_persons_step_changes_nothing(
        self, world: World
    ) -> None:
        kims = await add_kim(world)
        lee = await world.staff_actor(LEE)
        step = await do_add_step(world.uow(), lee, kims, "call my sister", now=world.now())
        assert not await tap(world, "my_goal_step", "step_done", step)
        assert [s.state for s in steps(world, kims)] == ["open"]
        assert world.keys(SAM) == []

    async def test_a_number_that_is_no_goal_at_all_changes_nothing(self, world: World) -> None:
        number = await add_goal(world)
        for ref in (None, person(world).id, number + 1000):
            assert not await tap(world, "goal_rate_pictures", "going_well", ref)
        assert ratings(world, number) == []

    async def test_a_forged_key_on_the_0_to_10_question_changes_nothing(
        self, world: World
    ) -> None:
        set_profile(world, level=Level.STANDARD)
        number = await add_goal(world)
        assert not await tap(world, "goal_rate_ten", "²", number)
        assert ratings(world, number) == []

    async def test_a_tap_on_a_paused_goal_says_so_and_rates_nothing(self, world: World) -> None:
        number = await add_goal(world)
        jo = await world.staff_actor(JO)
        await do_move_goal(world.uow(), jo, number, GoalState.PAUSED, now=world.now())
        assert await tap(world, "goal_rate_pictures", "going_well", number)
        assert (last(world).message_key, last(world).values["goal"]) == (
            "goal_closed_young", "go to college",
        )  # fmt: skip
        assert ratings(world, number) == []
        assert goal(world, number).state is GoalState.PAUSED

    async def test_a_tap_on_a_step_already_done_says_so(self, world: World) -> None:
        number = await add_goal(world)
        jo = await world.staff_actor(JO)
        step = await do_add_step(world.uow(), jo, number, "visit", now=world.now())
        assert await tap(world, "my_goal_step", "step_done", step)
        events = kinds(world, number)
        assert await tap(world, "my_goal_step", "step_done", step)
        assert last(world).message_key == "goal_closed_young"
        assert kinds(world, number) == events

    async def test_pausing_from_a_check_in_tells_their_worker(self, world: World) -> None:
        number = await add_goal(world)
        assert await tap(world, "goal_check_in", "goal_pause", number)
        assert goal(world, number).state is GoalState.PAUSED
        assert last(world).message_key == "goal_paused"
        told = world.queued(JO)[-1]
        assert (told.message_key, told.values["number"], told.values["goal"]) == (
            "goal_paused_by_young_person_staff", str(number), "go to college",
        )  # fmt: skip


class TestMyGoals:
    async def test_my_goals_shows_the_words_the_first_and_latest_rating_and_open_steps(
        self, world: World
    ) -> None:
        number = await add_goal(world, " go to college ")
        jo = await world.staff_actor(JO)
        for value in ("not_going_well", "sometimes", "going_well"):
            assert await tap(world, "goal_rate_pictures", value, number)
            world.clock.advance(timedelta(days=7))
        step = await do_add_step(world.uow(), jo, number, "visit", now=world.now())
        assert await do_choose(world.uow(), SAM, "plans", "goals", now=world.now())
        shown, step_shown = world.queued(SAM)[-2:]
        assert (shown.message_key, shown.values["goal"]) == ("my_goal_rated", " go to college ")
        assert {"first", "latest"} <= set(shown.values)
        assert (step_shown.message_key, step_shown.values["step"], step_shown.ref) == (
            "my_goal_step", "visit", step,
        )  # fmt: skip
        for value in shown.values.values():
            assert "%" not in value

    async def test_after_a_reword_only_ratings_of_the_new_words_are_shown(
        self, world: World
    ) -> None:
        number = await add_goal(world)
        assert await tap(world, "goal_rate_pictures", "sometimes", number)
        jo = await world.staff_actor(JO)
        await do_reword_goal(world.uow(), jo, number, "new words", now=world.now())
        assert await do_choose(world.uow(), SAM, "plans", "goals", now=world.now())
        assert (last(world).message_key, last(world).values["goal"]) == ("my_goal", "new words")

    async def test_with_no_goal_they_are_offered_to_suggest_one(self, world: World) -> None:
        assert await do_choose(world.uow(), SAM, "plans", "goals", now=world.now())
        assert world.keys(SAM)[-1] == "goals_none"


async def _write_a_goal(world: World, words: str = SUGGESTED) -> int:
    """Sam taps "Suggest a goal" and writes one; returns the draft's number."""
    assert await do_choose(world.uow(), SAM, "goals_none", "goal_suggest", now=world.now())
    assert world.keys(SAM)[-1] == "goal_suggest_words"
    assert await do_written_answer(world.uow(), SAM, words, now=world.now())
    return goals_of(world)[-1].id


class TestSuggesting:
    async def test_written_words_are_a_draft_read_back_exactly(self, world: World) -> None:
        number = await _write_a_goal(world)
        assert goal(world, number).state is GoalState.DRAFT
        assert versions(world, number) == [(1, SUGGESTED)]
        read_back = last(world)
        assert (read_back.message_key, read_back.values["goal"], read_back.ref) == (
            "goal_read_back", SUGGESTED, number,
        )  # fmt: skip
        assert world.keys(JO) == []

    async def test_yes_suggests_it_and_their_worker_is_told(self, world: World) -> None:
        number = await _write_a_goal(world)
        assert await tap(world, "goal_read_back", "goal_words_right", number)
        assert goal(world, number).state is GoalState.SUGGESTED
        assert last(world).message_key == "goal_suggested"
        told = world.queued(JO)[-1]
        assert (told.message_key, told.values["goal"], told.values["number"]) == (
            "goal_suggested_staff", SUGGESTED, str(number),
        )  # fmt: skip
        # The worker agrees it: it starts, in the same words, with a first rating asked.
        await do_agree_goal(world.uow(), await world.staff_actor(JO), number, now=world.now())
        assert world.keys(SAM)[-2:] == ["goal_made", "goal_rate_pictures"]
        assert world.queued(SAM)[-2].values["goal"] == SUGGESTED
        assert goal(world, number).state is GoalState.ACTIVE

    async def test_write_it_again_asks_again_and_keeps_only_the_new_words(
        self, world: World
    ) -> None:
        first = await _write_a_goal(world, "wrong words")
        assert await tap(world, "goal_read_back", "goal_words_change", first)
        assert last(world).message_key == "goal_suggest_words"
        assert goal(world, first).state is GoalState.DROPPED
        assert await do_written_answer(world.uow(), SAM, "right words", now=world.now())
        second = goals_of(world)[-1]
        assert second.id != first
        assert (second.state, versions(world, second.id)) == (
            GoalState.DRAFT,
            [(1, "right words")],
        )
        assert last(world).values["goal"] == "right words"

    async def test_a_read_back_answered_twice_changes_nothing_the_second_time(
        self, world: World
    ) -> None:
        number = await _write_a_goal(world)
        assert await tap(world, "goal_read_back", "goal_words_right", number)
        assert not await tap(world, "goal_read_back", "goal_words_change", number)
        assert goal(world, number).state is GoalState.SUGGESTED

    async def test_with_no_room_they_are_told_in_their_own_words(self, world: World) -> None:
        await add_goal(world)
        assert await do_choose(world.uow(), SAM, "goals_none", "goal_suggest", now=world.now())
        assert await do_written_answer(world.uow(), SAM, "another", now=world.now())
        assert last(world).message_key == "young_goal_no_room"
        assert len(goals_of(world)) == 1
