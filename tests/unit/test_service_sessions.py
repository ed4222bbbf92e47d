"""Booking, moving, cancelling and marking sessions, and their reminders, against the fake
unit of work (SE-3..9). The clock is Tuesday 3 March 2026, 10am in London (GMT)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.domain.errors import (
    MayNotBookSession,
    NoSuchSession,
    SessionNotChangeable,
    SessionRefused,
)
from bot.domain.outbox import DeliveryState, Lane
from bot.domain.reminders import ReminderState, Skip
from bot.domain.sessions import SessionState, SessionWith
from bot.services.choices import do_choose
from bot.services.ladder_steps import CONCERN_CHECK
from bot.services.missed import do_mark
from bot.services.reminders import reminder_lines, try_follow_weekly, try_remind_due
from bot.services.sessions import Booked, Booking, do_book, do_cancel, do_move
from bot.services.staff_words import staff_text
from tests.unit.conftest import ASH, CAL, JO, LEE, MAX, SAM, World
from tests.unit.fake_records import Reminder, Session, YoungPerson

# Thursday 5 March 2026 at 4pm, London (GMT, so the UTC hours read the same).
THURSDAY_4PM = datetime(2026, 3, 5, 16, 0)  # noqa: DTZ001 - a wall-clock time
DAY_BEFORE = datetime(2026, 3, 4, 17, 0, tzinfo=UTC)
TWO_HOURS_BEFORE = datetime(2026, 3, 5, 14, 0, tzinfo=UTC)
STARTS = datetime(2026, 3, 5, 16, 0, tzinfo=UTC)


async def _book(
    world: World,
    local_start: datetime = THURSDAY_4PM,
    *,
    by: int = JO,
    with_kind: SessionWith = SessionWith.WORKER,
    **more: Any,
) -> Booked:
    """Jo books Sam a session with them (at Thursday 4pm unless told otherwise)."""
    booking = Booking(world.ids[SAM], with_kind, local_start, **more)
    return await do_book(world.uow(), await world.staff_actor(by), booking, now=world.now())


def _session(world: World, session_id: int) -> Session:
    [session] = [s for s in world.store.tables.sessions if s.id == session_id]
    return session


def _reminders(world: World, session_id: int) -> list[Reminder]:
    found = [r for r in world.store.tables.reminders if r.session_id == session_id]
    return sorted(found, key=lambda r: (r.due_at, r.id))


def _states(world: World, session_id: int) -> list[tuple[str, ReminderState]]:
    return [(r.offset, r.state) for r in _reminders(world, session_id)]


def _sam(world: World) -> YoungPerson:
    [sam] = [p for p in world.store.tables.young_people if p.telegram_user_id == SAM]
    return sam


def _history(world: World, session_id: int) -> list[str]:
    return [e.kind for e in world.store.tables.session_events if e.session_id == session_id]


async def _remind_at(world: World, moment: datetime) -> int:
    """The reminders tick, with the clock at `moment`."""
    world.clock.now = moment
    return await try_remind_due(world.uow(), now=world.now())


class TestBooking:
    async def test_booking_tells_the_young_person_at_once_and_stores_both_reminders(
        self, world: World
    ) -> None:
        booked = await _book(world)
        assert (booked.reminders_due, booked.reminders_skipped, booked.told) == (2, 0, True)
        assert booked.starts_at == STARTS
        assert world.keys(SAM) == ["session_booked"]
        reminders = _reminders(world, booked.session_id)
        assert [(r.offset, r.due_at, r.state) for r in reminders] == [
            ("1d", DAY_BEFORE, ReminderState.PENDING),
            ("2h", TWO_HOURS_BEFORE, ReminderState.PENDING),
        ]
        assert _history(world, booked.session_id) == ["booked"]
        assert world.audited("session.booked")

    async def test_the_booker_hears_what_was_booked_and_that_the_young_person_was_told(
        self, world: World
    ) -> None:
        await _book(world)
        [told] = world.queued(JO)
        assert told.message_key == "session_changed_staff"
        assert told.values["told"] == staff_text(
            world.store.catalogue, "session_young_person_told"
        )

    async def test_booking_half_an_hour_before_sends_the_confirmation_and_no_reminder(
        self, world: World
    ) -> None:
        world.clock.now = STARTS - timedelta(minutes=30)
        booked = await _book(world)
        assert (booked.reminders_due, booked.reminders_skipped) == (0, 2)
        assert world.keys(SAM) == ["session_booked"]
        # Nothing is skipped silently: the worker sees both, as late (SE-4).
        reminders = _reminders(world, booked.session_id)
        assert [(r.state, r.reason) for r in reminders] == [(ReminderState.SKIPPED, "late")] * 2
        assert await _remind_at(world, STARTS) == 0
        assert world.keys(SAM) == ["session_booked"]

    async def test_a_session_in_the_past_is_refused_with_its_reason(self, world: World) -> None:
        with pytest.raises(SessionRefused) as refused:
            await _book(world, datetime(2026, 3, 2, 16, 0))  # noqa: DTZ001
        assert refused.value.message_id == "session_in_the_past"
        assert world.store.tables.sessions == []

    async def test_a_worker_who_is_not_theirs_may_not_book(self, world: World) -> None:
        for other in (LEE, ASH):
            with pytest.raises(MayNotBookSession):
                await _book(world, by=other)
        assert world.store.tables.sessions == []

    async def test_a_session_someone_may_not_change_is_no_such_session_to_them(
        self, world: World
    ) -> None:
        booked = await _book(world)
        lee = await world.staff_actor(LEE)
        with pytest.raises(NoSuchSession):
            await do_cancel(world.uow(), lee, booked.session_id, now=world.now())
        assert _session(world, booked.session_id).state == SessionState.BOOKED


class TestMovingAndCancelling:
    async def test_moving_withdraws_the_old_reminders_and_plans_new_ones(
        self, world: World
    ) -> None:
        booked = await _book(world)
        jo = await world.staff_actor(JO)
        friday = datetime(2026, 3, 6, 11, 0)  # noqa: DTZ001
        await do_move(world.uow(), jo, booked.session_id, friday, now=world.now())
        session = _session(world, booked.session_id)
        assert (session.state, session.starts_at) == (
            SessionState.MOVED,
            datetime(2026, 3, 6, 11, 0, tzinfo=UTC),
        )
        reminders = _reminders(world, booked.session_id)
        assert [(r.offset, r.state, r.due_at) for r in reminders] == [
            ("1d", ReminderState.WITHDRAWN, DAY_BEFORE),
            ("2h", ReminderState.WITHDRAWN, TWO_HOURS_BEFORE),
            ("1d", ReminderState.PENDING, datetime(2026, 3, 5, 17, 0, tzinfo=UTC)),
            ("2h", ReminderState.PENDING, datetime(2026, 3, 6, 9, 0, tzinfo=UTC)),
        ]
        assert world.keys(SAM) == ["session_booked", "session_moved"]
        assert _history(world, booked.session_id) == ["booked", "moved"]

    async def test_after_a_move_the_booker_reads_only_the_new_times_reminders(
        self, world: World
    ) -> None:
        world.clock.now = STARTS - timedelta(minutes=30)
        booked = await _book(world)
        jo = await world.staff_actor(JO)
        next_week = THURSDAY_4PM + timedelta(days=7)
        await do_move(world.uow(), jo, booked.session_id, next_week, now=world.now())
        # A week ahead, both of the new time's reminders will go.
        new = [r for r in _reminders(world, booked.session_id) if r.state is ReminderState.PENDING]
        assert len(new) == 2
        told = world.queued(JO)[-1]
        assert told.values["reminders"] == reminder_lines(
            world.store.catalogue, new, "Europe/London"
        )

    async def test_nothing_goes_at_the_old_time_after_a_move(self, world: World) -> None:
        booked = await _book(world)
        jo = await world.staff_actor(JO)
        friday = datetime(2026, 3, 6, 11, 0)  # noqa: DTZ001
        await do_move(world.uow(), jo, booked.session_id, friday, now=world.now())
        # Wednesday 5pm is no longer the day before; Thursday 5pm is.
        assert await _remind_at(world, DAY_BEFORE) == 0
        assert await _remind_at(world, datetime(2026, 3, 5, 17, 0, tzinfo=UTC)) == 1
        assert world.keys(SAM)[-1] == "session_reminder"

    async def test_cancelling_withdraws_pending_and_queued_reminders_in_the_same_commit(
        self, world: World
    ) -> None:
        booked = await _book(world)
        assert await _remind_at(world, DAY_BEFORE) == 1
        [queued] = [m for m in world.queued(SAM) if m.reminder_id is not None]
        assert queued.state == DeliveryState.PENDING  # handed over, not sent yet
        commits = world.store.commits
        jo = await world.staff_actor(JO)
        await do_cancel(world.uow(), jo, booked.session_id, now=world.now())
        assert world.store.commits == commits + 1
        assert _session(world, booked.session_id).state == SessionState.CANCELLED
        assert {state for _, state in _states(world, booked.session_id)} == {
            ReminderState.WITHDRAWN
        }
        [stopped] = [m for m in world.queued(SAM) if m.reminder_id is not None]
        assert (stopped.state, stopped.last_error, stopped.text) == (
            DeliveryState.FAILED,
            "withdrawn",
            "",
        )
        assert world.keys(SAM)[-1] == "session_cancelled"
        # The 2-hour reminder's moment comes and goes: nothing is taken.
        assert await _remind_at(world, TWO_HOURS_BEFORE) == 0

    async def test_a_cancelled_session_cannot_be_moved(self, world: World) -> None:
        booked = await _book(world)
        jo = await world.staff_actor(JO)
        await do_cancel(world.uow(), jo, booked.session_id, now=world.now())
        friday = datetime(2026, 3, 6, 11, 0)  # noqa: DTZ001
        with pytest.raises(SessionNotChangeable):
            await do_move(world.uow(), jo, booked.session_id, friday, now=world.now())


class TestWeekly:
    async def test_next_week_is_made_once_this_week_has_begun(self, world: World) -> None:
        booked = await _book(world, weekly=True)
        assert await try_follow_weekly(world.uow(), now=world.now()) == 0
        world.clock.now = STARTS + timedelta(minutes=5)
        assert await try_follow_weekly(world.uow(), now=world.now()) == 1
        [first, second] = sorted(world.store.tables.sessions, key=lambda s: s.starts_at)
        assert first.id == booked.session_id
        assert first.followed
        assert (second.local_start, second.starts_at) == (
            THURSDAY_4PM + timedelta(days=7),
            STARTS + timedelta(days=7),
        )
        assert (second.weekly, second.series_id) == (True, booked.session_id)
        assert [(r.offset, r.state) for r in _reminders(world, second.id)] == [
            ("1d", ReminderState.PENDING),
            ("2h", ReminderState.PENDING),
        ]
        assert _history(world, second.id) == ["booked_weekly"]
        # Made once: the tick finds nothing more to do.
        assert await try_follow_weekly(world.uow(), now=world.now()) == 0

    async def test_a_weekly_session_over_the_spring_clock_change_stays_at_4pm(
        self, world: World
    ) -> None:
        world.clock.now = datetime(2026, 3, 20, 10, 0, tzinfo=UTC)
        saturday = datetime(2026, 3, 28, 16, 0)  # noqa: DTZ001 - GMT; the clocks go forward next day
        await _book(world, saturday, weekly=True)
        world.clock.now = datetime(2026, 3, 28, 16, 5, tzinfo=UTC)
        assert await try_follow_weekly(world.uow(), now=world.now()) == 1
        later = max(world.store.tables.sessions, key=lambda s: s.starts_at)
        assert later.starts_at == datetime(2026, 4, 4, 15, 0, tzinfo=UTC)  # 4pm summer time
        [_, two_hours] = _reminders(world, later.id)
        assert later.starts_at - two_hours.due_at == timedelta(hours=2)


class TestAfterASession:
    async def _not_seen(self, world: World, booked: Booked) -> bool:
        world.clock.now = booked.starts_at + timedelta(hours=1)
        jo = await world.staff_actor(JO)
        marked = await do_mark(world.uow(), jo, booked.session_id, seen=False, now=world.now())
        return marked.pattern

    async def test_not_seen_gives_the_worker_a_follow_up_and_the_young_person_one_message(
        self, world: World
    ) -> None:
        booked = await _book(world)
        assert not await self._not_seen(world, booked)
        follow_ups = [m for m in world.queued(JO) if m.message_key == "session_follow_up_staff"]
        [follow_up] = follow_ups
        # No birthday recorded: a child, "not brought" (WNB).
        assert follow_up.values["missed"] == staff_text(
            world.store.catalogue, "session_not_brought"
        )
        assert world.keys(SAM).count("session_missed") == 1
        assert world.keys(MAX) == []
        assert _session(world, booked.session_id).state == SessionState.NOT_SEEN

    async def test_an_adult_not_seen_is_recorded_as_did_not_come(self, world: World) -> None:
        _sam(world).born_on = datetime(2000, 1, 1, tzinfo=UTC).date()
        booked = await _book(world)
        await self._not_seen(world, booked)
        [follow_up] = [m for m in world.queued(JO) if m.message_key == "session_follow_up_staff"]
        assert follow_up.values["missed"] == staff_text(
            world.store.catalogue, "session_did_not_come"
        )

    async def test_two_missed_or_cancelled_in_a_row_are_told_to_the_managers(
        self, world: World
    ) -> None:
        jo = await world.staff_actor(JO)
        first = await _book(world)
        second = await _book(world, THURSDAY_4PM + timedelta(days=7))
        await do_cancel(world.uow(), jo, first.session_id, now=world.now())
        assert world.keys(MAX) == []
        assert await self._not_seen(world, second)
        assert world.keys(MAX) == ["session_pattern_staff"]
        assert world.audited("session.pattern")

    async def test_a_session_seen_in_between_breaks_the_pattern(self, world: World) -> None:
        jo = await world.staff_actor(JO)
        first = await _book(world)
        second = await _book(world, THURSDAY_4PM + timedelta(days=7))
        world.clock.now = first.starts_at + timedelta(hours=1)
        await do_mark(world.uow(), jo, first.session_id, seen=False, now=world.now())
        world.clock.now = second.starts_at + timedelta(hours=1)
        await do_mark(world.uow(), jo, second.session_id, seen=True, now=world.now())
        assert world.keys(MAX) == []


class TestWhenRemindersGo:
    async def test_a_due_reminder_is_queued_on_the_reminder_lane_with_its_id(
        self, world: World
    ) -> None:
        booked = await _book(world)
        assert await _remind_at(world, DAY_BEFORE - timedelta(minutes=1)) == 0
        assert await _remind_at(world, DAY_BEFORE) == 1
        [reminder] = [m for m in world.queued(SAM) if m.reminder_id is not None]
        first = _reminders(world, booked.session_id)[0]
        assert (reminder.message_key, reminder.lane, reminder.reminder_id) == (
            "session_reminder",
            Lane.REMINDER,
            first.id,
        )
        assert reminder.send_by is not None
        assert reminder.send_by <= STARTS
        assert not reminder.silent
        assert first.state == ReminderState.QUEUED
        assert await _remind_at(world, TWO_HOURS_BEFORE) == 1
        assert world.keys(SAM)[-1] == "session_reminder_soon"

    async def test_a_silent_profile_sends_reminders_without_a_sound(self, world: World) -> None:
        _sam(world).communication_profile = {"silent": True}
        await _book(world)
        await _remind_at(world, DAY_BEFORE)
        [reminder] = [m for m in world.queued(SAM) if m.reminder_id is not None]
        assert reminder.silent

    async def test_after_stop_nobody_is_told_and_reminders_are_skipped_as_stopped(
        self, world: World
    ) -> None:
        _sam(world).paused_at = world.now()
        booked = await _book(world)
        assert not booked.told
        assert world.keys(SAM) == []
        [told] = world.queued(JO)
        assert told.values["told"] == staff_text(
            world.store.catalogue, "session_young_person_stopped"
        )
        await _remind_at(world, DAY_BEFORE)
        [first, _] = _reminders(world, booked.session_id)
        assert (first.state, first.reason) == (ReminderState.SKIPPED, Skip.STOPPED.value)
        assert world.keys(SAM) == []
        assert "reminder_skipped" in _history(world, booked.session_id)

    async def test_reminders_paused_for_a_day_are_skipped_then_come_back(
        self, world: World
    ) -> None:
        booked = await _book(world)
        _sam(world).reminders_paused_until = DAY_BEFORE + timedelta(hours=1)
        await _remind_at(world, DAY_BEFORE)
        await _remind_at(world, TWO_HOURS_BEFORE)
        first, second = _reminders(world, booked.session_id)
        assert (first.state, first.reason) == (ReminderState.SKIPPED, Skip.PAUSED.value)
        assert second.state == ReminderState.QUEUED
        assert world.keys(SAM) == ["session_booked", "session_reminder_soon"]

    async def test_a_reminder_never_replaces_an_open_are_you_safe_question(
        self, world: World
    ) -> None:
        await _book(world)
        _sam(world).awaiting_choice = CONCERN_CHECK
        assert await _remind_at(world, DAY_BEFORE) == 1
        assert world.keys(SAM)[-1] == "session_reminder"
        assert _sam(world).awaiting_choice == CONCERN_CHECK

    async def test_a_reminder_whose_moment_passed_long_ago_is_dropped_as_stale(
        self, world: World
    ) -> None:
        booked = await _book(world)
        # Waypoint was down from Wednesday 5pm to Thursday 10am: past half-way to the start.
        await _remind_at(world, datetime(2026, 3, 5, 10, 0, tzinfo=UTC))
        first, second = _reminders(world, booked.session_id)
        assert (first.state, first.reason) == (ReminderState.DROPPED, Skip.STALE.value)
        assert second.state == ReminderState.PENDING
        assert world.keys(SAM) == ["session_booked"]


class TestTheYoungPersonsAnswer:
    async def test_change_it_tells_the_worker_at_once(self, world: World) -> None:
        booked = await _book(world)
        await _remind_at(world, DAY_BEFORE)
        chose = await do_choose(
            world.uow(), SAM, "session_reminder", "session_change", now=world.now()
        )
        assert chose
        assert world.keys(JO)[-1] == "session_change_staff"
        assert world.queued(JO)[-1].values["number"] == str(booked.session_id)
        assert world.keys(SAM)[-1] == "session_change_reply"
        assert _history(world, booked.session_id)[-1] == "session_change"

    async def test_ill_be_there_is_thanked_and_recorded_without_bothering_the_worker(
        self, world: World
    ) -> None:
        booked = await _book(world)
        await _remind_at(world, DAY_BEFORE)
        before = world.keys(JO)
        await do_choose(world.uow(), SAM, "session_reminder", "session_there", now=world.now())
        assert world.keys(JO) == before
        assert world.keys(SAM)[-1] == "session_there_reply"
        assert _history(world, booked.session_id)[-1] == "session_there"

    async def test_their_life_coach_may_book_for_them(self, world: World) -> None:
        _sam(world).life_coach_id = world.ids[CAL]
        booked = await _book(world, by=CAL, with_kind=SessionWith.COACH)
        assert _session(world, booked.session_id).staff_id == world.ids[CAL]
