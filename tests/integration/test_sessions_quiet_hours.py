"""Quiet hours (SE-7): the council's 21:00 to 08:00 (or its own setting) and the young
person's own. A reminder that would fall inside moves earlier, never later; nothing is queued
inside them; safety messages are exempt."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.adapters.db.models import OutboxMessage
from bot.domain.reminders import COUNCIL_QUIET, Offset, QuietHours, parse_quiet
from bot.domain.sessions import wall_clock
from tests.integration.session_world import LONDON, SAM, SessionWorld, hub, local, world

__all__ = ["hub", "world"]


async def test_a_0730_reminder_of_a_0930_session_is_folded_into_the_day_before(
    world: SessionWorld,
) -> None:
    booked = await world.book("2026-03-05T09:30")
    assert (booked.reminders_due, booked.reminders_skipped) == (1, 1)
    assert await world.states() == [("1d", "pending", None), ("2h", "skipped", "merged")]
    await world.tick(to=local("2026-03-04T17:00"))
    for hour in ("2026-03-04T20:30", "2026-03-05T07:30", "2026-03-05T09:00"):
        await world.tick(to=local(hour))
    rows = await world.reminder_rows()
    assert [(r.message_key, r.created_at) for r in rows] == [
        ("session_reminder", local("2026-03-04T17:00"))
    ]


async def test_a_reminder_wanted_at_2200_goes_at_2030(world: SessionWorld) -> None:
    await world.book("2026-03-05T09:00", reminders=(Offset(minutes=11 * 60),))
    [reminder] = await world.reminders()
    assert (reminder.due_at, reminder.reason) == (local("2026-03-04T20:30"), "quiet")
    await world.tick(to=local("2026-03-04T20:29"))
    assert await world.reminder_rows() == []
    await world.tick(to=local("2026-03-04T20:30"))
    [row] = await world.reminder_rows()
    # Queued before quiet hours, and never to leave once they have begun.
    assert row.created_at == local("2026-03-04T20:30")
    assert row.send_by is not None
    assert row.send_by <= local("2026-03-04T21:00")


async def test_a_council_that_changes_its_quiet_hours_moves_reminders_by_its_own(
    world: SessionWorld,
) -> None:
    await world.hub.council(quiet_from_hour=20, quiet_until_hour=9)
    await world.book("2026-03-05T10:00", reminders=(Offset(minutes=120),))
    [reminder] = await world.reminders()
    # 08:00 is inside the council's 20:00 to 09:00: moved to before 20:00 the evening before.
    assert (reminder.due_at, reminder.reason) == (local("2026-03-04T19:30"), "quiet")
    await world.tick(to=local("2026-03-04T19:29"))
    assert await world.reminder_rows() == []
    await world.tick(to=local("2026-03-04T19:30"))
    assert len(await world.reminder_rows()) == 1


async def test_the_default_council_quiet_hours_leave_an_0800_reminder_where_it_is(
    world: SessionWorld,
) -> None:
    await world.book("2026-03-05T10:00", reminders=(Offset(minutes=120),))
    [reminder] = await world.reminders()
    assert (reminder.due_at, reminder.reason) == (local("2026-03-05T08:00"), None)


async def test_the_young_persons_own_quiet_hours_move_a_reminder_earlier(
    world: SessionWorld,
) -> None:
    await world.profile("quiet", "12:00-15:00")
    await world.book("2026-03-05T16:00")
    assert [(r.offset, r.due_at, r.reason) for r in await world.reminders()] == [
        ("1d", local("2026-03-04T17:00"), None),
        ("2h", local("2026-03-05T11:30"), "quiet"),
    ]
    await world.tick(to=local("2026-03-04T17:00"))
    await world.tick(to=local("2026-03-05T11:29"))
    assert len(await world.reminder_rows()) == 1
    await world.tick(to=local("2026-03-05T11:30"))
    await world.tick(to=local("2026-03-05T14:00"))
    assert [r.created_at for r in await world.reminder_rows()] == [
        local("2026-03-04T17:00"),
        local("2026-03-05T11:30"),
    ]


async def test_no_reminder_is_ever_queued_in_quiet_hours(world: SessionWorld) -> None:
    await world.profile("reminders", "1d,2h,30m")
    await world.profile("quiet", "12:00-13:30")
    for start in (
        "2026-03-04T08:30",
        "2026-03-04T13:00",
        "2026-03-05T09:30",
        "2026-03-05T16:00",
        "2026-03-05T20:00",
        "2026-03-05T22:30",
        "2026-03-06T08:00",
        "2026-03-06T12:45",
    ):
        await world.book(start)
    quiet: list[QuietHours] = [COUNCIL_QUIET, parse_quiet("12:00-13:30")]
    while world.now < local("2026-03-06T23:00"):
        await world.tick(minutes=10)
    rows = await world.reminder_rows()
    assert len(rows) >= 10
    for row in rows:
        at = wall_clock(row.created_at, LONDON)
        assert not any(q.contains(at.time()) for q in quiet), f"queued at {at} in quiet hours"
    states = {state for _, state, _ in await world.states()}
    assert states <= {"queued", "skipped"}, "a reminder was left pending or dropped"


async def test_a_worry_raised_at_2300_still_alerts_staff(world: SessionWorld) -> None:
    world.hub.clock.now = local("2026-03-04T23:00")
    concern_id = await world.hub.raise_concern()
    assert await world.hub.alerted() != []
    async with world.hub.uow() as uow:
        alerts = list(
            await uow.session.scalars(
                select(OutboxMessage).where(
                    OutboxMessage.concern_id == concern_id,
                    OutboxMessage.recipient_type == "staff",
                )
            )
        )
        uow.session.expunge_all()
    assert alerts, "no member of staff was alerted"
    assert all(row.created_at == world.now for row in alerts)
    assert all(row.not_before <= world.now + timedelta(seconds=1) for row in alerts)


async def test_a_reminder_queued_at_2030_is_not_sent_at_night_if_the_sender_was_down(
    world: SessionWorld,
) -> None:
    await world.book("2026-03-05T09:00", reminders=(Offset(minutes=11 * 60),))
    await world.send_all()
    await world.tick(to=local("2026-03-04T20:30"))
    [queued] = await world.reminder_rows()
    # The sender is back at 21:05, in quiet hours: the reminder fails as too late.
    world.hub.clock.now = local("2026-03-04T21:05")
    await world.send_all()
    assert queued.text not in world.transport.texts_to(SAM)
    [row] = await world.reminder_rows()
    assert (row.state.value, row.last_error) == ("failed", "too late")


async def test_a_reminder_queued_at_2030_is_sent_when_the_sender_is_running(
    world: SessionWorld,
) -> None:
    await world.book("2026-03-05T09:00", reminders=(Offset(minutes=11 * 60),))
    await world.send_all()
    await world.tick(to=local("2026-03-04T20:30"))
    [queued] = await world.reminder_rows()
    await world.send_all()
    assert queued.text in world.transport.texts_to(SAM)
