"""Invite codes and the guessing brake, as pure rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain import guessing
from bot.domain.invites import (
    INVITE_LIFETIME,
    InviteProblem,
    clean_first_name,
    deep_link,
    hash_code,
    invite_problem,
    looks_like_code,
    new_code,
)

NOW = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)


class TestCodes:
    def test_new_codes_fit_a_telegram_start_link_and_differ(self) -> None:
        codes = {new_code() for _ in range(50)}
        assert len(codes) == 50
        assert all(looks_like_code(code) and len(code) <= 64 for code in codes)

    def test_the_stored_form_is_not_the_code(self) -> None:
        code = new_code()
        assert hash_code(code) != code
        assert hash_code(code) == hash_code(code)

    @pytest.mark.parametrize(
        "text", ["", "short", "has space in it here", "x" * 65, "ünïcode-ünïcode-ü"]
    )
    def test_anything_else_is_not_a_code(self, text: str) -> None:
        assert not looks_like_code(text)

    def test_the_link_names_the_bot(self) -> None:
        assert deep_link("@waypoint_bot", "abc") == "https://t.me/waypoint_bot?start=abc"


class TestInviteProblems:
    def test_a_fresh_invite_has_none(self) -> None:
        assert invite_problem(expires_at=NOW + INVITE_LIFETIME, used_at=None, now=NOW) is None

    def test_a_used_invite_is_used(self) -> None:
        problem = invite_problem(expires_at=NOW + INVITE_LIFETIME, used_at=NOW, now=NOW)
        assert problem is InviteProblem.USED

    def test_an_invite_expires_after_seven_days(self) -> None:
        expires = NOW + INVITE_LIFETIME
        assert timedelta(days=7) == INVITE_LIFETIME
        assert (
            invite_problem(expires_at=expires, used_at=None, now=expires) is InviteProblem.EXPIRED
        )
        before = expires - timedelta(seconds=1)
        assert invite_problem(expires_at=expires, used_at=None, now=before) is None


class TestFirstNames:
    @pytest.mark.parametrize(
        ("typed", "name"),
        [("Sam", "Sam"), ("  Mary   Jane ", "Mary Jane"), ("Zoë", "Zoë"), ("O'Neill", "O'Neill")],
    )
    def test_real_names_are_kept(self, typed: str, name: str) -> None:
        assert clean_first_name(typed) == name

    @pytest.mark.parametrize("typed", ["", "   ", "123", "<b>x</b>", "x" * 41])
    def test_non_names_are_refused(self, typed: str) -> None:
        assert clean_first_name(typed) is None


class TestGuessingBrake:
    def test_the_first_four_mistakes_are_free(self) -> None:
        attempts = None
        for _ in range(guessing.FREE_FAILURES - 1):
            attempts = guessing.after_failure(attempts, NOW)
            assert not guessing.is_blocked(attempts, NOW)

    def test_the_fifth_mistake_pauses_for_a_minute_then_doubles(self) -> None:
        attempts = None
        for _ in range(guessing.FREE_FAILURES):
            attempts = guessing.after_failure(attempts, NOW)
        assert attempts is not None
        assert attempts.blocked_until == NOW + timedelta(minutes=1)
        assert guessing.is_blocked(attempts, NOW + timedelta(seconds=59))
        assert not guessing.is_blocked(attempts, NOW + timedelta(minutes=1))
        later = NOW + timedelta(minutes=1)
        attempts = guessing.after_failure(attempts, later)
        assert attempts.blocked_until == later + timedelta(minutes=2)

    def test_the_pause_never_exceeds_a_day(self) -> None:
        attempts = guessing.Attempts(failures=40, window_started_at=NOW)
        assert guessing.after_failure(attempts, NOW).blocked_until == NOW + timedelta(hours=24)

    def test_a_record_is_forgotten_once_its_window_closes(self) -> None:
        attempts = guessing.after_failure(None, NOW)
        assert not guessing.is_forgotten(attempts, NOW + timedelta(minutes=59))
        assert guessing.is_forgotten(attempts, NOW + guessing.WINDOW)
        fresh = guessing.after_failure(attempts, NOW + guessing.WINDOW)
        assert fresh.failures == 1

    def test_the_key_does_not_contain_the_account_id(self) -> None:
        key = guessing.subject_key(123456789)
        assert "123456789" not in key
        assert key == guessing.subject_key(123456789)


class TestGuessingOnAfterAPause:
    def test_the_pause_keeps_doubling_up_to_a_day(self) -> None:
        attempts = None
        now = NOW
        for _ in range(guessing.FREE_FAILURES):
            attempts = guessing.after_failure(attempts, now)
        pauses = []
        for _ in range(15):
            assert attempts is not None
            assert attempts.blocked_until is not None
            now = attempts.blocked_until  # guess again the moment the pause ends
            attempts = guessing.after_failure(attempts, now)
            assert attempts.blocked_until is not None
            pauses.append(attempts.blocked_until - now)
        assert pauses[-1] == guessing.LONGEST_PAUSE

    def test_a_paused_record_is_kept_for_a_window_after_the_pause(self) -> None:
        attempts = guessing.Attempts(5, NOW, blocked_until=NOW + timedelta(hours=2))
        assert not guessing.is_forgotten(attempts, NOW + timedelta(hours=2, minutes=59))
        assert guessing.is_forgotten(attempts, NOW + timedelta(hours=3))


def test_an_invite_from_a_worker_who_has_left_cannot_be_used() -> None:
    problem = invite_problem(
        expires_at=NOW + INVITE_LIFETIME, used_at=None, now=NOW, worker_active=False
    )
    assert problem is InviteProblem.WORKER_LEFT
