"""The sender's own one-second window, which catches bunched arrivals at Telegram."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.outbox import RecentSends

NOW = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
MS = timedelta(milliseconds=1)


def _answered(window: RecentSends, at: datetime) -> None:
    window.end(window.begin(), at)


def test_sends_go_at_once_while_the_window_has_room() -> None:
    window = RecentSends(3)
    for n in range(2):
        _answered(window, NOW + n * MS)
    assert window.wait_before_next(NOW + 2 * MS) == timedelta(0)


def test_a_full_window_waits_until_the_oldest_answer_is_a_second_old() -> None:
    window = RecentSends(3)
    for n in range(3):
        _answered(window, NOW + n * 100 * MS)
    assert window.wait_before_next(NOW + 300 * MS) == 700 * MS
    assert window.wait_before_next(NOW + 1000 * MS) == timedelta(0)


def test_a_send_in_flight_counts_as_happening_now() -> None:
    window = RecentSends(2)
    _answered(window, NOW - 2000 * MS)  # long gone
    window.begin()
    window.begin()
    assert window.wait_before_next(NOW) == 5 * MS  # both in the window and unanswered


def test_an_answer_counts_from_when_it_came_back() -> None:
    window = RecentSends(2)
    first = window.begin()
    _answered(window, NOW)
    window.end(first, NOW + 400 * MS)  # the first answer was slow
    assert window.wait_before_next(NOW + 500 * MS) == 500 * MS


def test_a_slow_send_older_than_the_last_few_still_counts() -> None:
    window = RecentSends(2)
    slow = window.begin()  # still waiting for Telegram
    _answered(window, NOW)
    _answered(window, NOW + 10 * MS)
    # Three sends in the last second, one of them in flight: the next must wait for two of
    # the answered ones to age out, not just the oldest.
    assert window.wait_before_next(NOW + 20 * MS) == 1000 * MS - 10 * MS
    window.end(slow, NOW + 30 * MS)
    assert window.wait_before_next(NOW + 1011 * MS) == timedelta(0)
