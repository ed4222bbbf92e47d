"""Goal check-ins and the weekly digest on the clock (GL-4, GL-7), with the fake unit of work.
The clock starts on Tuesday 3 March 2026, 10am in London (GMT, so UTC hours read the same)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.goals import Cadence, GoalState
from bot.domain.outbox import Lane
from bot.domain.reminders import parse_quiet
from bot.services.goal_check_ins import try_check_in_due, try_send_digests
from bot.services.goals import do_move_goal
from bot.services.ladder_steps import CONCERN_CHECK
from bot.services.staff_words import staff_text
from tests.unit.conftest import CAL, JO, SAM, SATURDAY, World
from tests.unit.fake_records import Queued
from tests.unit.goal_helpers import add_goal, goal, kinds, person, set_profile, tap

WEEK = timedelta(weeks=1)
START = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
DUE = START + WEEK


async def _weekly_goal(world: World) -> int:
    set_profile(world, check_ins=Cadence.WEEKLY)
    return await add_goal(world)


async def _check_ins_at(world: World, moment: datetime) -> int:
    world.clock.now = moment
    return await try_check_in_due(world.uow(), now=moment)


async def _digests_at(world: World, moment: datetime) -> int:
    world.clock.now = moment
    return await try_send_digests(world.uow(), now=moment)


def _asked(world: World) -> list[Queued]:
    return [m for m in world.queued(SAM) if m.message_key == "goal_check_in"]


def _digests(world: World, telegram_id: int = JO) -> list[Queued]:
    return [m for m in world.queued(telegram_id) if m.message_key == "goal_digest_staff"]


class TestCheckIns:
    async def test_a_check_in_is_asked_at_most_twice_in_the_same_words(self, world: World) -> None:
        number = await _weekly_goal(world)
        assert goal(world, number).next_check_in_at == DUE
        moment = DUE - timedelta(minutes=30)
        while moment < DUE + WEEK - timedelta(minutes=1):
            await _check_ins_at(world, moment)
            moment += timedelta(minutes=5)
        first, again = _asked(world)
        assert again.created_at - first.created_at >= timedelta(minutes=10)
        assert (again.values, again.ref, again.lane) == (first.values, number, int(Lane.REMINDER))
        # The next period brings the next check-in, and only then.
        await _check_ins_at(world, first.created_at + WEEK)
        assert len(_asked(world)) == 3

    async def test_a_check_in_never_comes_in_quiet_hours_but_when_they_end(
        self, world: World
    ) -> None:
        world.clock.now = START.replace(hour=22)
        number = await _weekly_goal(world)
        await _check_ins_at(world, DUE.replace(hour=22))
        assert _asked(world) == []
        morning = DUE.replace(day=11, hour=8)
        assert goal(world, number).next_check_in_at == morning
        await _check_ins_at(world, morning)
        assert len(_asked(world)) == 1

    async def test_a_young_persons_own_quiet_hours_count_too(self, world: World) -> None:
        number = await _weekly_goal(world)
        set_profile(world, check_ins=Cadence.WEEKLY, quiet=parse_quiet("09:00-12:00"))
        await _check_ins_at(world, DUE)
        assert _asked(world) == []
        assert goal(world, number).next_check_in_at == DUE.replace(hour=12)

    async def test_no_check_in_while_the_goal_is_paused(self, world: World) -> None:
        number = await _weekly_goal(world)
        jo = await world.staff_actor(JO)
        await do_move_goal(world.uow(), jo, number, GoalState.PAUSED, now=world.now())
        assert goal(world, number).next_check_in_at is None
        # Even one left due from before is passed over, and not asked again.
        goal(world, number).next_check_in_at = DUE
        await _check_ins_at(world, DUE)
        await _check_ins_at(world, DUE + WEEK)
        assert _asked(world) == []
        assert goal(world, number).next_check_in_at is None

    async def test_no_check_in_after_stop_and_the_next_waits_a_whole_period(
        self, world: World
    ) -> None:
        number = await _weekly_goal(world)
        person(world).paused_at = START
        await _check_ins_at(world, DUE)
        assert _asked(world) == []
        assert kinds(world, number)[-1] == "check_in_skipped"
        assert goal(world, number).next_check_in_at == DUE + WEEK

    async def test_at_sessions_only_waypoint_never_asks(self, world: World) -> None:
        number = await add_goal(world)
        assert goal(world, number).cadence is Cadence.SESSIONS
        assert goal(world, number).next_check_in_at is None
        goal(world, number).next_check_in_at = DUE  # left from an older cadence
        for week in range(1, 6):
            await _check_ins_at(world, START + week * WEEK)
        assert _asked(world) == []

    async def test_a_check_in_never_replaces_are_you_safe_now(self, world: World) -> None:
        await _weekly_goal(world)
        person(world).awaiting_choice = CONCERN_CHECK
        await _check_ins_at(world, DUE)
        assert len(_asked(world)) == 1
        assert person(world).awaiting_choice == CONCERN_CHECK

    async def test_not_now_waits_a_whole_period_with_no_repeat(self, world: World) -> None:
        number = await _weekly_goal(world)
        await _check_ins_at(world, DUE)
        world.clock.now = DUE + timedelta(minutes=2)
        assert await tap(world, "goal_check_in", "goal_not_now", number)
        assert world.keys(SAM)[-1] == "goal_not_now_reply"
        await _check_ins_at(world, DUE + timedelta(minutes=30))
        assert len(_asked(world)) == 1
        assert goal(world, number).next_check_in_at == DUE + timedelta(minutes=2) + WEEK

    async def test_a_rating_moves_the_next_check_in_a_whole_period_on(self, world: World) -> None:
        number = await _weekly_goal(world)
        world.clock.now = START + timedelta(days=3)
        assert await tap(world, "goal_rate_pictures", "sometimes", number)
        assert goal(world, number).next_check_in_at == START + timedelta(days=3) + WEEK
        await _check_ins_at(world, DUE)
        assert _asked(world) == []

    async def test_answer_is_an_answer_so_the_check_in_is_not_repeated(self, world: World) -> None:
        number = await _weekly_goal(world)
        await _check_ins_at(world, DUE)
        world.clock.now = DUE + timedelta(minutes=1)
        assert await tap(world, "goal_check_in", "goal_answer", number)
        assert world.keys(SAM)[-1] == "goal_rate_pictures"
        await _check_ins_at(world, DUE + timedelta(minutes=15))
        assert len(_asked(world)) == 1


class TestDigest:
    async def test_the_digest_tells_what_changed_and_nothing_when_nothing_did(
        self, world: World
    ) -> None:
        person(world).life_coach_id = world.ids[CAL]
        number = await add_goal(world)
        await _digests_at(world, START + timedelta(days=6))
        assert _digests(world) == []
        await _digests_at(world, DUE)
        [sent] = _digests(world)
        assert sent.lane == int(Lane.DIGEST)
        made = staff_text(world.store.catalogue, "goal_digest_made", number=str(number),
                          goal="go to college", rating="")  # fmt: skip
        assert sent.values["lines"] == made
        assert [m.values for m in _digests(world, CAL)] == [sent.values]
        await _digests_at(world, DUE + WEEK)
        assert len(_digests(world)) == 1
        assert world.store.tables.goal_digests[0].due_at == DUE + 2 * WEEK

    async def test_the_digest_waits_for_office_hours(self, world: World) -> None:
        world.clock.now = SATURDAY
        await add_goal(world)
        await _digests_at(world, SATURDAY + WEEK)
        assert _digests(world) == []
        monday_nine = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)
        assert world.store.tables.goal_digests[0].due_at == monday_nine
        await _digests_at(world, monday_nine)
        assert len(_digests(world)) == 1

    async def test_after_12_weeks_unrated_the_worker_is_asked_to_review_it(
        self, world: World
    ) -> None:
        number = await add_goal(world)
        await _digests_at(world, DUE)
        to_sam = len(world.queued(SAM))
        twelve_weeks = START + timedelta(weeks=12)
        await _digests_at(world, twelve_weeks)
        review = staff_text(world.store.catalogue, "goal_digest_review", number=str(number),
                            goal="go to college")  # fmt: skip
        assert _digests(world)[-1].values["lines"] == review
        assert goal(world, number).review_asked_at == twelve_weeks
        # The young person is never chased.
        assert len(world.queued(SAM)) == to_sam
