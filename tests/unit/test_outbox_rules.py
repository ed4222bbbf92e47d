"""Pacing and retry rules for the outbox, as pure functions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.outbox import Lane, Pace, reserve, retry_delay

NOW = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
PACE = Pace(overall_per_second=25)
HORIZON = timedelta(milliseconds=100)


class TestReserve:
    def test_slots_are_one_over_the_rate_apart(self) -> None:
        slots = reserve(next_free=NOW, now=NOW, pace=PACE, horizon=HORIZON, wanted=10)
        assert slots.count == 3  # 0, 40 and 80 ms fit within 100 ms
        assert [slots.at(i) for i in range(3)] == [
            NOW,
            NOW + timedelta(milliseconds=40),
            NOW + timedelta(milliseconds=80),
        ]
        assert slots.next_free == NOW + timedelta(milliseconds=120)

    def test_a_budget_in_the_past_starts_now(self) -> None:
        slots = reserve(
            next_free=NOW - timedelta(hours=1), now=NOW, pace=PACE, horizon=HORIZON, wanted=1
        )
        assert (slots.start, slots.count) == (NOW, 1)

    def test_nothing_is_reserved_when_the_budget_is_beyond_the_horizon(self) -> None:
        ahead = NOW + timedelta(milliseconds=150)
        slots = reserve(next_free=ahead, now=NOW, pace=PACE, horizon=HORIZON, wanted=5)
        assert slots.count == 0
        assert slots.start == ahead

    def test_never_more_than_wanted(self) -> None:
        slots = reserve(next_free=NOW, now=NOW, pace=PACE, horizon=timedelta(seconds=10), wanted=4)
        assert slots.count == 4

    def test_a_second_reservation_continues_where_the_first_ended(self) -> None:
        first = reserve(next_free=NOW, now=NOW, pace=PACE, horizon=HORIZON, wanted=3)
        second = reserve(
            next_free=first.next_free, now=first.at(2), pace=PACE, horizon=HORIZON, wanted=3
        )
        assert second.start == first.next_free


class TestPace:
    def test_groups_get_under_twenty_a_minute_and_private_chats_under_one_a_second(self) -> None:
        assert timedelta(seconds=3) < Pace().chat_gap(-100123) < timedelta(seconds=4)
        assert timedelta(seconds=1) < Pace().chat_gap(42) < timedelta(seconds=2)

    def test_the_default_stays_under_telegrams_thirty_a_second(self) -> None:
        assert Pace().overall_per_second < 30

    def test_safety_comes_first(self) -> None:
        assert sorted(Lane) == [Lane.SAFETY, Lane.REPLY, Lane.REMINDER, Lane.DIGEST]


class TestRetryDelay:
    @pytest.mark.parametrize(("attempt", "low", "high"), [(1, 1, 2), (2, 2, 4), (3, 4, 8)])
    def test_doubles_with_jitter(self, attempt: int, low: float, high: float) -> None:
        assert retry_delay(attempt, 0.0) == timedelta(seconds=low)
        assert retry_delay(attempt, 0.999) < timedelta(seconds=high)

    def test_never_waits_more_than_five_minutes(self) -> None:
        assert retry_delay(50, 0.999) <= timedelta(minutes=5)
