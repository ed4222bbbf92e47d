"""`waypoint sessions ...` from a shell, on a migrated database (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.adapters.db.models import OutboxMessage, Reminder, Session
from bot.adapters.db.uow import UnitOfWorkFactory
from bot.clock import ManualClock
from bot.domain.people import Role
from bot.domain.reminders import ReminderState
from bot.domain.sessions import SessionState, SessionWith
from bot.services.invites import do_create_invite, do_redeem_invite
from bot.services.session_access import AtCommandLine
from bot.services.sessions import Booking, do_book
from bot.services.staff import NewStaff, do_add_staff
from tests.e2e.processes import run_waypoint, waypoint_env, waypoint_output

# A command an operator runs against production, so on PostgreSQL: its storage is tested on
# both databases in tests/integration, and CI stays under 20 minutes.
pytestmark = pytest.mark.database("postgres")

LONDON = ZoneInfo("Europe/London")


async def _hub(uow: UnitOfWorkFactory, clock: ManualClock) -> int:
    """Jo (key worker, Telegram 1001) and Mo (life coach, 1002) at one hub; Sam is Jo's."""
    await do_add_staff(
        uow(),
        NewStaff(1001, "Jo", Role.KEY_WORKER, "Harrogate", "North Yorkshire", create=True),
        now=clock(),
    )
    await do_add_staff(
        uow(), NewStaff(1002, "Mo", Role.LIFE_COACH, "Harrogate", "North Yorkshire"), now=clock()
    )
    invite = await do_create_invite(uow(), worker_telegram_id=1001, first_name="Sam", now=clock())
    joined = await do_redeem_invite(uow(), telegram_user_id=2001, code=invite.code, now=clock())
    return joined.young_person.id


def _in_days(days: int, hour: int = 16) -> datetime:
    """A wall-clock time in London `days` from today (the command line uses the real clock)."""
    today = datetime.now(UTC).astimezone(LONDON).date()
    return datetime.combine(today + timedelta(days=days), time(hour))


def _typed(local: datetime) -> str:
    return local.strftime("%Y-%m-%d %H:%M")


async def _sessions(uow: UnitOfWorkFactory) -> list[Session]:
    async with uow() as work:
        found = list(await work.session.scalars(select(Session).order_by(Session.id)))
        # Kept as read: leaving the unit of work rolls back, which would expire them.
        work.session.expunge_all()
        return found


async def _reminders(uow: UnitOfWorkFactory, session_id: int) -> list[tuple[str, str]]:
    async with uow() as work:
        found = await work.session.scalars(
            select(Reminder).where(Reminder.session_id == session_id).order_by(Reminder.id)
        )
        return [(r.offset, ReminderState(r.state).value) for r in found]


async def _queued(uow: UnitOfWorkFactory) -> list[tuple[str, int]]:
    """Each outbox row's message id and chat, oldest first."""
    async with uow() as work:
        rows = await work.session.execute(
            select(OutboxMessage.message_key, OutboxMessage.chat_id).order_by(OutboxMessage.id)
        )
        return [(key, chat) for key, chat in rows]


async def test_book_list_move_and_cancel_a_weekly_session(
    migrated_url: str, uow: UnitOfWorkFactory, clock: ManualClock, tmp_path: Path
) -> None:
    young = await _hub(uow, clock)
    env = waypoint_env(database_url=migrated_url)
    before = len(await _queued(uow))
    at = _in_days(3)
    booked = await asyncio.to_thread(
        waypoint_output, env, tmp_path, "sessions", "book", "--young-person", str(young),
        "--with", "1002", "--at", _typed(at), "--weekly", "--where", "the library",
        "--remind", "1d,2h",
    )  # fmt: skip
    assert "#1" in booked
    [session] = await _sessions(uow)
    assert (session.young_person_id, session.with_kind, session.weekly) == (
        young, SessionWith.COACH, True,
    )  # fmt: skip
    assert (session.local_start, session.zone, session.place) == (
        at,
        "Europe/London",
        "the library",
    )
    assert await _reminders(uow, session.id) == [("1d", "pending"), ("2h", "pending")]
    told = (await _queued(uow))[before:]
    assert told == [("session_booked", 2001), ("session_changed_staff", 1001)]

    listed = await asyncio.to_thread(
        waypoint_output, env, tmp_path, "sessions", "list", "--young-person", str(young)
    )
    assert listed.count("reminder ") == 2
    assert "#1 Sam" in listed

    later = at + timedelta(hours=1)
    await asyncio.to_thread(
        waypoint_output, env, tmp_path, "sessions", "move", str(session.id), "--at", _typed(later)
    )
    [moved, next_week] = await _sessions(uow)
    assert (moved.state, moved.local_start) == (SessionState.MOVED, later)
    # A weekly session moved keeps its slot for the weeks after (made when it is moved).
    assert (next_week.local_start, next_week.weekly) == (at + timedelta(days=7), True)
    assert await _reminders(uow, moved.id) == [
        ("1d", "withdrawn"), ("2h", "withdrawn"), ("1d", "pending"), ("2h", "pending"),
    ]  # fmt: skip

    await asyncio.to_thread(
        waypoint_output, env, tmp_path, "sessions", "cancel", str(moved.id), "--series"
    )
    states = [s.state for s in await _sessions(uow)]
    assert states == [SessionState.CANCELLED, SessionState.CANCELLED]
    for cancelled in await _sessions(uow):
        assert all(state != "pending" for _, state in await _reminders(uow, cancelled.id))
    keys = [key for key, chat in (await _queued(uow))[before:] if chat == 2001]
    assert keys == ["session_booked", "session_moved", "session_cancelled"]


async def test_the_kind_follows_the_role_and_an_outside_appointment_needs_no_staff(
    migrated_url: str, uow: UnitOfWorkFactory, clock: ManualClock, tmp_path: Path
) -> None:
    young = await _hub(uow, clock)
    env = waypoint_env(database_url=migrated_url)
    common = ("sessions", "book", "--young-person", str(young), "--remind", "none")
    await asyncio.to_thread(
        waypoint_output, env, tmp_path, *common, "--with", "1001", "--at", _typed(_in_days(2))
    )
    await asyncio.to_thread(
        waypoint_output, env, tmp_path, *common, "--kind", "court", "--companion", "Aunt Kay",
        "--minutes", "90", "--at", _typed(_in_days(4, hour=10)),
    )  # fmt: skip
    worker, court = await _sessions(uow)
    assert (worker.with_kind, worker.staff_id is not None) == (SessionWith.WORKER, True)
    assert (court.with_kind, court.staff_id, court.companion, court.minutes) == (
        SessionWith.COURT, None, "Aunt Kay", 90,
    )  # fmt: skip
    assert await _reminders(uow, court.id) == []


async def test_seen_not_seen_and_recap_on_sessions_that_have_begun(
    migrated_url: str, uow: UnitOfWorkFactory, clock: ManualClock, tmp_path: Path
) -> None:
    young = await _hub(uow, clock)
    env = waypoint_env(database_url=migrated_url)
    # Booked in the past through the service, so the command line can mark them now.
    now = datetime.now(UTC)
    ids = []
    for hours_ago in (3, 2):
        start = (now - timedelta(hours=hours_ago)).astimezone(LONDON).replace(tzinfo=None)
        booking = Booking(
            young, SessionWith.WORKER, start.replace(second=0, microsecond=0), reminders=()
        )
        booked = await do_book(uow(), AtCommandLine(), booking, now=now - timedelta(hours=4))
        ids.append(booked.session_id)
    before = len(await _queued(uow))
    await asyncio.to_thread(waypoint_output, env, tmp_path, "sessions", "seen", str(ids[0]))
    await asyncio.to_thread(
        waypoint_output, env, tmp_path, "sessions", "recap", str(ids[0]), "--words", "Bus pass"
    )
    await asyncio.to_thread(waypoint_output, env, tmp_path, "sessions", "not-seen", str(ids[1]))
    states = [s.state for s in await _sessions(uow)]
    assert states == [SessionState.SEEN, SessionState.NOT_SEEN]
    queued = (await _queued(uow))[before:]
    assert ("session_seen_staff", 1001) in queued
    assert ("session_recap", 2001) in queued
    assert ("session_follow_up_staff", 1001) in queued
    assert ("session_missed", 2001) in queued


async def test_bad_input_is_one_line_saying_what_to_fix(
    migrated_url: str, uow: UnitOfWorkFactory, clock: ManualClock, tmp_path: Path
) -> None:
    young = await _hub(uow, clock)
    env = waypoint_env(database_url=migrated_url)
    ahead = _typed(_in_days(2))
    cases = {
        "unknown young person": ("--young-person", "999", "--with", "1001", "--at", ahead),
        "past time": ("--young-person", str(young), "--with", "1001", "--at", "2020-01-01 10:00"),
        "bad remind": ("--young-person", str(young), "--with", "1001", "--at", ahead,
                       "--remind", "soon"),
        "bad at": ("--young-person", str(young), "--with", "1001", "--at", "tuesday 4pm"),
        "unknown staff": ("--young-person", str(young), "--with", "4242", "--at", ahead),
        "no staff": ("--young-person", str(young), "--at", ahead),
    }  # fmt: skip
    for case, args in cases.items():
        result = await asyncio.to_thread(run_waypoint, env, tmp_path, "sessions", "book", *args)
        assert result.returncode == 2, case
        assert result.stderr.startswith("waypoint: "), case
        assert len(result.stderr.strip().splitlines()) == 1, (case, result.stderr)
        assert "Traceback" not in result.stderr
    missing = await asyncio.to_thread(run_waypoint, env, tmp_path, "sessions", "cancel", "77")
    assert (missing.returncode, "77" in missing.stderr) == (2, True)
    assert await _sessions(uow) == []
