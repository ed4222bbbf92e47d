"""Goal check-ins on a clock the test moves (GL-4, GL-7): only at the period the young person
chose, at most twice (the check-in, and once more in the same words after their processing
time), never in quiet hours, never while paused or stopped, never because of silence."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.goals import GoalState
from bot.services.pausing import do_stop
from tests.integration.goal_world import CHECK_IN, SAM, GoalWorld, hub, local, world

__all__ = ["hub", "world"]

WEEK = timedelta(weeks=1)


async def test_a_check_in_is_sent_twice_at_most_in_the_same_words_then_not_until_next_week(
    world: GoalWorld,
) -> None:
    await world.profile("check_ins", "weekly")
    await world.profile("wait", "30")
    made = world.now
    await world.add()
    await world.run(made + 3 * WEEK + timedelta(days=1))
    sent = await world.sent_at(SAM, CHECK_IN)
    # Each week: the check-in at the period, and once more after 30 minutes, then nothing.
    assert sent == [
        moment
        for week in (1, 2, 3)
        for moment in (made + week * WEEK, made + week * WEEK + timedelta(minutes=30))
    ]
    rows = await world.rows(SAM, CHECK_IN)
    for first, again in zip(rows[::2], rows[1::2], strict=True):
        assert await world.words(again) == await world.words(first)


async def test_no_check_in_in_the_councils_quiet_hours_it_waits_until_they_end(
    world: GoalWorld,
) -> None:
    await world.profile("check_ins", "weekly")
    await world.profile("wait", "90")
    # Made at 20:00 on Tuesday: the check-in is due at 20:00 a week later, and its repeat at
    # 21:30, inside the council's 21:00 to 08:00.
    world.hub.clock.now = local("2026-03-03T20:00")
    await world.add()
    await world.run(local("2026-03-11T12:00"))
    assert await world.sent_at(SAM, CHECK_IN) == [
        local("2026-03-10T20:00"),
        local("2026-03-11T08:00"),
    ]


async def test_no_check_in_in_the_young_persons_own_quiet_hours(world: GoalWorld) -> None:
    await world.profile("check_ins", "weekly")
    await world.profile("quiet", "12:00-15:00")
    world.hub.clock.now = local("2026-03-03T13:00")
    await world.add()
    await world.run(local("2026-03-10T18:00"))
    sent = await world.sent_at(SAM, CHECK_IN)
    assert sent == [local("2026-03-10T15:00"), local("2026-03-10T15:10")]


async def test_a_paused_goal_is_never_checked_in_and_resumes_a_whole_period_later(
    world: GoalWorld,
) -> None:
    await world.profile("check_ins", "weekly")
    number = await world.add()
    await world.run(world.now + timedelta(days=2))
    await world.move(number, GoalState.PAUSED)
    await world.run(world.now + 4 * WEEK, every=timedelta(hours=1))
    assert await world.sent_at(SAM, CHECK_IN) == []
    resumed = world.now
    await world.move(number, GoalState.ACTIVE)
    await world.run(resumed + WEEK + timedelta(hours=2))
    assert await world.sent_at(SAM, CHECK_IN) == [
        resumed + WEEK,
        resumed + WEEK + timedelta(minutes=10),
    ]


async def test_nothing_is_asked_after_stop_however_many_periods_pass(world: GoalWorld) -> None:
    await world.profile("check_ins", "weekly")
    number = await world.add()
    assert await do_stop(world.hub.uow(), SAM, now=world.now)
    await world.run(world.now + 5 * WEEK, every=timedelta(hours=1))
    assert await world.sent_at(SAM, CHECK_IN) == []
    skipped = [
        detail for kind, detail in await world.history(number) if kind.startswith("check_in")
    ]
    assert skipped == ["stopped"] * 5


async def test_a_young_person_who_never_writes_gets_the_cadences_check_ins_and_nothing_more(
    world: GoalWorld,
) -> None:
    await world.profile("check_ins", "fortnightly")
    made = world.now
    await world.add()
    after_made = made + timedelta(seconds=1)
    await world.run(made + 8 * WEEK + timedelta(hours=2), every=timedelta(hours=1))
    # Four fortnights: four check-ins, each asked once more; nothing else at all.
    keys = await world.keys_since(SAM, after_made)
    assert keys == [CHECK_IN] * 8
    sent = await world.sent_at(SAM, CHECK_IN)
    assert sent[::2] == [made + n * 2 * WEEK for n in (1, 2, 3, 4)]


async def test_at_sessions_only_nothing_is_ever_asked(world: GoalWorld) -> None:
    made = world.now
    number = await world.add()
    await world.run(made + 14 * WEEK, every=timedelta(hours=2))
    assert await world.keys_since(SAM, made + timedelta(seconds=1)) == []
    assert (await world.goal(number)).next_check_in_at is None


async def test_not_now_moves_the_check_in_a_whole_period_and_stops_the_repeat(
    world: GoalWorld,
) -> None:
    await world.profile("check_ins", "weekly")
    await world.profile("wait", "30")
    made = world.now
    number = await world.add()
    await world.run(made + WEEK)
    world.hub.clock.advance(timedelta(minutes=5))
    assert await world.choose(CHECK_IN, "goal_not_now", number)
    tapped = world.now
    await world.run(tapped + WEEK + timedelta(hours=1), every=timedelta(minutes=5))
    assert await world.sent_at(SAM, CHECK_IN) == [
        made + WEEK,
        tapped + WEEK,
        tapped + WEEK + timedelta(minutes=30),
    ]
    assert (await world.goal(number)).state is GoalState.ACTIVE
