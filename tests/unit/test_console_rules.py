"""The staff console's rules (bot.domain.console): how long links and sessions last, and
which facts a caseload row shows each role. A table a safeguarding lead can sign off."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.access import Viewer, has_caseload, has_console
from bot.domain.console import (
    Columns,
    LinkFacts,
    Page,
    SessionFacts,
    caseload_columns,
    home_page,
    link_usable,
    new_token,
    pages_for,
    same_secret,
    session_alive,
    session_ends_at,
    token_hash,
)
from bot.domain.people import Role

NOON = datetime(2026, 3, 3, 12, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


class TestLinks:
    def test_a_link_works_for_ten_minutes(self) -> None:
        link = LinkFacts(expires_at=NOON + 10 * MINUTE, used_at=None)
        assert link_usable(link, NOON)
        assert link_usable(link, NOON + 10 * MINUTE - timedelta(seconds=1))
        assert not link_usable(link, NOON + 10 * MINUTE)

    def test_a_used_link_never_works_again(self) -> None:
        assert not link_usable(LinkFacts(NOON + 10 * MINUTE, used_at=NOON), NOON + MINUTE)

    def test_tokens_are_long_random_and_stored_only_as_their_hash(self) -> None:
        first, second = new_token(), new_token()
        assert first != second
        assert len(first) >= 43  # 32 random bytes
        assert token_hash(first) != first
        assert len(token_hash(first)) == 64
        assert token_hash(first) == token_hash(first)

    def test_secrets_are_compared_whole(self) -> None:
        assert same_secret("abc", "abc")
        assert not same_secret("abd", "abc")
        assert not same_secret("", "abc")
        assert not same_secret("abcé", "abc")


class TestSessions:
    def test_thirty_idle_minutes_end_a_session(self) -> None:
        session = SessionFacts(created_at=NOON, last_seen_at=NOON, ended_at=None)
        assert session_alive(session, NOON + 29 * MINUTE)
        assert not session_alive(session, NOON + 30 * MINUTE)

    def test_being_used_keeps_it_alive_but_never_past_eight_hours(self) -> None:
        late = NOON + timedelta(hours=7, minutes=50)
        session = SessionFacts(created_at=NOON, last_seen_at=late, ended_at=None)
        assert session_ends_at(session) == NOON + timedelta(hours=8)
        assert session_alive(session, NOON + timedelta(hours=7, minutes=59))
        assert not session_alive(session, NOON + timedelta(hours=8))

    def test_a_session_signed_out_is_over(self) -> None:
        session = SessionFacts(created_at=NOON, last_seen_at=NOON, ended_at=NOON)
        assert not session_alive(session, NOON)


def _at_hub(role: Role, **ties: bool) -> Viewer:
    return Viewer(role, active=True, same_hub=True, same_council=True, **ties)


# (viewer, concerns, sessions, goals, profile)
_COLUMNS = [
    (
        _at_hub(Role.KEY_WORKER, their_worker=True, named_worker=True),
        Columns(True, True, True, True),
    ),
    # A cover reads concerns and books sessions; a goal stays with the worker and coach (GL-8).
    (_at_hub(Role.KEY_WORKER, their_worker=True), Columns(True, True, False, True)),
    (_at_hub(Role.KEY_WORKER), Columns(False, False, False, False)),
    (_at_hub(Role.LIFE_COACH, their_coach=True), Columns(False, True, True, True)),
    (_at_hub(Role.SLT), Columns(False, True, False, True)),
    (_at_hub(Role.MANAGER), Columns(True, True, False, True)),
    (_at_hub(Role.DUTY), Columns(True, True, False, True)),
    (_at_hub(Role.OPERATOR), Columns(False, False, False, False)),
    (_at_hub(Role.ON_CALL), Columns(True, False, False, False)),
    (_at_hub(Role.POLICE_LIAISON), Columns(False, False, False, False)),
    (
        Viewer(Role.MANAGER, active=True, same_hub=False, same_council=True),
        Columns(False, False, False, False),
    ),
    (
        Viewer(Role.KEY_WORKER, active=False, same_hub=True, same_council=True, their_worker=True,
               named_worker=True),
        Columns(False, False, False, False),
    ),
]  # fmt: skip


@pytest.mark.parametrize(("viewer", "columns"), _COLUMNS)
def test_a_caseload_row_shows_what_the_bots_rules_allow(viewer: Viewer, columns: Columns) -> None:
    assert caseload_columns(viewer) == columns


@pytest.mark.parametrize("role", list(Role))
def test_every_role_but_police_liaison_and_safeguarding_lead_has_a_caseload(role: Role) -> None:
    assert has_caseload(role) is (role not in {Role.POLICE_LIAISON, Role.SAFEGUARDING_LEAD})
    assert (Page.CASELOAD in pages_for(role)) is has_caseload(role)


@pytest.mark.parametrize(
    ("role", "console", "pages", "home"),
    [
        # Police liaison sign in too, to the summaries of concerns shared with them, only.
        (Role.POLICE_LIAISON, True, (Page.CONCERNS,), Page.CONCERNS),
        # Safeguarding leads sign in to the content studio's safety words, only.
        (Role.SAFEGUARDING_LEAD, True, (Page.STUDIO,), Page.STUDIO),
        (
            Role.SLT,
            True,
            (Page.CASELOAD, Page.CONCERNS, Page.SESSIONS, Page.STUDIO),
            Page.CASELOAD,
        ),
        *[
            (role, True, (Page.CASELOAD, Page.CONCERNS, Page.SESSIONS), Page.CASELOAD)
            for role in Role
            if role not in {Role.POLICE_LIAISON, Role.SAFEGUARDING_LEAD, Role.SLT}
        ],
    ],
)
def test_who_signs_in_to_the_console_and_which_pages_they_see(
    role: Role, console: bool, pages: tuple[Page, ...], home: Page
) -> None:
    assert has_console(role) is console
    assert pages_for(role) == pages
    assert home_page(role) is home
