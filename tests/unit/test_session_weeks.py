"""The console's Sessions page's services against the fake unit of work: whose week each
role sees (theirs, or the hub's where the rules allow), every look audited, booking from the
form through sessions.book (the young person told at once), and the form read field by field."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.domain.access import books_hub_sessions
from bot.domain.errors import MayNotBookSession, NoSuchSession, NotForTheirRole
from bot.domain.people import Role
from bot.domain.sessions import SessionState
from bot.services.session_weeks import (
    ME,
    BookingRequest,
    FormErrors,
    Scope,
    WeekDay,
    WithWhomRefused,
    do_booking_form,
    do_console_book,
    do_view_session,
    do_view_week,
    read_booking,
)
from bot.services.sessions import do_cancel
from tests.unit.conftest import ASH, CAL, DEE, JO, LEE, MAX, PAT, SAM, SUE, World

NEXT_TUESDAY = datetime.fromisoformat("2026-03-10 16:00")  # at the hub's clock
NEXT_MONDAY = date(2026, 3, 9)


@pytest.mark.parametrize(
    ("role", "books_hub"),
    [
        (Role.KEY_WORKER, False),
        (Role.LIFE_COACH, False),
        (Role.SLT, True),
        (Role.DUTY, True),
        (Role.MANAGER, True),
        (Role.POLICE_LIAISON, False),
        (Role.ON_CALL, False),
        (Role.OPERATOR, False),
    ],
)
def test_who_books_sessions_across_the_hub(role: Role, books_hub: bool) -> None:
    assert books_hub_sessions(role) is books_hub


async def _book(world: World, telegram_id: int = JO, with_whom: str = ME) -> int:
    actor = await world.staff_actor(telegram_id)
    request = BookingRequest(world.ids[SAM], with_whom, NEXT_TUESDAY)
    booked = await do_console_book(world.uow(), actor, request, now=world.now())
    return booked.session_id


def _ids(days: tuple[WeekDay, ...]) -> list[int]:
    return [s.session_id for day in days for s in day.sessions]


class TestWeek:
    async def test_booking_tells_sam_and_shows_in_jos_week(self, world: World) -> None:
        session_id = await _book(world)
        assert world.keys(SAM)[-1] == "session_booked"
        assert [e.subject_id for e in world.audited("session.booked")] == [session_id]
        actor = await world.staff_actor(JO)
        week = await do_view_week(world.uow(), actor, monday=NEXT_MONDAY, now=world.now())
        assert week.scope is Scope.MINE
        assert not week.may_see_hub
        assert _ids(week.days) == [session_id]
        [tuesday] = [day for day in week.days if day.sessions]
        assert tuesday.on == date(2026, 3, 10)
        assert tuesday.sessions[0].state is SessionState.BOOKED
        assert tuesday.sessions[0].staff_name == "Jo"
        assert [e.subject_id for e in world.audited("console.sessions_viewed")] == [world.ids[SAM]]

    async def test_the_week_runs_monday_to_sunday(self, world: World) -> None:
        await _book(world)
        actor = await world.staff_actor(JO)
        this = await do_view_week(world.uow(), actor, now=world.now())
        assert this.monday == date(2026, 3, 2)
        assert [d.on.weekday() for d in this.days] == list(range(7))
        assert _ids(this.days) == []
        assert this.next == NEXT_MONDAY
        assert world.audited("console.sessions_viewed") == []

    async def test_managers_see_the_hubs_week_and_may_see_their_own(self, world: World) -> None:
        session_id = await _book(world)
        actor = await world.staff_actor(MAX)
        week = await do_view_week(world.uow(), actor, monday=NEXT_MONDAY, now=world.now())
        assert (week.scope, week.may_see_hub) == (Scope.HUB, True)
        assert _ids(week.days) == [session_id]
        mine = await do_view_week(
            world.uow(), actor, monday=NEXT_MONDAY, scope=Scope.MINE, now=world.now()
        )
        assert _ids(mine.days) == []

    async def test_a_manager_chooses_one_colleagues_week(self, world: World) -> None:
        session_id = await _book(world)
        actor = await world.staff_actor(MAX)

        async def shown(worker: int) -> list[int]:
            week = await do_view_week(
                world.uow(), actor, monday=NEXT_MONDAY, worker=worker, now=world.now()
            )
            return _ids(week.days)

        assert await shown(world.ids[JO]) == [session_id]
        assert await shown(world.ids[LEE]) == []
        # Someone at another hub is no choice: the hub's week is shown instead.
        assert await shown(world.ids[ASH]) == [session_id]
        jo = await world.staff_actor(JO)
        lees = await do_view_week(
            world.uow(), jo, monday=NEXT_MONDAY, worker=world.ids[LEE], now=world.now()
        )
        assert (lees.worker, _ids(lees.days)) == (None, [session_id])

    async def test_a_therapists_own_week_has_the_sessions_with_them(self, world: World) -> None:
        jos = await _book(world)
        sues = await _book(world, SUE)
        actor = await world.staff_actor(SUE)
        mine = await do_view_week(world.uow(), actor, monday=NEXT_MONDAY, now=world.now())
        assert _ids(mine.days) == [sues]
        hub = await do_view_week(
            world.uow(), actor, monday=NEXT_MONDAY, scope=Scope.HUB, now=world.now()
        )
        assert sorted(_ids(hub.days)) == sorted([jos, sues])

    @pytest.mark.parametrize("telegram_id", [LEE, CAL, ASH])
    async def test_others_see_nothing_of_sams_sessions(
        self, world: World, telegram_id: int
    ) -> None:
        session_id = await _book(world)
        actor = await world.staff_actor(telegram_id)
        for scope in Scope:
            week = await do_view_week(
                world.uow(), actor, monday=NEXT_MONDAY, scope=scope, now=world.now()
            )
            assert _ids(week.days) == []
        with pytest.raises(NoSuchSession):
            await do_view_session(world.uow(), actor, session_id, now=world.now())

    async def test_roles_that_book_none_are_refused(self, world: World) -> None:
        actor = await world.staff_actor(PAT)
        with pytest.raises(NotForTheirRole):
            await do_view_week(world.uow(), actor, now=world.now())
        with pytest.raises(NotForTheirRole):
            await do_booking_form(world.uow(), actor, now=world.now())

    async def test_a_cancelled_session_shows_cancelled_and_unchangeable(
        self, world: World
    ) -> None:
        session_id = await _book(world)
        actor = await world.staff_actor(JO)
        await do_cancel(world.uow(), actor, session_id, now=world.now())
        shown, zone = await do_view_session(world.uow(), actor, session_id, now=world.now())
        assert (shown.state, shown.changeable, shown.markable) == (
            SessionState.CANCELLED,
            False,
            False,
        )
        assert zone == "Europe/London"


class TestBooking:
    async def test_the_form_offers_their_young_people_and_colleagues(self, world: World) -> None:
        form = await do_booking_form(world.uow(), await world.staff_actor(JO), now=world.now())
        assert [p.label for p in form.people] == ["Sam"]
        values = [c.value for c in form.with_whom]
        assert values[0] == ME
        assert str(world.ids[LEE]) in values
        assert str(world.ids[ASH]) not in values
        assert "court" in values

    async def test_with_a_colleague_at_the_hub(self, world: World) -> None:
        session_id = await _book(world, DEE, with_whom=str(world.ids[SUE]))
        actor = await world.staff_actor(DEE)
        shown, _ = await do_view_session(world.uow(), actor, session_id, now=world.now())
        assert shown.staff_name == "Sue"
        assert shown.with_kind == "therapist"

    async def test_not_with_someone_at_another_hub(self, world: World) -> None:
        with pytest.raises(WithWhomRefused):
            await _book(world, with_whom=str(world.ids[ASH]))
        assert "session_booked" not in world.keys(SAM)

    async def test_not_for_someone_elses_young_person(self, world: World) -> None:
        with pytest.raises(MayNotBookSession):
            await _book(world, LEE)
        assert world.audited("session.booked") == []

    def test_the_form_is_read_field_by_field(self) -> None:
        read = read_booking(
            {
                "young_person": "7",
                "with": "me",
                "day": "2026-03-10",
                "time": "16:00",
                "minutes": "45",
                "weekly": "yes",
                "place": " Library ",
                "reminders": "1d,2h",
            }
        )
        assert isinstance(read, BookingRequest)
        assert (read.young_person_id, read.local_start, read.minutes) == (7, NEXT_TUESDAY, 45)
        assert (read.weekly, read.place, len(read.reminders or ())) == (True, "Library", 2)
        wrong = read_booking(
            {"young_person": "x", "day": "2026-02-30", "time": "4pm", "minutes": "0",
             "reminders": "soon"}
        )  # fmt: skip
        assert isinstance(wrong, FormErrors)
        assert set(wrong.fields) == {"young_person", "with", "day", "time", "minutes", "reminders"}
