"""When a session's reminders go (SE-2, SE-3, SE-4, SE-7): tables a therapist and the
safeguarding lead can sign off. Times are London wall clock unless they say UTC."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from bot.domain.reminders import (
    COUNCIL_QUIET,
    DAY_BEFORE_AT,
    DEFAULT_OFFSETS,
    Offset,
    OffsetProblem,
    Planned,
    QuietHours,
    Skip,
    Skipped,
    next_quiet,
    parse_offsets,
    parse_quiet,
    plan_reminders,
    send_by,
    still_worth_sending,
)
from bot.domain.sessions import instant, next_week, wall_clock
from tests.unit.fake_uow import LONDON

DAY_BEFORE, TWO_HOURS = Offset(days=1), Offset(minutes=120)
NO_QUIET: tuple[QuietHours, ...] = ()
# Long before any of the sessions below: nothing is late unless a test says so.
LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)


def _local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A wall-clock time in London."""
    # A wall-clock time has no zone of its own.
    return datetime(year, month, day, hour, minute)  # noqa: DTZ001


def _plan(
    local_start: datetime,
    offsets: tuple[Offset, ...] = DEFAULT_OFFSETS,
    *,
    quiet: tuple[QuietHours, ...] = (COUNCIL_QUIET,),
    now: datetime = LONG_AGO,
) -> tuple[list[datetime], list[tuple[Offset, Skip]]]:
    """The plan as wall-clock due times, and what was left out and why."""
    plan = plan_reminders(local_start, LONDON, offsets, quiet=quiet, now=now)
    due = [wall_clock(p.due_at, LONDON) for p in plan.due]
    return due, [(s.offset, s.why) for s in plan.skipped]


class TestWritingOffsets:
    @pytest.mark.parametrize(
        ("written", "offsets"),
        [
            ("1d,2h", (DAY_BEFORE, TWO_HOURS)),
            # Any order and spacing; earliest first whatever the order written.
            (" 2h , 1d ", (DAY_BEFORE, TWO_HOURS)),
            ("30m", (Offset(minutes=30),)),
            ("90m", (Offset(minutes=90),)),
            ("6d,24h,1m", (Offset(days=6), Offset(minutes=24 * 60), Offset(minutes=1))),
            # The same reminder written twice is one reminder.
            ("2h,120m", (TWO_HOURS,)),
            ("none", ()),
            ("off", ()),
            ("0", ()),
        ],
    )
    def test_offsets_are_read_from_days_hours_and_minutes(
        self, written: str, offsets: tuple[Offset, ...]
    ) -> None:
        assert parse_offsets(written) == offsets

    @pytest.mark.parametrize(
        "written",
        [
            "tomorrow",
            "2 hours",
            "1d;2h",
            "",
            # At most three reminders for one session.
            "1d,2d,3d,2h",
            # Days are 1 to 6: a week ahead would come before last week's session.
            "0d",
            "7d",
            # Hours and minutes are 1 minute to 24 hours.
            "0m",
            "25h",
            "1441m",
        ],
    )
    def test_offsets_waypoint_cannot_read_are_refused_with_a_reason(self, written: str) -> None:
        with pytest.raises(OffsetProblem):
            parse_offsets(written)

    def test_by_default_the_day_before_at_5pm_and_2_hours_before(self) -> None:
        assert parse_offsets("1d,2h") == DEFAULT_OFFSETS
        assert time(17, 0) == DAY_BEFORE_AT
        due, skipped = _plan(_local(2026, 3, 10, 16, 0))
        assert due == [_local(2026, 3, 9, 17, 0), _local(2026, 3, 10, 14, 0)]
        assert skipped == []


class TestQuietHours:
    @pytest.mark.parametrize(
        ("written", "quiet"),
        [
            ("22:00-09:00", QuietHours(time(22), time(9))),
            ("22-9", QuietHours(time(22), time(9))),
            ("13:30 - 15:00", QuietHours(time(13, 30), time(15))),
        ],
    )
    def test_quiet_hours_are_read_on_the_24_hour_clock(
        self, written: str, quiet: QuietHours
    ) -> None:
        assert parse_quiet(written) == quiet

    @pytest.mark.parametrize("written", ["late", "22:00", "25-9", "22:61-9", "9-9"])
    def test_quiet_hours_waypoint_cannot_read_are_refused(self, written: str) -> None:
        with pytest.raises(OffsetProblem):
            parse_quiet(written)

    @pytest.mark.parametrize(
        ("clock", "quiet"),
        [(time(20, 59), False), (time(21, 0), True), (time(0, 0), True), (time(7, 59), True),
         (time(8, 0), False), (time(12, 0), False)],
    )  # fmt: skip
    def test_the_councils_quiet_hours_run_from_9pm_to_8am(self, clock: time, quiet: bool) -> None:
        assert COUNCIL_QUIET.contains(clock) is quiet

    def test_a_reminder_at_7_30_for_a_9_30_session_is_folded_into_the_day_before(self) -> None:
        due, skipped = _plan(_local(2026, 3, 10, 9, 30))
        assert due == [_local(2026, 3, 9, 17, 0)]
        assert skipped == [(TWO_HOURS, Skip.MERGED)]

    def test_a_reminder_at_7_30_alone_goes_at_8_30_the_evening_before(self) -> None:
        due, _ = _plan(_local(2026, 3, 10, 9, 30), (TWO_HOURS,))
        assert due == [_local(2026, 3, 9, 20, 30)]

    def test_a_reminder_due_at_10pm_moves_to_8_30pm(self) -> None:
        plan = plan_reminders(
            _local(2026, 3, 10, 23, 30),
            LONDON,
            (DAY_BEFORE, Offset(minutes=90)),
            quiet=(COUNCIL_QUIET,),
            now=LONG_AGO,
        )
        [day_before, moved] = plan.due
        assert not day_before.moved
        assert moved.moved
        assert wall_clock(moved.due_at, LONDON) == _local(2026, 3, 10, 20, 30)

    def test_a_young_persons_own_quiet_hours_move_a_reminder_too(self) -> None:
        after_school = parse_quiet("16:00-19:00")
        due, _ = _plan(_local(2026, 3, 10, 16, 0), quiet=(COUNCIL_QUIET, after_school))
        # The day before at 5pm is inside their own quiet hours: half an hour before they start.
        assert due == [_local(2026, 3, 9, 15, 30), _local(2026, 3, 10, 14, 0)]

    def test_a_reminder_leaves_every_quiet_stretch_it_falls_into(self) -> None:
        evening = parse_quiet("20:00-23:00")
        due, _ = _plan(_local(2026, 3, 10, 9, 30), (TWO_HOURS,), quiet=(COUNCIL_QUIET, evening))
        # 7.30am is the council's; 8.30pm the evening before is the young person's.
        assert due == [_local(2026, 3, 9, 19, 30)]

    def test_a_reminder_moved_to_a_moment_already_past_is_left_out_as_quiet(self) -> None:
        now = instant(_local(2026, 3, 9, 20, 45), LONDON)
        due, skipped = _plan(_local(2026, 3, 10, 9, 30), (TWO_HOURS,), now=now)
        assert due == []
        assert skipped == [(TWO_HOURS, Skip.QUIET)]

    @pytest.mark.parametrize("hour", range(24))
    @pytest.mark.parametrize(
        "quiet",
        [(COUNCIL_QUIET,), (COUNCIL_QUIET, QuietHours(time(15), time(18))), NO_QUIET],
    )
    def test_a_reminder_is_never_moved_later(
        self, hour: int, quiet: tuple[QuietHours, ...]
    ) -> None:
        local_start = _local(2026, 3, 10, hour, 15)
        offsets = (Offset(days=2), Offset(minutes=180), Offset(minutes=30))
        start = instant(local_start, LONDON)
        plan = plan_reminders(local_start, LONDON, offsets, quiet=quiet, now=LONG_AGO)
        for planned in plan.due:
            assert planned.due_at <= _wanted(planned, local_start, start)
            assert planned.due_at < start
            assert not any(q.contains(wall_clock(planned.due_at, LONDON).time()) for q in quiet)

    def test_the_next_quiet_stretch_is_found_from_any_time(self) -> None:
        quiet = (COUNCIL_QUIET,)
        assert next_quiet(_local(2026, 3, 9, 17, 0), quiet) == _local(2026, 3, 9, 21, 0)
        assert next_quiet(_local(2026, 3, 9, 22, 0), quiet) == _local(2026, 3, 10, 21, 0)
        assert next_quiet(_local(2026, 3, 9, 17, 0), NO_QUIET) is None


def _wanted(planned: Planned, local_start: datetime, start: datetime) -> datetime:
    """The moment a reminder asked for, before quiet hours (worked out here, not borrowed)."""
    if planned.offset.days:
        day = local_start.date() - timedelta(days=planned.offset.days)
        return instant(datetime.combine(day, DAY_BEFORE_AT), LONDON)
    return start - timedelta(minutes=planned.offset.minutes)


class TestLateBookings:
    def test_booking_half_an_hour_before_leaves_no_reminders_and_says_both_were_late(
        self,
    ) -> None:
        local_start = _local(2026, 3, 10, 16, 0)
        now = instant(local_start, LONDON) - timedelta(minutes=30)
        plan = plan_reminders(
            local_start, LONDON, DEFAULT_OFFSETS, quiet=(COUNCIL_QUIET,), now=now
        )
        assert plan.due == ()
        assert plan.skipped == (Skipped(DAY_BEFORE, Skip.LATE), Skipped(TWO_HOURS, Skip.LATE))

    def test_booking_in_the_morning_keeps_only_the_reminder_still_ahead(self) -> None:
        local_start = _local(2026, 3, 10, 16, 0)
        now = instant(_local(2026, 3, 10, 9, 0), LONDON)
        due, skipped = _plan(local_start, now=now)
        assert due == [_local(2026, 3, 10, 14, 0)]
        assert skipped == [(DAY_BEFORE, Skip.LATE)]

    def test_every_reminder_planned_comes_before_the_start_and_after_now(self) -> None:
        local_start = _local(2026, 3, 10, 16, 0)
        now = instant(_local(2026, 3, 9, 12, 0), LONDON)
        offsets = parse_offsets("2d,1d,30m")
        plan = plan_reminders(local_start, LONDON, offsets, quiet=(COUNCIL_QUIET,), now=now)
        assert [p.offset for p in plan.due] == [DAY_BEFORE, Offset(minutes=30)]
        assert plan.skipped == (Skipped(Offset(days=2), Skip.LATE),)
        assert all(now < p.due_at < instant(local_start, LONDON) for p in plan.due)


class TestPlanOrder:
    def test_the_plan_lists_reminders_earliest_first(self) -> None:
        # 24 hours before 00:10 is 00:10 the day before, moved to 8.30pm two days before:
        # earlier than "the day before at 5pm".
        due, skipped = _plan(_local(2026, 3, 10, 0, 10), (DAY_BEFORE, Offset(minutes=24 * 60)))
        assert skipped == []
        assert due == [_local(2026, 3, 8, 20, 30), _local(2026, 3, 9, 17, 0)]


# The clocks change at 1am UTC on the last Sunday of March and of October.
CLOCK_CHANGES = [
    pytest.param(_local(2026, 3, 29, 16, 0), id="Sunday 29 March 2026"),
    pytest.param(_local(2026, 10, 25, 16, 0), id="Sunday 25 October 2026"),
    pytest.param(_local(2027, 3, 28, 16, 0), id="Sunday 28 March 2027"),
    pytest.param(_local(2027, 10, 31, 16, 0), id="Sunday 31 October 2027"),
]


class TestClockChanges:
    @pytest.mark.parametrize("change_day", CLOCK_CHANGES)
    def test_a_weekly_4pm_session_stays_at_4pm_across_the_change(
        self, change_day: datetime
    ) -> None:
        weeks = [change_day - timedelta(days=7)]
        for _ in range(2):
            weeks.append(next_week(weeks[-1]))
        starts = [instant(week, LONDON) for week in weeks]
        assert [wall_clock(s, LONDON).time() for s in starts] == [time(16, 0)] * 3
        # The UTC hour is not the same before and after: the clocks really did change.
        assert starts[0].hour != starts[2].hour
        # Real time between the weeks is a week plus or minus the hour that changed.
        assert {starts[1] - starts[0], starts[2] - starts[1]} <= {
            timedelta(days=7) - timedelta(hours=1),
            timedelta(days=7),
            timedelta(days=7) + timedelta(hours=1),
        }

    @pytest.mark.parametrize("change_day", CLOCK_CHANGES)
    @pytest.mark.parametrize("week", [-1, 0, 1], ids=["week before", "that day", "week after"])
    def test_the_reminders_keep_their_times_on_both_sides_of_the_change(
        self, change_day: datetime, week: int
    ) -> None:
        local_start = change_day + timedelta(days=7 * week)
        start = instant(local_start, LONDON)
        plan = plan_reminders(
            local_start, LONDON, DEFAULT_OFFSETS, quiet=(COUNCIL_QUIET,), now=LONG_AGO
        )
        [day_before, two_hours] = plan.due
        assert wall_clock(day_before.due_at, LONDON) == datetime.combine(
            local_start.date() - timedelta(days=1), time(17, 0)
        )
        assert start - two_hours.due_at == timedelta(hours=2)
        assert wall_clock(two_hours.due_at, LONDON).time() == time(14, 0)

    @pytest.mark.parametrize(
        ("local_start", "reminded_at"),
        [
            # Spring: 3am summer time is 2am UTC; 2 real hours before is midnight GMT.
            (_local(2026, 3, 29, 3, 0), _local(2026, 3, 29, 0, 0)),
            (_local(2027, 3, 28, 3, 0), _local(2027, 3, 28, 0, 0)),
            # Autumn: 2.30am GMT; 2 real hours before is the first 1.30am (summer time).
            (_local(2026, 10, 25, 2, 30), _local(2026, 10, 25, 1, 30)),
            (_local(2027, 10, 31, 2, 30), _local(2027, 10, 31, 1, 30)),
        ],
    )
    def test_hours_before_are_real_hours_over_the_change_itself(
        self, local_start: datetime, reminded_at: datetime
    ) -> None:
        start = instant(local_start, LONDON)
        [planned] = plan_reminders(
            local_start, LONDON, (TWO_HOURS,), quiet=NO_QUIET, now=LONG_AGO
        ).due
        assert start - planned.due_at == timedelta(hours=2)
        assert wall_clock(planned.due_at, LONDON) == reminded_at

    @pytest.mark.parametrize(
        ("local", "utc"),
        [
            # The first 1.30am of the autumn overlap is summer time's.
            (_local(2026, 10, 25, 1, 30), datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
            (_local(2027, 10, 31, 1, 30), datetime(2027, 10, 31, 0, 30, tzinfo=UTC)),
            # Either side of a change, an ordinary time is read as it is.
            (_local(2026, 3, 28, 16, 0), datetime(2026, 3, 28, 16, 0, tzinfo=UTC)),
            (_local(2026, 3, 29, 16, 0), datetime(2026, 3, 29, 15, 0, tzinfo=UTC)),
        ],
    )
    def test_a_wall_clock_time_has_one_instant(self, local: datetime, utc: datetime) -> None:
        assert instant(local, LONDON) == utc

    @pytest.mark.parametrize(
        ("local", "utc"),
        [
            (_local(2026, 3, 29, 1, 30), datetime(2026, 3, 29, 1, 30, tzinfo=UTC)),
            (_local(2027, 3, 28, 1, 30), datetime(2027, 3, 28, 1, 30, tzinfo=UTC)),
        ],
    )
    def test_a_time_in_the_spring_gap_is_read_as_after_the_change(
        self, local: datetime, utc: datetime
    ) -> None:
        # The docstring: "1.30 a.m. on the last Sunday of March is 2.30 a.m. summer time".
        assert instant(local, LONDON) == utc
        assert wall_clock(instant(local, LONDON), LONDON) == local + timedelta(hours=1)
        # So it never comes before a time earlier on the same clock.
        assert instant(local, LONDON) > instant(local - timedelta(minutes=31), LONDON)

    def test_a_wall_clock_time_that_carries_a_zone_is_refused(self) -> None:
        with pytest.raises(ValueError, match="zone"):
            instant(datetime(2026, 3, 29, 16, 0, tzinfo=UTC), LONDON)


START = datetime(2026, 3, 10, 16, 0, tzinfo=UTC)


class TestAfterDowntime:
    @pytest.mark.parametrize(
        ("due_before", "late_by", "sent"),
        [
            # On time, or within 5 minutes: always.
            (timedelta(hours=2), timedelta(0), True),
            (timedelta(minutes=6), timedelta(minutes=5), True),
            # Later than that: while less than half the time to the start has gone by.
            (timedelta(hours=2), timedelta(minutes=59), True),
            (timedelta(hours=2), timedelta(minutes=60), False),
            (timedelta(hours=23), timedelta(hours=11), True),
            (timedelta(hours=23), timedelta(hours=12), False),
            # Never once the session has started, however little late.
            (timedelta(minutes=3), timedelta(minutes=3), False),
            (timedelta(minutes=3), timedelta(minutes=4), False),
        ],
    )
    def test_a_late_reminder_goes_only_while_it_still_makes_sense(
        self, due_before: timedelta, late_by: timedelta, sent: bool
    ) -> None:
        due_at = START - due_before
        assert still_worth_sending(due_at=due_at, starts_at=START, now=due_at + late_by) is sent

    @pytest.mark.parametrize(
        ("due_before", "latest_before"),
        [
            # Half-way from its moment to the start.
            (timedelta(hours=2), timedelta(hours=1)),
            (timedelta(hours=23), timedelta(hours=11, minutes=30)),
            # At least 5 minutes after its moment...
            (timedelta(minutes=8), timedelta(minutes=3)),
            # ...but never after the start.
            (timedelta(minutes=3), timedelta(0)),
        ],
    )
    def test_a_queued_reminder_must_leave_by_half_way_to_the_start(
        self, due_before: timedelta, latest_before: timedelta
    ) -> None:
        assert send_by(due_at=START - due_before, starts_at=START) == START - latest_before
