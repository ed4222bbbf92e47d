"""*How we are doing* (issue 15): the weeks (Monday to Sunday at the council's zone, across
the clock changes), the median and 90th percentile, progress on a goal, and the service
against the fake unit of work: figures on known data, managers only, each look audited."""

from __future__ import annotations

import csv
import io
import itertools
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.access import Viewer, may_see_service_figures
from bot.domain.goals import Scale
from bot.domain.people import Role
from bot.domain.service_figures import (
    GoalRatingFact,
    ReminderOutcome,
    SessionOutcome,
    ToldConcern,
    higher,
    last_weeks,
    nearest_rank,
    progressed,
    week_of,
)
from bot.services.console_stats import (
    PageNotForRole,
    RangeNotOffered,
    ShowFigures,
    csv_of,
    do_view_service_figures,
)
from tests.unit.conftest import ASH, CAL, DEE, JO, LEE, MAX, OONA, OTTO, PAT, SUE, World

LONDON = ZoneInfo("Europe/London")


class TestPercentiles:
    @pytest.mark.parametrize(
        ("values", "median", "p90"),
        [
            ([], None, None),
            ([7.0], 7.0, 7.0),
            ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5, 9),
            # Nearest rank: each is a time some concern really took, never a blend of two.
            ([10, 40], 10, 40),
            ([30, 10, 20, 40], 20, 40),
            ([5] * 9 + [600], 5, 5),
            ([5] * 8 + [600, 700], 5, 600),
        ],
    )
    def test_nearest_rank(self, values: list[float], median: float, p90: float) -> None:
        assert nearest_rank(values, 50) == median
        assert nearest_rank(values, 90) == p90


class TestWeeks:
    def test_a_week_runs_monday_to_sunday_at_the_councils_zone(self) -> None:
        week = week_of(date(2026, 7, 8), LONDON)  # a Wednesday in summer time
        assert week.monday == date(2026, 7, 6)
        assert week.starts_at == datetime(2026, 7, 5, 23, 0, tzinfo=UTC)
        assert week.ends_at == datetime(2026, 7, 12, 23, 0, tzinfo=UTC)

    def test_the_week_the_clocks_go_forward_is_an_hour_short(self) -> None:
        week = week_of(date(2026, 3, 29), LONDON)  # Sunday: clocks forward at 01:00
        assert week.monday == date(2026, 3, 23)
        assert week.starts_at == datetime(2026, 3, 23, 0, 0, tzinfo=UTC)
        assert week.ends_at == datetime(2026, 3, 29, 23, 0, tzinfo=UTC)
        assert week.ends_at - week.starts_at == timedelta(hours=167)
        # Sunday 23:30 in GMT reckoning is already Monday 00:30 in summer time: next week.
        assert not week.holds(datetime(2026, 3, 29, 23, 30, tzinfo=UTC))
        assert week.holds(datetime(2026, 3, 29, 22, 59, tzinfo=UTC))

    def test_the_week_the_clocks_go_back_is_an_hour_long(self) -> None:
        week = week_of(date(2026, 10, 25), LONDON)  # Sunday: clocks back at 02:00
        assert week.starts_at == datetime(2026, 10, 18, 23, 0, tzinfo=UTC)
        assert week.ends_at == datetime(2026, 10, 26, 0, 0, tzinfo=UTC)
        assert week.ends_at - week.starts_at == timedelta(hours=169)
        assert week.holds(datetime(2026, 10, 25, 23, 30, tzinfo=UTC))  # Sunday 23:30 GMT

    def test_the_last_weeks_end_with_this_one_and_touch(self) -> None:
        now = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)  # Wednesday after the clocks changed
        weeks = last_weeks(now, 4, LONDON)
        assert [w.monday for w in weeks] == [
            date(2026, 3, 9), date(2026, 3, 16), date(2026, 3, 23), date(2026, 3, 30),
        ]  # fmt: skip
        assert all(a.ends_at == b.starts_at for a, b in itertools.pairwise(weeks))
        assert weeks[-1].holds(now)


class TestProgress:
    @pytest.mark.parametrize(
        ("scale", "first", "later", "up"),
        [
            (Scale.TEN, "3", "5", True),
            (Scale.TEN, "3", "10", True),
            (Scale.TEN, "5", "5", False),
            (Scale.TEN, "9", "2", False),
            (Scale.PICTURES, "not_going_well", "sometimes", True),
            (Scale.PICTURES, "sometimes", "going_well", True),
            (Scale.PICTURES, "going_well", "sometimes", False),
            (Scale.PICTURES, "sometimes", "sometimes", False),
        ],
    )
    def test_higher_on_the_same_scale(
        self, scale: Scale, first: str, later: str, up: bool
    ) -> None:
        assert higher(scale, first, later) is up

    def test_a_goal_is_compared_with_its_first_rating_on_each_scale(self) -> None:
        week = week_of(date(2026, 3, 3), LONDON)
        monday = week.starts_at
        ratings = [
            GoalRatingFact(1, Scale.TEN, "4", monday - timedelta(weeks=3)),
            GoalRatingFact(1, Scale.TEN, "2", monday - timedelta(weeks=1)),
            GoalRatingFact(1, Scale.TEN, "5", monday + timedelta(days=1)),  # above 4: up
            GoalRatingFact(2, Scale.TEN, "6", monday - timedelta(weeks=1)),
            GoalRatingFact(2, Scale.TEN, "5", monday + timedelta(days=1)),  # below 6
            # Its scale changed: the first picture is the baseline, not the 0 to 10 one.
            GoalRatingFact(2, Scale.PICTURES, "sometimes", monday + timedelta(days=2)),
            GoalRatingFact(3, Scale.PICTURES, "sometimes", monday - timedelta(weeks=2)),
            GoalRatingFact(3, Scale.PICTURES, "going_well", monday + timedelta(days=3)),
            GoalRatingFact(3, Scale.PICTURES, "going_well", monday + timedelta(days=4)),
        ]
        assert progressed(ratings, week) == {1, 3}


@pytest.mark.parametrize(
    ("viewer", "sees"),
    [
        (Viewer(Role.MANAGER, active=True, same_hub=True, same_council=True), True),
        # Another hub's manager, or one who has left, does not.
        (Viewer(Role.MANAGER, active=True, same_hub=False, same_council=True), False),
        (Viewer(Role.MANAGER, active=False, same_hub=True, same_council=True), False),
        # Nor operators (per-worker times are for those who manage staff), nor anyone else.
        *(
            (Viewer(role, active=True, same_hub=True, same_council=True), False)
            for role in Role
            if role is not Role.MANAGER
        ),
    ],
)
def test_only_a_hubs_managers_see_its_service_figures(viewer: Viewer, sees: bool) -> None:
    assert may_see_service_figures(viewer) is sees


# Week beginning Monday 2 March 2026 (GMT), as the world's clock shows Tuesday 3 March.
MONDAY = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)


def _told(
    at: datetime, minutes: float | None, by: str | None, *, top: bool = False
) -> ToldConcern:
    acked = None if minutes is None else at + timedelta(minutes=minutes)
    return ToldConcern(at, acked, by if acked else None, top)


async def _seed(world: World) -> int:
    """Harrogate's fortnight: concerns acknowledged after known delays, reminders, sessions,
    goal ratings; and a concern at Scarborough that must not count."""
    actor = await world.staff_actor(MAX)
    hub = actor.hub_id
    facts = world.store.figure_facts
    last_week = MONDAY - timedelta(weeks=1)
    for minutes, by in ((5, "Jo"), (15, "Jo"), (45, "Dee"), (120, "Dee")):
        facts.concerns.append((hub, _told(last_week + timedelta(hours=10), minutes, by)))
    facts.concerns.append((hub, _told(last_week + timedelta(days=2), None, None, top=True)))
    for minutes in (2, 4, 6, 8, 10, 12, 14, 16, 18, 300):
        facts.concerns.append((hub, _told(MONDAY + timedelta(hours=9), minutes, "Jo")))
    other = (await world.staff_actor(ASH)).hub_id
    facts.concerns.append((other, _told(MONDAY + timedelta(hours=9), 999, "Ash", top=True)))
    # A reminder due on Sunday 1 March at 23:30 is last week's; one at Monday 00:00 this week's.
    facts.reminders += [
        (hub, MONDAY - timedelta(minutes=30), ReminderOutcome.SENT),
        (hub, MONDAY, ReminderOutcome.SENT),
        (hub, MONDAY + timedelta(hours=1), ReminderOutcome.TOO_LATE),
    ]
    facts.sessions += [
        (hub, last_week + timedelta(days=1), SessionOutcome.SEEN),
        (hub, last_week + timedelta(days=2), SessionOutcome.NOT_SEEN),
        (hub, MONDAY + timedelta(hours=3), SessionOutcome.NOT_MARKED),
    ]
    facts.ratings += [
        (hub, GoalRatingFact(7, Scale.TEN, "3", last_week)),
        (hub, GoalRatingFact(7, Scale.TEN, "6", MONDAY + timedelta(hours=1))),
        (hub, GoalRatingFact(8, Scale.TEN, "6", last_week)),
        (hub, GoalRatingFact(8, Scale.TEN, "5", MONDAY + timedelta(hours=1))),
    ]
    return hub


class TestTheService:
    async def test_figures_on_known_data(self, world: World) -> None:
        hub = await _seed(world)
        page = await do_view_service_figures(
            world.uow(), await world.staff_actor(MAX), ShowFigures(weeks=4), now=world.now()
        )
        assert page.hub_name == "Harrogate"
        assert [w.monday for w in page.weeks][-2:] == [date(2026, 2, 23), date(2026, 3, 2)]
        before, this = page.weeks[-2], page.weeks[-1]
        assert before.acknowledging.told == 5
        assert before.acknowledging.acknowledged == 4
        assert before.acknowledging.median_minutes == 15
        assert before.acknowledging.p90_minutes == 120
        assert before.reached_top == 1
        assert this.acknowledging.median_minutes == 10
        assert this.acknowledging.p90_minutes == 18
        assert this.reached_top == 0  # Scarborough's concern is not Harrogate's
        assert before.reminders[ReminderOutcome.SENT] == 1
        assert this.reminders[ReminderOutcome.SENT] == 1
        assert this.reminders[ReminderOutcome.TOO_LATE] == 1
        assert before.sessions[SessionOutcome.SEEN] == 1
        assert before.sessions[SessionOutcome.NOT_SEEN] == 1
        assert this.sessions[SessionOutcome.NOT_MARKED] == 1
        assert (before.goals_progressed, this.goals_progressed, page.goals_progressed) == (0, 1, 1)
        workers = {w.name: w.acknowledging for w in page.workers}
        assert set(workers) == {"Dee", "Jo"}
        assert (workers["Dee"].acknowledged, workers["Dee"].median_minutes) == (2, 45)
        assert (workers["Jo"].acknowledged, workers["Jo"].p90_minutes) == (12, 18)
        [viewed] = world.audited("console.figures_viewed")
        assert (viewed.hub_id, viewed.subject_type, viewed.subject_id) == (hub, "hub", hub)

    async def test_the_csv_has_a_row_a_measure_scope_and_week(self, world: World) -> None:
        await _seed(world)
        page = await do_view_service_figures(
            world.uow(),
            await world.staff_actor(MAX),
            ShowFigures(weeks=4, download=True),
            now=world.now(),
        )
        rows = list(csv.DictReader(io.StringIO(csv_of(page))))
        cell = {(r["measure"], r["scope"], r["week_beginning"]): r["value"] for r in rows}
        assert cell["acknowledge_median_minutes", "hub", "2026-02-23"] == "15"
        assert cell["acknowledge_p90_minutes", "hub", "2026-03-02"] == "18"
        assert cell["acknowledge_median_minutes", "hub", "2026-02-16"] == ""
        assert cell["concerns_reached_top", "hub", "2026-02-23"] == "1"
        assert cell["reminders_too_late", "hub", "2026-03-02"] == "1"
        assert cell["sessions_not_seen", "hub", "2026-02-23"] == "1"
        assert cell["goals_with_progress", "hub", "2026-03-02"] == "1"
        assert cell["acknowledge_median_minutes", "worker: Dee", "2026-02-23"] == "45"
        assert [e.action for e in world.audited("console.figures_downloaded")] == [
            "console.figures_downloaded"
        ]

    @pytest.mark.parametrize("telegram_id", [JO, LEE, DEE, PAT, SUE, CAL, OTTO, OONA])
    async def test_nobody_but_a_manager_sees_them(self, world: World, telegram_id: int) -> None:
        with pytest.raises(PageNotForRole):
            await do_view_service_figures(
                world.uow(), await world.staff_actor(telegram_id), ShowFigures(), now=world.now()
            )
        assert not world.audited("console.figures_viewed")

    async def test_a_range_not_offered_is_refused(self, world: World) -> None:
        with pytest.raises(RangeNotOffered):
            await do_view_service_figures(
                world.uow(), await world.staff_actor(MAX), ShowFigures(weeks=5), now=world.now()
            )
