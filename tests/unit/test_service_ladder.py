"""The ladder plan against the fake: who fills each step, in and out of office hours, with
cover and fallbacks, and what happens when nobody at all can be told. Time only moves when
the test moves the clock."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.ladder import Urgency
from bot.domain.safety.worry import Worry
from bot.services.concerns import do_acknowledge
from bot.services.ladder_steps import do_take_step, try_take_due_step
from tests.unit.conftest import (
    CAL,
    DEE,
    JO,
    LEE,
    MAX,
    OONA,
    OTTO,
    PAT,
    SAM,
    SATURDAY,
    TUESDAY_EVENING,
    World,
)

MISSING = Worry("words", Urgency.HIGH, "they make me go to a flat", "missing")


class TestInOfficeHours:
    async def test_unacknowledged_it_climbs_to_the_duty_worker_after_the_wait(
        self, world: World
    ) -> None:
        await world.raise_concern()
        assert await world.tick(minutes=9) == 0
        assert world.alerted() == ["named_worker: Jo"]
        assert await world.tick(minutes=1) == 1
        assert world.alerted() == ["named_worker: Jo", "duty: Dee"]
        assert world.keys(SAM)[-1] == "concern_passed_on"
        assert world.queued(SAM)[-1].values["staff"] == "Dee"

    async def test_then_a_manager_and_the_top_step_repeats_until_someone_has_it(
        self, world: World
    ) -> None:
        concern_id = await world.raise_concern()
        for _ in range(3):
            await world.tick(minutes=10)
        assert world.alerted() == [
            "named_worker: Jo", "duty: Dee", "manager: Max", "manager: Max",
        ]  # fmt: skip
        assert world.keys(MAX) == ["concern_alert_top", "concern_alert_top"]
        assert world.events(concern_id) == ["raised", *["notified"] * 4]

    async def test_other_urgencies_wait_the_councils_longer_time(self, world: World) -> None:
        world.change_council(minutes_other=30)
        await world.raise_concern(Worry("words", Urgency.LOW, "bit fed up", "bullying"))
        assert await world.tick(minutes=29) == 0
        assert await world.tick(minutes=1) == 1

    async def test_with_no_duty_worker_it_goes_straight_to_a_manager(self, world: World) -> None:
        world.change_staff(DEE, active=False)
        await world.raise_concern()
        await world.tick(minutes=10)
        assert world.alerted() == ["named_worker: Jo", "manager: Max"]


class TestOutOfHours:
    async def test_the_top_step_is_the_out_of_hours_team_and_their_number(
        self, world: World
    ) -> None:
        world.clock.now = TUESDAY_EVENING
        world.change_council(out_of_hours_phone="0300 123 4567")
        await world.raise_concern()
        await world.tick(minutes=10)
        await world.tick(minutes=10)
        assert world.alerted() == ["named_worker: Jo", "duty: Dee", "on_call: Oona"]
        [number] = [m for m in world.queued(SAM) if m.message_key == "concern_out_of_hours"]
        assert number.values == {"number": "0300 123 4567"}

    @pytest.mark.parametrize("gone", [{"active": False}, {"away": True}])
    async def test_without_an_out_of_hours_team_here_a_manager_takes_that_step(
        self, world: World, gone: dict[str, bool]
    ) -> None:
        world.clock.now = TUESDAY_EVENING
        world.change_staff(OONA, **gone)
        await world.raise_concern()
        await world.tick(minutes=10)
        await world.tick(minutes=10)
        assert world.alerted() == ["named_worker: Jo", "duty: Dee", "manager: Max"]

    async def test_a_council_can_have_the_out_of_hours_team_told_first(self, world: World) -> None:
        world.clock.now = SATURDAY
        world.change_council(on_call_first=True)
        await world.raise_concern()
        assert sorted(world.alerted()) == ["named_worker: Jo", "on_call: Oona"]
        await world.tick(minutes=10)
        assert world.alerted()[-1] == "manager: Max"

    async def test_the_out_of_hours_number_is_not_given_in_office_hours(
        self, world: World
    ) -> None:
        world.change_council(out_of_hours_phone="0300 123 4567")
        await world.raise_concern()
        assert "concern_out_of_hours" not in world.keys(SAM)


class TestCover:
    async def test_an_away_worker_passes_the_alert_to_their_cover(self, world: World) -> None:
        world.change_staff(JO, away=True, cover_id=world.ids[LEE])
        await world.raise_concern()
        assert world.alerted() == ["named_worker: Lee"]
        assert world.keys(JO) == []
        assert world.queued(SAM)[0].values["worker"] == "Lee"

    async def test_a_cover_who_is_away_too_is_nobody_and_duty_is_told(self, world: World) -> None:
        world.change_staff(JO, away=True, cover_id=world.ids[LEE])
        world.change_staff(LEE, away=True)
        await world.raise_concern()
        assert world.alerted() == ["duty: Dee"]

    async def test_a_cover_in_a_role_that_may_not_cover_is_nobody(self, world: World) -> None:
        world.change_staff(JO, away=True, cover_id=world.ids[CAL])
        await world.raise_concern()
        assert world.alerted() == ["duty: Dee"]
        assert world.keys(CAL) == []


class TestNobodyToTell:
    def _everyone_leaves(self, world: World) -> None:
        for staff in (JO, LEE, DEE, MAX, OONA):
            world.change_staff(staff, active=False)

    async def test_operators_are_told_once_and_the_young_person_hears_the_truth(
        self, world: World
    ) -> None:
        self._everyone_leaves(world)
        concern_id = await world.raise_concern()
        assert world.keys(OTTO) == ["concern_nobody_operator"]
        assert world.keys(SAM) == ["concern_nobody_yet", "concern_helplines"]
        for _ in range(3):
            await world.tick(minutes=1)
        assert world.keys(OTTO) == ["concern_nobody_operator"]
        assert world.events(concern_id).count("nobody_to_tell") == 1
        assert world.alerted() == []

    async def test_someone_who_comes_back_is_told_at_the_next_look(self, world: World) -> None:
        self._everyone_leaves(world)
        await world.raise_concern()
        world.change_staff(DEE, active=True)
        assert await world.tick(minutes=1) == 1
        assert world.alerted() == ["duty: Dee"]
        assert world.keys(SAM)[-1] == "concern_now_told"


class TestFollowUp:
    async def test_an_acknowledged_concern_nobody_closed_is_raised_with_its_holder_a_day_later(
        self, world: World
    ) -> None:
        concern_id = await world.raise_concern()
        jo = await world.staff_actor(JO)
        await do_acknowledge(world.uow(), jo, concern_id, call_me=False, now=world.now())
        assert await world.tick(minutes=24 * 60 - 1) == 0
        assert await world.tick(minutes=1) == 1
        assert world.keys(JO)[-1] == "concern_follow_up"

    async def test_if_its_holder_has_gone_away_it_goes_back_on_the_ladder(
        self, world: World
    ) -> None:
        concern_id = await world.raise_concern()
        jo = await world.staff_actor(JO)
        await do_acknowledge(world.uow(), jo, concern_id, call_me=False, now=world.now())
        world.change_staff(JO, away=True)
        await world.tick(minutes=24 * 60)
        concern = world.concern(concern_id)
        assert (concern.state, concern.acknowledged_by) == ("open", None)
        assert "reopened" in world.events(concern_id)
        assert world.alerted()[-1] == "duty: Dee"


class TestTakingSteps:
    async def test_a_step_is_taken_only_once_it_is_due(self, world: World) -> None:
        concern_id = await world.raise_concern()
        assert not await do_take_step(world.uow(), concern_id, now=world.now())
        later = world.now() + timedelta(minutes=10)
        assert await do_take_step(world.uow(), concern_id, now=later)
        assert world.alerted() == ["named_worker: Jo", "duty: Dee"]

    async def test_the_concern_that_has_waited_longest_is_stepped_first(
        self, world: World
    ) -> None:
        async with world.uow() as uow:
            tia = await uow.young_people.new(
                hub_id=world.store.tables.hubs[0].id, telegram_user_id=2002, first_name="Tia",
                key_worker_id=world.ids[LEE], now=world.now(),
            )  # fmt: skip
            await uow.commit()
        first = await world.raise_concern()
        world.clock.advance(timedelta(minutes=1))
        second = await world.raise_concern(by=tia.telegram_user_id)
        later = world.now() + timedelta(minutes=10)
        assert await try_take_due_step(world.uow(), now=later) == first
        assert await try_take_due_step(world.uow(), now=later) == second
        assert await try_take_due_step(world.uow(), now=later) is None

    async def test_a_concern_another_instance_is_stepping_is_passed_over(
        self, world: World
    ) -> None:
        concern_id = await world.raise_concern()
        later = world.now() + timedelta(minutes=10)
        assert await try_take_due_step(world.uow(), now=later, skip={concern_id}) is None
        assert await try_take_due_step(world.uow(), now=later) == concern_id

    async def test_police_liaison_get_a_summary_without_the_words_where_the_council_says(
        self, world: World
    ) -> None:
        world.change_council(police_liaison=True)
        await world.raise_concern(MISSING)
        [summary] = world.queued(PAT)
        assert summary.message_key == "concern_police_summary"
        assert MISSING.words not in summary.values.values()
