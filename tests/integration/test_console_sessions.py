"""The console's Sessions page over HTTP (issue 15), on SQLite and PostgreSQL: the week view,
booking, moving, cancelling and marking through the same services as Telegram, each audited,
refused to staff of another hub and to roles the access rules refuse, and to a form without
the session's CSRF token."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from bot.adapters.db.models import AuditEvent, Session
from bot.adapters.web.app import ConsoleSettings, console_app
from bot.entrypoints.console import govuk_folder
from bot.services.console_login import IssueLink, do_issue_link
from tests.integration.concern_world import ASH, JO, MAX, OONA, SAM, Hub, hub

__all__ = ["hub"]

CONSOLE = "http://127.0.0.1:8081"
# The hub's clock says Tuesday 3 March 2026; next Tuesday at 16:00 (GMT).
NEXT_WEEK = {"day": "2026-03-10", "time": "16:00"}


@pytest.fixture
async def browser(hub: Hub) -> AsyncIterator[httpx.AsyncClient]:
    """A browser on the console (cookies kept, redirects not followed)."""
    async with _browser(hub) as client:
        yield client


def _browser(hub: Hub) -> httpx.AsyncClient:
    app = console_app(hub.uow, hub.clock, ConsoleSettings(CONSOLE, govuk_folder()))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=CONSOLE)


async def _sign_in(hub: Hub, browser: httpx.AsyncClient, telegram_id: int = JO) -> str:
    """Sign in by the link `/console` sends; this session's CSRF token."""
    actor = await hub.actor(telegram_id)
    await do_issue_link(hub.uow(), actor, IssueLink(CONSOLE), now=hub.clock())
    [*_, message] = await hub.queued(telegram_id)
    found = re.search(re.escape(CONSOLE) + r"(/login/[A-Za-z0-9_-]+)", message.text)
    assert found is not None
    assert (await browser.post(found.group(1))).status_code == 303
    page = await browser.get("/caseload")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    return token.group(1)


async def _sam(hub: Hub) -> int:
    return (await hub.young_person(SAM)).young_person_id


async def _book(hub: Hub, browser: httpx.AsyncClient, token: str, **changes: str) -> int:
    form = {"csrf_token": token, "young_person": str(await _sam(hub)), "with": "me"}
    form |= NEXT_WEEK | changes
    answer = await browser.post("/sessions/book", data=form)
    assert answer.status_code == 303, answer.text
    found = re.search(r"session=(\d+)", answer.headers["location"])
    assert found is not None
    assert "done=booked" in answer.headers["location"]
    return int(found.group(1))


async def _state(hub: Hub, session_id: int) -> str:
    async with hub.uow() as uow:
        session = await uow.session.get(Session, session_id)
        assert session is not None
        return str(session.state)


async def _audited(hub: Hub, action: str) -> list[AuditEvent]:
    async with hub.uow() as uow:
        found = list(
            await uow.session.scalars(select(AuditEvent).where(AuditEvent.action == action))
        )
        uow.session.expunge_all()
        return found


def _row(page: httpx.Response, session_id: int) -> str | None:
    found = re.search(rf'id="session-{session_id}" data-state="([a-z_]+)"', page.text)
    return None if found is None else found.group(1)


class TestWeek:
    async def test_booking_tells_sam_at_once_and_shows_in_the_week(
        self, hub: Hub, browser: httpx.AsyncClient
    ) -> None:
        token = await _sign_in(hub, browser)
        session_id = await _book(hub, browser, token, reminders="1d", weekly="yes")
        assert (await hub.messages(SAM))[-1] == "session_booked"
        week = await browser.get("/sessions?week=2026-03-10&done=booked")
        assert week.status_code == 200
        assert _row(week, session_id) == "booked"
        assert 'data-done="booked"' in week.text
        assert 'data-reminder="pending"' in week.text
        [booked] = await _audited(hub, "session.booked")
        assert (booked.actor_id, booked.subject_id) == (hub.ids[JO], session_id)
        [looked] = await _audited(hub, "console.sessions_viewed")
        assert looked.subject_id == await _sam(hub)

    async def test_weeks_before_and_after_do_not_show_it(
        self, hub: Hub, browser: httpx.AsyncClient
    ) -> None:
        token = await _sign_in(hub, browser)
        session_id = await _book(hub, browser, token)
        this_week = await browser.get("/sessions")
        assert this_week.status_code == 200
        assert _row(this_week, session_id) is None
        assert "week=2026-03-09" in this_week.text  # the next week's link
        assert _row(await browser.get("/sessions?week=2026-03-16"), session_id) is None
        assert await _audited(hub, "console.sessions_viewed") == []

    async def test_a_manager_sees_the_hubs_week(
        self, hub: Hub, browser: httpx.AsyncClient
    ) -> None:
        token = await _sign_in(hub, browser)
        session_id = await _book(hub, browser, token)
        async with _browser(hub) as manager:
            await _sign_in(hub, manager, MAX)
            week = await manager.get("/sessions?week=2026-03-12")
            assert _row(week, session_id) == "booked"
            mine = await manager.get("/sessions?week=2026-03-12&scope=mine")
            assert _row(mine, session_id) is None
            jos = await manager.get(f"/sessions?week=2026-03-12&scope=hub&worker={hub.ids[JO]}")
            assert _row(jos, session_id) == "booked"
            assert f'<option value="{hub.ids[JO]}" selected>' in jos.text

    async def test_a_key_worker_has_no_hub_switch(
        self, hub: Hub, browser: httpx.AsyncClient
    ) -> None:
        await _sign_in(hub, browser)
        page = await browser.get("/sessions?scope=hub")
        assert page.status_code == 200
        assert 'id="scope"' not in page.text

    async def test_roles_that_book_no_sessions_are_refused(self, hub: Hub) -> None:
        async with _browser(hub) as police:
            await _sign_in(hub, police, OONA)
            assert (await police.get("/sessions")).status_code == 403
            assert (await police.get("/sessions/book")).status_code == 403

    async def test_the_book_link_chooses_the_young_person(
        self, hub: Hub, browser: httpx.AsyncClient
    ) -> None:
        await _sign_in(hub, browser)
        sam = await _sam(hub)
        page = await browser.get(f"/sessions/book?young_person={sam}")
        assert page.status_code == 200
        assert f'<option value="{sam}" selected>' in page.text


class TestChanges:
    async def test_moving_tells_sam_and_is_audited(
        self, hub: Hub, browser: httpx.AsyncClient
    ) -> None:
        token = await _sign_in(hub, browser)
        session_id = await _book(hub, browser, token)
        assert (await browser.get(f"/sessions/{session_id}/move")).status_code == 200
        form = {"csrf_token": token, "day": "2026-03-11", "time": "17:30"}
        answer = await browser.post(f"/sessions/{session_id}/move", data=form)
        assert answer.status_code == 303
        assert "done=moved" in answer.headers["location"]
        assert await _state(hub, session_id) == "moved"
        assert (await hub.messages(SAM))[-1] == "session_moved"
        assert len(await _audited(hub, "session.moved")) == 1

    async def test_cancelling_tells_sam_and_is_audited(
        self, hub: Hub, browser: httpx.AsyncClient
    ) -> None:
        token = await _sign_in(hub, browser)
        session_id = await _book(hub, browser, token, weekly="yes")
        assert (await browser.get(f"/sessions/{session_id}/cancel")).status_code == 200
        form = {"csrf_token": token, "week": "2026-03-10", "series": "yes"}
        answer = await browser.post(f"/sessions/{session_id}/cancel", data=form)
        assert answer.status_code == 303
        assert "done=cancelled" in answer.headers["location"]
        assert await _state(hub, session_id) == "cancelled"
        assert (await hub.messages(SAM))[-1] == "session_cancelled"
        assert len(await _audited(hub, "session.cancelled")) == 1
        week = await browser.get("/sessions?week=2026-03-10")
        assert _row(week, session_id) == "cancelled"
        again = await browser.post(f"/sessions/{session_id}/cancel", data=form)
        assert "done=not_changeable" in again.headers["location"]

    async def test_marking_once_it_has_begun(self, hub: Hub, browser: httpx.AsyncClient) -> None:
        token = await _sign_in(hub, browser)
        session_id = await _book(hub, browser, token)
        form = {"csrf_token": token, "week": "2026-03-10", "seen": "no"}
        early = await browser.post(f"/sessions/{session_id}/mark", data=form)
        assert "done=not_markable" in early.headers["location"]
        hub.clock.now += timedelta(days=7, hours=6, minutes=10)
        token = await _sign_in(hub, browser)
        week = await browser.get("/sessions?week=2026-03-10")
        assert f'id="not-seen-{session_id}"' in week.text
        answer = await browser.post(
            f"/sessions/{session_id}/mark", data=form | {"csrf_token": token}
        )
        assert "done=not_seen" in answer.headers["location"]
        assert await _state(hub, session_id) == "not_seen"
        assert (await hub.messages(SAM))[-1] == "session_missed"
        assert len(await _audited(hub, "session.not_seen")) == 1

    async def test_bad_answers_are_shown_field_by_field(
        self, hub: Hub, browser: httpx.AsyncClient
    ) -> None:
        token = await _sign_in(hub, browser)
        form = {"csrf_token": token, "young_person": "", "with": "me", "day": "2026-02-30"}
        page = await browser.post("/sessions/book", data=form | {"time": "4pm"})
        assert page.status_code == 400
        assert "govuk-error-summary" in page.text
        for field in ("young_person", "day", "time"):
            assert f'href="#{field}"' in page.text
            assert f'id="{field}-error"' in page.text
        past = {"young_person": str(await _sam(hub)), "day": "2026-03-02", "time": "16:00"}
        page = await browser.post("/sessions/book", data=form | past)
        assert page.status_code == 400
        assert 'id="day-error"' in page.text
        assert "session_booked" not in await hub.messages(SAM)
        assert await _audited(hub, "session.booked") == []


class TestRefusals:
    async def test_without_the_csrf_token_nothing_changes(
        self, hub: Hub, browser: httpx.AsyncClient
    ) -> None:
        token = await _sign_in(hub, browser)
        session_id = await _book(hub, browser, token)
        form = {"young_person": str(await _sam(hub)), "with": "me"} | NEXT_WEEK
        assert (await browser.post("/sessions/book", data=form)).status_code == 403
        assert (await browser.post(f"/sessions/{session_id}/cancel", data={})).status_code == 403
        wrong = {"csrf_token": "x" * len(token), "seen": "yes"}
        assert (await browser.post(f"/sessions/{session_id}/mark", data=wrong)).status_code == 403
        elsewhere = {"Origin": "https://evil.example"}
        answer = await browser.post(
            f"/sessions/{session_id}/cancel", data={"csrf_token": token}, headers=elsewhere
        )
        assert answer.status_code == 403
        assert await _state(hub, session_id) == "booked"
        assert len(await _audited(hub, "session.booked")) == 1

    async def test_staff_of_another_hub_neither_see_nor_change_it(
        self, hub: Hub, browser: httpx.AsyncClient
    ) -> None:
        token = await _sign_in(hub, browser)
        session_id = await _book(hub, browser, token)
        async with _browser(hub) as other:
            theirs = await _sign_in(hub, other, ASH)
            week = await other.get("/sessions?week=2026-03-10&scope=hub")
            assert _row(week, session_id) is None
            assert (await other.get(f"/sessions/{session_id}/move")).status_code == 404
            answer = await other.post(
                f"/sessions/{session_id}/cancel", data={"csrf_token": theirs}
            )
            assert answer.status_code == 404
            form = {"csrf_token": theirs, "young_person": str(await _sam(hub)), "with": "me"}
            page = await other.post("/sessions/book", data=form | NEXT_WEEK)
            assert page.status_code == 400
            assert f'<option value="{await _sam(hub)}"' not in page.text
        assert await _state(hub, session_id) == "booked"
        assert len(await _audited(hub, "session.booked")) == 1
