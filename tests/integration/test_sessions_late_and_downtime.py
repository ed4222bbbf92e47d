"""Late bookings (SE-4) and catching up after downtime: a reminder whose moment passed before
the booking is skipped and shown to the worker; one whose moment passed while Waypoint was
down goes if it still makes sense (the half-way rule), else is dropped and recorded."""

from __future__ import annotations

from bot.adapters.db.models import OutboxMessage
from bot.content.render import when, when_near
from bot.domain.profiles import CommunicationProfile
from tests.integration.session_world import JO, LONDON, SAM, SessionWorld, hub, local, world

__all__ = ["hub", "world"]


async def _texts(world: SessionWorld, chat: int, message_key: str) -> list[str]:
    rows: list[OutboxMessage] = await world.hub.queued(chat)
    return [" ".join(r.text.split()) for r in rows if r.message_key == message_key]


async def _says(world: SessionWorld, message_key: str, words: str, chat: int = SAM) -> bool:
    return any(" ".join(words.split()) in t for t in await _texts(world, chat, message_key))


class TestLateBooking:
    async def test_booked_30_minutes_ahead_gives_one_confirmation_for_today_and_no_reminder(
        self, world: SessionWorld
    ) -> None:
        booked = await world.book("2026-03-03T10:30")
        assert (booked.reminders_due, booked.reminders_skipped) == (0, 2)
        assert await world.states() == [("1d", "skipped", "late"), ("2h", "skipped", "late")]
        today = when_near(
            world.hub.catalogue, booked.starts_at, LONDON, CommunicationProfile(), now=world.now
        )
        plain = when(world.hub.catalogue, booked.starts_at, LONDON, CommunicationProfile())
        assert today != plain
        assert await _says(world, "session_booked", today)
        for minutes in range(0, 31, 5):
            await world.tick(to=local("2026-03-03T10:00"), minutes=minutes)
        assert await world.hub.messages(SAM) == ["welcome", "session_booked"]
        assert await world.reminder_rows() == []

    async def test_the_worker_is_shown_each_skipped_reminder(self, world: SessionWorld) -> None:
        await world.book("2026-03-03T10:30")
        assert "session_changed_staff" in await world.hub.messages(JO)
        skipped = world.hub.staff_words("session_skip_late")
        [told] = await _texts(world, JO, "session_changed_staff")
        assert told.count(" ".join(skipped.split())) == 2

    async def test_booked_the_evening_before_says_tomorrow_and_keeps_the_2_hour_reminder(
        self, world: SessionWorld
    ) -> None:
        world.hub.clock.now = local("2026-03-03T18:00")
        booked = await world.book("2026-03-04T16:00")
        assert await world.states() == [("2h", "pending", None), ("1d", "skipped", "late")]
        tomorrow = when_near(
            world.hub.catalogue, booked.starts_at, LONDON, CommunicationProfile(), now=world.now
        )
        assert await _says(world, "session_booked", tomorrow)
        await world.tick(to=local("2026-03-04T14:00"))
        assert [r.message_key for r in await world.reminder_rows()] == ["session_reminder_soon"]


class TestDowntime:
    async def test_a_reminder_a_few_hours_late_still_goes_while_it_makes_sense(
        self, world: SessionWorld
    ) -> None:
        await world.book("2026-03-05T16:00")
        await world.tick(to=local("2026-03-04T20:00"))
        [row] = await world.reminder_rows()
        assert (row.message_key, row.created_at) == ("session_reminder", local("2026-03-04T20:00"))
        assert await world.states() == [("1d", "queued", None), ("2h", "pending", None)]

    async def test_a_reminder_past_half_way_to_the_session_is_dropped_and_recorded(
        self, world: SessionWorld
    ) -> None:
        booked = await world.book("2026-03-05T16:00")
        # Down from before Wednesday 17:00 until Thursday 10:00: 17 of the 23 hours gone.
        await world.tick(to=local("2026-03-05T10:00"))
        assert await world.reminder_rows() == []
        assert await world.states() == [("1d", "dropped", "stale"), ("2h", "pending", None)]
        assert ("reminder_dropped", "stale") in await world.history_details(booked.session_id)
        await world.tick(to=local("2026-03-05T14:00"))
        assert [r.message_key for r in await world.reminder_rows()] == ["session_reminder_soon"]

    async def test_the_half_way_rule_sends_just_before_and_drops_at_half_way(
        self, world: SessionWorld
    ) -> None:
        await world.book("2026-03-05T16:00")
        await world.book("2026-03-06T16:00")
        await world.tick(to=local("2026-03-04T17:00"))
        await world.tick(to=local("2026-03-05T14:59"))
        await world.tick(to=local("2026-03-05T17:00"))
        await world.tick(to=local("2026-03-06T15:00"))
        states = await world.states()
        # Thursday's 2-hour reminder 59 minutes late goes; Friday's a full hour late does not.
        assert states == [
            ("1d", "queued", None),
            ("2h", "queued", None),
            ("1d", "queued", None),
            ("2h", "dropped", "stale"),
        ]

    async def test_a_session_already_begun_drops_every_reminder_left(
        self, world: SessionWorld
    ) -> None:
        booked = await world.book("2026-03-05T16:00")
        await world.tick(to=local("2026-03-05T16:30"))
        assert await world.reminder_rows() == []
        assert await world.states() == [("1d", "dropped", "stale"), ("2h", "dropped", "stale")]
        details = await world.history_details(booked.session_id)
        assert details.count(("reminder_dropped", "stale")) == 2

    async def test_a_reminder_caught_up_inside_quiet_hours_is_dropped_not_sent_at_night(
        self, world: SessionWorld
    ) -> None:
        booked = await world.book("2026-03-05T16:00")
        # Down over the evening; back at 21:30, in quiet hours, with the reminder still useful.
        await world.tick(to=local("2026-03-04T21:30"))
        assert await world.reminder_rows() == []
        assert await world.states() == [("1d", "dropped", "quiet"), ("2h", "pending", None)]
        assert ("reminder_dropped", "quiet") in await world.history_details(booked.session_id)
