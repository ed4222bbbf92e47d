"""Goals as staff add, reword, rate, step and move them with the young person, against the
fake unit of work (GL-1..9). The clock is Tuesday 3 March 2026, 10am in London."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.actors import ActorKind
from bot.domain.errors import GoalRefused, MayNotSeeGoals, NoSuchGoal
from bot.domain.goals import Cadence, GoalState, Scale, StepState
from bot.domain.profiles import Level
from bot.services.choices import do_written_answer
from bot.services.goals import (
    GoalAsked,
    do_add_goal,
    do_add_step,
    do_agree_goal,
    do_move_goal,
    do_reword_goal,
    do_staff_rating,
)
from bot.services.session_access import AtCommandLine
from tests.unit.conftest import ASH, CAL, JO, LEE, SAM, World
from tests.unit.goal_helpers import (
    add_goal,
    goal,
    goals_of,
    history,
    kinds,
    last,
    person,
    ratings,
    set_profile,
    steps,
    tap,
    versions,
)

WORDS = "  go to college 🎓 and  not be late\n(most days) "


def _refused(caught: pytest.ExceptionInfo[GoalRefused]) -> str:
    return caught.value.message_id


class TestAdding:
    async def test_a_fourth_goal_is_refused_offering_to_pause_one(self, world: World) -> None:
        set_profile(world, level=Level.STANDARD)
        for words in ("a", "b", "c"):
            await add_goal(world, words)
        with pytest.raises(GoalRefused) as caught:
            await add_goal(world, "d")
        assert _refused(caught) == "goal_no_room"
        assert [versions(world, g.id)[0][1] for g in goals_of(world)] == ["a", "b", "c"]

    async def test_easy_read_has_one_goal_until_the_profile_says_more(self, world: World) -> None:
        await add_goal(world, "a")
        with pytest.raises(GoalRefused) as caught:
            await add_goal(world, "b")
        assert _refused(caught) == "goal_no_room"
        set_profile(world, goals_most=2)
        await add_goal(world, "b")
        assert len(goals_of(world)) == 2

    async def test_a_paused_goal_leaves_room_for_another(self, world: World) -> None:
        first = await add_goal(world, "a")
        await do_move_goal(world.uow(), await world.staff_actor(JO), first, GoalState.PAUSED,
                           now=world.now())  # fmt: skip
        await add_goal(world, "b")
        assert [g.state for g in goals_of(world)] == [GoalState.PAUSED, GoalState.ACTIVE]

    async def test_the_words_are_stored_exactly_and_read_back_unchanged(
        self, world: World
    ) -> None:
        number = await add_goal(world, WORDS)
        assert versions(world, number) == [(1, WORDS)]
        assert versions(world, number)[0][1].encode() == WORDS.encode()
        made, asked = world.queued(SAM)
        assert (made.message_key, made.values["goal"]) == ("goal_made", WORDS)
        assert (asked.message_key, asked.values["goal"], asked.ref) == (
            "goal_rate_pictures", WORDS, number,
        )  # fmt: skip

    async def test_staff_words_are_kept_apart_from_the_young_persons(self, world: World) -> None:
        number = await add_goal(world, "go to college", staff_words="Education: attend")
        [version] = [v for v in world.store.tables.goal_versions if v.goal_id == number]
        assert (version.words, version.staff_words) == ("go to college", "Education: attend")
        assert goal(world, number).expressed_by_type == ActorKind.YOUNG_PERSON.value

    async def test_no_words_or_too_many_are_refused_and_nothing_is_kept(
        self, world: World
    ) -> None:
        for words, reason in (("   ", "goal_words_missing"), ("x" * 301, "goal_words_too_long")):
            with pytest.raises(GoalRefused) as caught:
                await add_goal(world, words)
            assert _refused(caught) == reason
        assert goals_of(world) == []
        assert world.keys(SAM) == []

    async def test_the_young_person_hears_who_can_see_it(self, world: World) -> None:
        person(world).life_coach_id = world.ids[CAL]
        await add_goal(world, by=CAL)
        made = world.queued(SAM)[0]
        assert "Jo" in made.values["who"]
        assert "Cal" in made.values["who"]
        assert [e.actor_id for e in world.audited("goal.made")] == [world.ids[CAL]]

    @pytest.mark.parametrize("who", [LEE, CAL, ASH])
    async def test_staff_who_are_not_the_worker_or_coach_may_not_add_one(
        self, world: World, who: int
    ) -> None:
        with pytest.raises(MayNotSeeGoals):
            await add_goal(world, by=who)
        assert goals_of(world) == []

    @pytest.mark.parametrize("who", [LEE, CAL, ASH])
    async def test_to_anyone_else_a_goal_does_not_exist(self, world: World, who: int) -> None:
        number = await add_goal(world)
        actor = await world.staff_actor(who)
        with pytest.raises(NoSuchGoal):
            await do_staff_rating(world.uow(), actor, number, "sometimes", now=world.now())
        with pytest.raises(NoSuchGoal):
            await do_reword_goal(world.uow(), actor, number, "other words", now=world.now())
        assert ratings(world, number) == []

    async def test_the_operator_at_the_command_line_may_add_one(self, world: World) -> None:
        asked = GoalAsked(world.ids[SAM], "go to college")
        number = await do_add_goal(world.uow(), AtCommandLine(), asked, now=world.now())
        assert goal(world, number).state is GoalState.ACTIVE


class TestRewording:
    async def test_a_reword_is_version_2_and_old_ratings_keep_version_1(
        self, world: World
    ) -> None:
        number = await add_goal(world, "go to college")
        jo = await world.staff_actor(JO)
        await do_staff_rating(world.uow(), jo, number, "sometimes", now=world.now())
        world.clock.advance(timedelta(days=1))
        await do_reword_goal(world.uow(), jo, number, "go to college 3 days a week",
                             now=world.now())  # fmt: skip
        await do_staff_rating(world.uow(), jo, number, "going_well", now=world.now())
        assert versions(world, number) == [
            (1, "go to college"),
            (2, "go to college 3 days a week"),
        ]
        assert [(r.version, r.value) for r in ratings(world, number)] == [
            (1, "sometimes"), (2, "going_well"),
        ]  # fmt: skip
        reworded = [e for e in history(world, number) if e.kind == "reworded"]
        assert [(e.actor_id, e.detail) for e in reworded] == [(world.ids[JO], "2")]
        told = [m for m in world.queued(SAM) if m.message_key == "goal_reworded"]
        assert [m.values["goal"] for m in told] == ["go to college 3 days a week"]

    async def test_a_finished_goal_cannot_be_reworded(self, world: World) -> None:
        number = await add_goal(world)
        jo = await world.staff_actor(JO)
        await do_move_goal(world.uow(), jo, number, GoalState.DONE, now=world.now())
        with pytest.raises(GoalRefused) as caught:
            await do_reword_goal(world.uow(), jo, number, "new", now=world.now())
        assert _refused(caught) == "goal_not_open"
        assert len(versions(world, number)) == 1


class TestRatings:
    async def test_ratings_keep_scale_and_raw_value_and_the_first_is_the_baseline(
        self, world: World
    ) -> None:
        number = await add_goal(world)
        jo = await world.staff_actor(JO)
        for value in ("not_going_well", "sometimes"):
            await do_staff_rating(world.uow(), jo, number, value, now=world.now())
        assert [(r.scale, r.value, r.baseline, r.by_id) for r in ratings(world, number)] == [
            (Scale.PICTURES, "not_going_well", True, world.ids[JO]),
            (Scale.PICTURES, "sometimes", False, world.ids[JO]),
        ]
        assert kinds(world, number)[-2:] == ["baseline", "rated"]
        assert history(world, number)[-1].detail == "pictures:sometimes"

    async def test_a_new_scale_leaves_older_ratings_on_theirs(self, world: World) -> None:
        number = await add_goal(world)
        assert await tap(world, "goal_rate_pictures", "going_well", number)
        set_profile(world, rating_scale=Scale.TEN)
        jo = await world.staff_actor(JO)
        await do_staff_rating(world.uow(), jo, number, "4", now=world.now())
        assert [(r.scale, r.value) for r in ratings(world, number)] == [
            (Scale.PICTURES, "going_well"), (Scale.TEN, "4"),
        ]  # fmt: skip

    async def test_a_picture_is_told_back_in_words_never_as_a_number(self, world: World) -> None:
        number = await add_goal(world)
        assert await tap(world, "goal_rate_pictures", "sometimes", number)
        [rated] = [m for m in world.queued(SAM) if m.message_key == "goal_rated"]
        assert not any(c.isdigit() or c == "%" for c in rated.values["rating"])

    async def test_a_rating_off_the_young_persons_scale_is_refused(self, world: World) -> None:
        number = await add_goal(world)
        jo = await world.staff_actor(JO)
        with pytest.raises(GoalRefused) as caught:
            await do_staff_rating(world.uow(), jo, number, "7", now=world.now())
        assert _refused(caught) == "goal_rating_not_on_scale"
        assert ratings(world, number) == []

    async def test_a_written_number_answers_the_0_to_10_question(self, world: World) -> None:
        set_profile(world, level=Level.STANDARD)
        number = await add_goal(world)
        assert last(world).message_key == "goal_rate_ten"
        assert person(world).choice_ref == number
        assert await do_written_answer(world.uow(), SAM, " 7 ", now=world.now())
        assert [(r.scale, r.value, r.by_type) for r in ratings(world, number)] == [
            (Scale.TEN, "7", ActorKind.YOUNG_PERSON.value)
        ]


class TestSteps:
    async def test_a_fourth_open_step_is_refused(self, world: World) -> None:
        number = await add_goal(world)
        jo = await world.staff_actor(JO)
        made = [
            await do_add_step(world.uow(), jo, number, words, now=world.now())
            for words in ("ask about the bus", " find the form 📝", "visit")
        ]
        with pytest.raises(GoalRefused) as caught:
            await do_add_step(world.uow(), jo, number, "one more", now=world.now())
        assert _refused(caught) == "goal_step_no_room"
        assert [s.words for s in steps(world, number)] == [
            "ask about the bus", " find the form 📝", "visit",
        ]  # fmt: skip
        # Once one is done there is room again.
        assert await tap(world, "my_goal_step", "step_done", made[0])
        await do_add_step(world.uow(), jo, number, "one more", now=world.now())
        assert [s.state for s in steps(world, number)] == [
            StepState.DONE, StepState.OPEN, StepState.OPEN, StepState.OPEN,
        ]  # fmt: skip

    async def test_the_step_is_told_in_its_words(self, world: World) -> None:
        number = await add_goal(world)
        jo = await world.staff_actor(JO)
        await do_add_step(world.uow(), jo, number, " ask  Jo ", now=world.now())
        told = last(world)
        assert (told.message_key, told.values["step"]) == ("goal_step_added", " ask  Jo ")

    async def test_not_yet_changes_nothing_about_the_step(self, world: World) -> None:
        number = await add_goal(world)
        jo = await world.staff_actor(JO)
        step = await do_add_step(world.uow(), jo, number, "visit", now=world.now())
        assert await tap(world, "my_goal_step", "step_not_yet", step)
        assert [s.state for s in steps(world, number)] == [StepState.OPEN]
        assert last(world).message_key == "goal_step_not_yet"


class TestMoving:
    async def test_pause_resume_done_and_drop_are_recorded_with_who_and_why(
        self, world: World
    ) -> None:
        set_profile(world, level=Level.STANDARD, check_ins=Cadence.WEEKLY)
        first, second = await add_goal(world, "a"), await add_goal(world, "b")
        jo = await world.staff_actor(JO)
        assert goal(world, first).next_check_in_at == world.now() + timedelta(weeks=1)
        moves = [
            (first, GoalState.PAUSED, "exams"),
            (first, GoalState.ACTIVE, None),
            (first, GoalState.DONE, "got a place"),
            (second, GoalState.DROPPED, "not now"),
        ]
        for number, state, why in moves:
            await do_move_goal(world.uow(), jo, number, state, now=world.now(), why=why)
            # Check-ins stop unless the goal is active.
            active = state is GoalState.ACTIVE
            assert (goal(world, number).next_check_in_at is not None) is active
        lines = [(e.kind, e.actor_id, e.detail) for e in history(world, first)][-3:]
        assert lines == [("paused", world.ids[JO], "exams"), ("active", world.ids[JO], None),
                         ("done", world.ids[JO], "got a place")]  # fmt: skip
        assert history(world, second)[-1].detail == "not now"
        told = [m.message_key for m in world.queued(SAM)][-4:]
        assert told == ["goal_paused", "goal_resumed", "goal_done", "goal_dropped"]

    async def test_a_done_goal_cannot_be_resumed(self, world: World) -> None:
        number = await add_goal(world)
        jo = await world.staff_actor(JO)
        await do_move_goal(world.uow(), jo, number, GoalState.DONE, now=world.now())
        with pytest.raises(GoalRefused) as caught:
            await do_move_goal(world.uow(), jo, number, GoalState.ACTIVE, now=world.now())
        assert _refused(caught) == "goal_not_open"
        assert goal(world, number).state is GoalState.DONE

    async def test_a_paused_goal_takes_no_steps_and_no_ratings(self, world: World) -> None:
        number = await add_goal(world)
        jo = await world.staff_actor(JO)
        await do_move_goal(world.uow(), jo, number, GoalState.PAUSED, now=world.now())
        with pytest.raises(GoalRefused):
            await do_add_step(world.uow(), jo, number, "visit", now=world.now())
        with pytest.raises(GoalRefused):
            await do_staff_rating(world.uow(), jo, number, "sometimes", now=world.now())
        assert steps(world, number) == []
        assert ratings(world, number) == []

    async def test_agreeing_a_suggested_goal_only_works_once(self, world: World) -> None:
        number = await add_goal(world)
        with pytest.raises(GoalRefused) as caught:
            await do_agree_goal(world.uow(), await world.staff_actor(JO), number, now=world.now())
        assert _refused(caught) == "goal_not_suggested"
