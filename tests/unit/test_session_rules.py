"""Sessions' own rules (SE-9, SE-10): when one can be booked, changed and marked, what counts
as a pattern, who is a child, and who may book: tables the safeguarding lead signs off."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.domain.access import Viewer, may_book_session
from bot.domain.people import Role
from bot.domain.sessions import (
    AHEAD,
    SessionProblem,
    SessionState,
    SessionWith,
    check_when,
    is_child,
    may_change,
    may_mark,
    missed_in_a_row,
)
from tests.unit.fake_uow import LONDON

NOW = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
BOOKED, MOVED, CANCELLED = SessionState.BOOKED, SessionState.MOVED, SessionState.CANCELLED
SEEN, NOT_SEEN = SessionState.SEEN, SessionState.NOT_SEEN


def _london(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A wall-clock time in London (GMT in early March, so UTC hours read the same)."""
    # A wall-clock time has no zone of its own.
    return datetime(year, month, day, hour, minute)  # noqa: DTZ001


class TestWhenASessionCanBe:
    @pytest.mark.parametrize(
        ("local", "length"),
        [
            (_london(2026, 3, 3, 10, 1), HOUR),
            (_london(2026, 3, 10, 16, 0), timedelta(minutes=1)),
            (_london(2026, 3, 10, 16, 0), timedelta(hours=8)),
            # A year ahead (2026 to 2027 is 365 days; the limit is 366).
            (_london(2027, 3, 3, 10, 0), HOUR),
        ],
    )
    def test_a_session_ahead_of_an_ordinary_length_can_be_booked(
        self, local: datetime, length: timedelta
    ) -> None:
        assert check_when(local, LONDON, length, now=NOW) == local.replace(tzinfo=UTC)

    @pytest.mark.parametrize(
        ("local", "length", "reason"),
        [
            (_london(2026, 3, 3, 10, 0), HOUR, "session_in_the_past"),
            (_london(2026, 3, 2, 16, 0), HOUR, "session_in_the_past"),
            (_london(2027, 3, 5, 10, 0), HOUR, "session_too_far"),
            (_london(2026, 3, 10, 16, 0), timedelta(0), "session_length"),
            (_london(2026, 3, 10, 16, 0), timedelta(seconds=59), "session_length"),
            (_london(2026, 3, 10, 16, 0), timedelta(hours=8, minutes=1), "session_length"),
        ],
    )
    def test_a_session_that_cannot_be_is_refused_with_the_message_that_says_why(
        self, local: datetime, length: timedelta, reason: str
    ) -> None:
        with pytest.raises(SessionProblem) as refused:
            check_when(local, LONDON, length, now=NOW)
        assert refused.value.reason == reason


class TestChangingAndMarking:
    @pytest.mark.parametrize(
        ("state", "changes"),
        [(BOOKED, True), (MOVED, True), (CANCELLED, False), (SEEN, False), (NOT_SEEN, False)],
    )
    def test_only_a_session_still_ahead_can_be_moved_or_cancelled(
        self, state: SessionState, changes: bool
    ) -> None:
        assert may_change(state) is changes

    @pytest.mark.parametrize(
        ("state", "starts", "marks"),
        [
            # Ahead: only once it has begun.
            (BOOKED, NOW - HOUR, True),
            (BOOKED, NOW, True),
            (MOVED, NOW - HOUR, True),
            (BOOKED, NOW + timedelta(minutes=1), False),
            (MOVED, NOW + HOUR, False),
            # Marked already: it can be corrected, whenever it was.
            (SEEN, NOW - HOUR, True),
            (NOT_SEEN, NOW - HOUR, True),
            # A cancelled session was never held.
            (CANCELLED, NOW - HOUR, False),
        ],
    )
    def test_a_session_is_marked_once_it_has_begun_and_a_mark_can_be_corrected(
        self, state: SessionState, starts: datetime, marks: bool
    ) -> None:
        assert may_mark(state, start=starts, now=NOW) is marks


@pytest.mark.parametrize(
    ("latest_first", "pattern"),
    [
        ([], False),
        ([NOT_SEEN], False),
        ([CANCELLED], False),
        ([NOT_SEEN, NOT_SEEN], True),
        ([CANCELLED, NOT_SEEN], True),
        ([NOT_SEEN, CANCELLED, SEEN], True),
        # Seen most recently: the run is broken, whatever came before.
        ([SEEN, NOT_SEEN, NOT_SEEN], False),
        ([NOT_SEEN, SEEN, NOT_SEEN], False),
    ],
)
def test_two_missed_or_cancelled_in_a_row_are_a_pattern_for_the_manager(
    latest_first: list[SessionState], pattern: bool
) -> None:
    assert missed_in_a_row(latest_first) is pattern


@pytest.mark.parametrize(
    ("born_on", "today", "child"),
    [
        (date(2008, 3, 3), date(2026, 3, 2), True),
        # 18 on their birthday.
        (date(2008, 3, 3), date(2026, 3, 3), False),
        (date(2008, 3, 3), date(2026, 3, 4), False),
        (date(2010, 6, 1), date(2026, 3, 3), True),
        # Born on 29 February: 18 on 1 March in a year without one.
        (date(2008, 2, 29), date(2026, 2, 28), True),
        (date(2008, 2, 29), date(2026, 3, 1), False),
        # No birthday recorded: a child, so a missed session is never put down to them.
        (None, date(2026, 3, 3), True),
    ],
)
def test_a_young_person_is_a_child_until_their_18th_birthday(
    born_on: date | None, today: date, child: bool
) -> None:
    assert is_child(born_on, today=today) is child


def test_outside_appointments_are_court_school_health_and_other() -> None:
    outside = {kind for kind in SessionWith if kind.outside}
    assert outside == {
        SessionWith.COURT,
        SessionWith.SCHOOL,
        SessionWith.HEALTH,
        SessionWith.OTHER,
    }
    assert {BOOKED, MOVED} == AHEAD


def _at_hub(role: Role, **facts: bool) -> Viewer:
    return Viewer(role=role, active=True, same_hub=True, same_council=True, **facts)


def _elsewhere(role: Role, **facts: bool) -> Viewer:
    return Viewer(role=role, active=True, same_hub=False, same_council=True, **facts)


@pytest.mark.parametrize(
    ("viewer", "books"),
    [
        # Their named worker (or the colleague covering), and their own life coach.
        (_at_hub(Role.KEY_WORKER, their_worker=True, named_worker=True), True),
        (_at_hub(Role.DUTY, their_worker=True), True),
        (_at_hub(Role.LIFE_COACH, their_coach=True), True),
        # Therapists, duty workers and managers at their hub.
        (_at_hub(Role.SLT), True),
        (_at_hub(Role.DUTY), True),
        (_at_hub(Role.MANAGER), True),
        # Nobody else at the hub: another worker, another coach, police liaison, the operator,
        # the out-of-hours team.
        (_at_hub(Role.KEY_WORKER), False),
        (_at_hub(Role.LIFE_COACH), False),
        (_at_hub(Role.POLICE_LIAISON), False),
        (_at_hub(Role.OPERATOR), False),
        (_at_hub(Role.ON_CALL), False),
        # Therapists, duty workers and managers at another hub, or a coach at another hub.
        (_elsewhere(Role.SLT), False),
        (_elsewhere(Role.DUTY), False),
        (_elsewhere(Role.MANAGER), False),
        (_elsewhere(Role.LIFE_COACH, their_coach=True), False),
        # Nor anyone who has left, even their own worker.
        (Viewer(Role.KEY_WORKER, active=False, same_hub=True, same_council=True,
                their_worker=True, named_worker=True), False),
        (Viewer(Role.MANAGER, active=False, same_hub=True, same_council=True), False),
    ],
)  # fmt: skip
def test_sessions_are_booked_by_those_who_work_with_the_young_person(
    viewer: Viewer, books: bool
) -> None:
    assert may_book_session(viewer) is books
