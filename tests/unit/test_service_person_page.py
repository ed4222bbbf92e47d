"""The console's page *A young person* against the fake unit of work: who opens it, which
parts each role sees (the bot's own rules), ratings kept on their own scale, profile changes
with who made them, concerns only for those who may read them, and every look audited."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from bot.adapters.web.person_chart import chart
from bot.domain.errors import YoungPersonNotFound
from bot.domain.goals import Scale
from bot.domain.sessions import SessionWith
from bot.services.goals import do_staff_rating
from bot.services.person_page import PersonPage, do_view_young_person
from bot.services.ports import NewSession
from bot.services.profiles import ProfileAsked, do_profile_command
from tests.unit.conftest import ASH, CAL, DEE, JO, LEE, MAX, PAT, SAM, SUE, World
from tests.unit.goal_helpers import add_goal, person, set_profile


async def _view(world: World, telegram_id: int = JO) -> PersonPage:
    actor = await world.staff_actor(telegram_id)
    return await do_view_young_person(world.uow(), actor, world.ids[SAM], now=world.now())


class TestWhoOpensIt:
    @pytest.mark.parametrize("telegram_id", [JO, CAL, DEE, MAX, SUE])
    async def test_those_with_sam_on_a_caseload_open_it(
        self, world: World, telegram_id: int
    ) -> None:
        person(world).life_coach_id = world.ids[CAL]
        page = await _view(world, telegram_id)
        assert page.first_name == "Sam"
        [look] = world.audited("console.young_person_viewed")
        assert (look.actor_id, look.subject_id) == (world.ids[telegram_id], world.ids[SAM])

    @pytest.mark.parametrize("telegram_id", [LEE, PAT, ASH])
    async def test_anyone_else_finds_nobody_and_nothing_is_audited(
        self, world: World, telegram_id: int
    ) -> None:
        with pytest.raises(YoungPersonNotFound):
            await _view(world, telegram_id)
        assert world.audited("console.young_person_viewed") == []

    async def test_nobody_with_that_number_is_not_found(self, world: World) -> None:
        actor = await world.staff_actor(JO)
        with pytest.raises(YoungPersonNotFound):
            await do_view_young_person(world.uow(), actor, 999_999, now=world.now())


class TestParts:
    async def test_their_worker_sees_and_may_change_everything(self, world: World) -> None:
        page = await _view(world)
        assert page.allowed.change_goals
        assert page.allowed.change_profile
        assert page.allowed.message
        assert page.profile is not None
        assert page.goals == ()
        assert page.sessions_next == ()
        audited = {e.action for e in world.store.tables.audit}
        assert {"profile.viewed", "goals.viewed"} <= audited

    async def test_a_manager_sees_no_goals_and_changes_no_profile(self, world: World) -> None:
        page = await _view(world, MAX)
        assert page.goals is None
        assert not page.allowed.change_goals
        assert not page.allowed.change_profile
        assert page.allowed.message
        assert world.audited("goals.viewed") == []

    async def test_a_therapist_changes_the_profile_but_sees_no_goals(self, world: World) -> None:
        page = await _view(world, SUE)
        assert page.allowed.change_profile
        assert page.goals is None


class TestGoals:
    async def test_each_rating_is_kept_on_its_own_scale_with_who_gave_it(
        self, world: World
    ) -> None:
        goal_id = await add_goal(world)
        actor = await world.staff_actor(JO)
        await do_staff_rating(world.uow(), actor, goal_id, "sometimes", now=world.now())
        set_profile(world, rating_scale=Scale.TEN)
        world.clock.advance(timedelta(days=7))
        await do_staff_rating(world.uow(), actor, goal_id, "7", now=world.now())
        [goal] = (await _view(world)).goals or ()
        assert goal.words == "go to college"
        assert [(s.scale, [p.value for p in s.points]) for s in goal.series] == [
            (Scale.PICTURES, ["sometimes"]),
            (Scale.TEN, ["7"]),
        ]
        assert goal.series[0].points[0].by == "Jo"
        assert goal.series[0].points[0].baseline


class TestProfileChanges:
    async def test_changes_are_listed_latest_first_with_who_made_them(self, world: World) -> None:
        for telegram_id, value in ((JO, "ten"), (SUE, "pictures")):
            actor = await world.staff_actor(telegram_id)
            asked = ProfileAsked(f"#{world.ids[SAM]}", "scale", value)
            await do_profile_command(world.uow(), actor, asked, now=world.now())
            world.clock.advance(timedelta(minutes=5))
        page = await _view(world)
        assert [change.by for change in page.changes or ()] == ["Sue", "Jo"]
        assert dict(page.profile or ())["scale"] == "pictures"


class TestConcerns:
    async def test_only_those_who_may_read_a_concern_see_it_each_look_audited(
        self, world: World
    ) -> None:
        concern_id = await world.raise_concern()
        person(world).life_coach_id = world.ids[CAL]
        [concern] = (await _view(world, JO)).concerns or ()
        assert concern.concern_id == concern_id
        assert concern.lines
        assert [e.subject_id for e in world.audited("concern.viewed")] == [concern_id]
        assert (await _view(world, CAL)).concerns is None
        assert (await _view(world, SUE)).concerns is None


class TestChart:
    async def test_pictures_sit_on_three_levels_and_time_runs_across(self, world: World) -> None:
        goal_id = await add_goal(world)
        actor = await world.staff_actor(JO)
        for value in ("not_going_well", "sometimes", "going_well"):
            await do_staff_rating(world.uow(), actor, goal_id, value, now=world.now())
            world.clock.advance(timedelta(days=1))
        [goal] = (await _view(world)).goals or ()
        drawn = chart(goal.series[0])
        heights = [dot.y for dot in drawn.dots]
        assert heights == sorted(heights, reverse=True)  # higher on the page is better
        assert [tick.value for tick in drawn.ticks] == [
            "not_going_well",
            "sometimes",
            "going_well",
        ]
        across = [dot.x for dot in drawn.dots]
        assert across == sorted(across)
        assert across[0] == drawn.left
        assert across[-1] == drawn.right_edge


class TestLongHistories:
    async def test_only_the_twenty_newest_concerns_are_read_and_audited(
        self, world: World
    ) -> None:
        first = await world.raise_concern()
        tables = world.store.tables
        [raised] = [c for c in tables.concerns if c.id == first]
        for n in range(1, 25):
            tables.add(tables.concerns, replace(raised, id=10_000 + n))
        shown = (await _view(world, JO)).concerns or ()
        newest = [10_000 + n for n in range(24, 4, -1)]
        assert [c.concern_id for c in shown] == newest
        assert sorted(e.subject_id or 0 for e in world.audited("concern.viewed")) == sorted(newest)

    async def test_more_than_eighty_past_sessions_still_show_the_next_ones(
        self, world: World
    ) -> None:
        sam, now = person(world), world.now()
        starts = [now - timedelta(days=3 * n) for n in range(1, 100)]
        starts += [now + timedelta(days=2), now + timedelta(days=9)]
        async with world.uow() as uow:
            for start in starts:
                booked = NewSession(
                    sam.hub_id, sam.id, SessionWith.WORKER, world.ids[JO], None, None,
                    start, "Europe/London", start, 60, False, None, None,
                )  # fmt: skip
                await uow.sessions.new(booked, now=now)
            await uow.commit()
        page = await _view(world)
        assert [s.starts_at for s in page.sessions_next or ()] == starts[-2:]
        assert [s.starts_at for s in page.sessions_past or ()] == starts[:20]
