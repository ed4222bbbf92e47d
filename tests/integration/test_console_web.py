"""The staff console over HTTP (issue 15), on SQLite and PostgreSQL: signing in by a link
from `/console`, the session's limits, CSRF, and what the caseload shows to whom."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from bot.adapters.db.models import AuditEvent, ConsoleLink, ConsoleSession
from bot.adapters.web.app import ConsoleSettings, console_app
from bot.domain.console import token_hash
from bot.entrypoints.console import govuk_folder
from bot.services.console_login import IssueLink, do_issue_link, do_sign_out_everywhere
from bot.services.offboarding import do_leave
from bot.services.retention import do_forget_old
from tests.integration.concern_world import ASH, JO, LEE, MAX, OONA, SAM, Hub, hub

__all__ = ["hub"]

CONSOLE = "http://127.0.0.1:8081"


@pytest.fixture
async def browser(hub: Hub) -> AsyncIterator[httpx.AsyncClient]:
    """A browser on the console (cookies kept, redirects not followed)."""
    async with _browser(hub) as client:
        yield client


def _browser(hub: Hub) -> httpx.AsyncClient:
    app = console_app(hub.uow, hub.clock, ConsoleSettings(CONSOLE, govuk_folder()))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=CONSOLE)


async def _link(hub: Hub, telegram_id: int = JO) -> str:
    """Send `/console` as this member of staff; the path of the link they are sent."""
    actor = await hub.actor(telegram_id)
    await do_issue_link(hub.uow(), actor, IssueLink(CONSOLE), now=hub.clock())
    [*_, message] = await hub.queued(telegram_id)
    assert message.message_key == "console_link"
    found = re.search(re.escape(CONSOLE) + r"(/login/[A-Za-z0-9_-]+)", message.text)
    assert found is not None
    return found.group(1)


async def _sign_in(hub: Hub, browser: httpx.AsyncClient, telegram_id: int = JO) -> None:
    answer = await browser.post(await _link(hub, telegram_id))
    assert answer.status_code == 303
    assert answer.headers["location"] == "/caseload"


def _csrf(page: httpx.Response) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


async def _signed_in(browser: httpx.AsyncClient) -> bool:
    answer = await browser.get("/caseload")
    assert answer.status_code in {200, 303}
    return answer.status_code == 200


class TestSigningIn:
    async def test_a_link_signs_in_with_a_strict_http_only_cookie(
        self, hub: Hub, browser: httpx.AsyncClient
    ) -> None:
        link = await _link(hub)
        page = await browser.get(link)
        assert page.status_code == 200
        assert 'method="post"' in page.text
        assert "Sign in" in page.text
        answer = await browser.post(link)
        assert answer.status_code == 303
        cookie = answer.headers["set-cookie"].lower()
        assert "httponly" in cookie
        assert "samesite=strict" in cookie
        caseload = await browser.get("/caseload")
        assert caseload.status_code == 200
        assert "Sam" in caseload.text
        assert caseload.headers["cache-control"] == "no-store"

    async def test_opening_the_link_uses_nothing_up(
        self, hub: Hub, browser: httpx.AsyncClient
    ) -> None:
        link = await _link(hub)
        for _ in range(3):  # a link preview, a mail scanner, the person
            assert (await browser.get(link)).status_code == 200
        assert (await browser.post(link)).status_code == 303

    async def test_a_link_used_once_is_refused_again_in_any_browser(
        self, hub: Hub, browser: httpx.AsyncClient
    ) -> None:
        link = await _link(hub)
        assert (await browser.post(link)).status_code == 303
        async with _browser(hub) as other:
            assert (await other.get(link)).status_code == 403
            assert (await other.post(link)).status_code == 403
            assert not await _signed_in(other)
        assert (await browser.post(link)).status_code == 403

    async def test_a_link_opened_late_is_refused(
        self, hub: Hub, browser: httpx.AsyncClient
    ) -> None:
        link = await _link(hub)
        hub.clock.advance(timedelta(minutes=10))
        assert (await browser.get(link)).status_code == 403
        assert (await browser.post(link)).status_code == 403
        assert not await _signed_in(browser)

    async def test_a_forged_link_is_refused(self, hub: Hub, browser: httpx.AsyncClient) -> None:
        await _link(hub)
        forged = "/login/" + "A" * 43
        assert (await browser.get(forged)).status_code == 403
        assert (await browser.post(forged)).status_code == 403

    async def test_only_hashes_are_stored(self, hub: Hub, browser: httpx.AsyncClient) -> None:
        link = await _link(hub)
        answer = await browser.post(link)
        session_id = answer.cookies["waypoint-console"]
        async with hub.uow() as uow:
            links = list(await uow.session.scalars(select(ConsoleLink.token_hash)))
            sessions = list(await uow.session.scalars(select(ConsoleSession.session_hash)))
        assert links == [token_hash(link.removeprefix("/login/"))]
        assert sessions == [token_hash(session_id)]

    async def test_a_sign_in_from_another_site_is_refused(
        self, hub: Hub, browser: httpx.AsyncClient
    ) -> None:
        link = await _link(hub)
        answer = await browser.post(link, headers={"Origin": "https://evil.example"})
        assert answer.status_code == 403
        assert (await browser.post(link)).status_code == 303


class TestCsrf:
    async def test_signing_out_needs_the_sessions_csrf_token(
        self, hub: Hub, browser: httpx.AsyncClient
    ) -> None:
        await _sign_in(hub, browser)
        token = _csrf(await browser.get("/caseload"))
        assert (await browser.post("/sign-out")).status_code == 403
        wrong = {"csrf_token": "x" * len(token)}
        assert (await browser.post("/sign-out", data=wrong)).status_code == 403
        elsewhere = {"Origin": "https://evil.example"}
        answer = await browser.post("/sign-out", data={"csrf_token": token}, headers=elsewhere)
        assert answer.status_code == 403
        assert await _signed_in(browser)
        answer = await browser.post("/sign-out", data={"csrf_token": token})
        assert answer.status_code == 303
        banner = await browser.get(answer.headers["location"])
        assert "govuk-notification-banner--success" in banner.text
        assert not await _signed_in(browser)

    async def test_another_sessions_csrf_token_does_not_do(self, hub: Hub) -> None:
        async with _browser(hub) as first, _browser(hub) as second:
            await _sign_in(hub, first)
            await _sign_in(hub, second)
            theirs = _csrf(await second.get("/caseload"))
            answer = await first.post("/sign-out", data={"csrf_token": theirs})
            assert answer.status_code == 403


class TestSessionEnds:
    async def test_console_off_ends_every_session_at_once(self, hub: Hub) -> None:
        async with _browser(hub) as phone, _browser(hub) as office:
            await _sign_in(hub, phone)
            await _sign_in(hub, office)
            ended = await do_sign_out_everywhere(hub.uow(), await hub.actor(JO), now=hub.clock())
            assert ended == 2
            assert not await _signed_in(phone)
            assert not await _signed_in(office)
        assert (await hub.messages(JO))[-1] == "console_signed_out"

    async def test_staff_who_leave_lose_access_at_once(
        self, hub: Hub, browser: httpx.AsyncClient
    ) -> None:
        await _sign_in(hub, browser)
        await hub.staff(JO, active=False)  # as the database has it: every request checks
        assert not await _signed_in(browser)

    async def test_leaving_ends_their_sessions_for_good(
        self, hub: Hub, browser: httpx.AsyncClient
    ) -> None:
        await _sign_in(hub, browser)
        await do_leave(hub.uow(), JO, reassign_to=LEE, now=hub.clock())
        assert not await _signed_in(browser)
        await hub.staff(JO, active=True)  # taken back on: their old session stays ended
        assert not await _signed_in(browser)

    async def test_a_link_for_staff_who_then_leave_signs_nobody_in(
        self, hub: Hub, browser: httpx.AsyncClient
    ) -> None:
        link = await _link(hub)
        await hub.staff(JO, active=False)
        assert (await browser.get(link)).status_code == 403
        assert (await browser.post(link)).status_code == 403

    async def test_thirty_idle_minutes_sign_out(
        self, hub: Hub, browser: httpx.AsyncClient
    ) -> None:
        await _sign_in(hub, browser)
        hub.clock.advance(timedelta(minutes=29))
        assert await _signed_in(browser)  # and it counts as used: idle time starts again
        hub.clock.advance(timedelta(minutes=29))
        assert await _signed_in(browser)
        hub.clock.advance(timedelta(minutes=30))
        assert not await _signed_in(browser)

    async def test_eight_hours_sign_out_however_busy(
        self, hub: Hub, browser: httpx.AsyncClient
    ) -> None:
        await _sign_in(hub, browser)
        for _ in range(8 * 3 - 1):
            hub.clock.advance(timedelta(minutes=20))
            assert await _signed_in(browser)
        hub.clock.advance(timedelta(minutes=20))
        assert not await _signed_in(browser)

    async def test_links_and_sessions_that_ran_out_are_forgotten(
        self, hub: Hub, browser: httpx.AsyncClient
    ) -> None:
        await _sign_in(hub, browser)
        await _link(hub)
        hub.clock.advance(timedelta(hours=8, minutes=1))
        await do_forget_old(hub.uow(), now=hub.clock())
        async with hub.uow() as uow:
            assert list(await uow.session.scalars(select(ConsoleLink.id))) == []
            assert list(await uow.session.scalars(select(ConsoleSession.id))) == []


class TestCaseload:
    async def test_a_key_worker_sees_only_their_young_people(self, hub: Hub) -> None:
        async with _browser(hub) as jo, _browser(hub) as lee:
            await _sign_in(hub, jo, JO)
            await _sign_in(hub, lee, LEE)
            assert ">Sam<" in (await jo.get("/caseload")).text
            theirs = await lee.get("/caseload")
            assert theirs.status_code == 200
            assert "Sam" not in theirs.text

    async def test_a_manager_sees_the_hubs_young_people(self, hub: Hub) -> None:
        async with _browser(hub) as max_:
            await _sign_in(hub, max_, MAX)
            page = (await max_.get("/caseload")).text
        assert ">Sam<" in page
        assert "Young people at Harrogate" in page

    @pytest.mark.parametrize("telegram_id", [ASH, OONA])
    async def test_another_hubs_staff_see_none(self, hub: Hub, telegram_id: int) -> None:
        async with _browser(hub) as elsewhere:
            await _sign_in(hub, elsewhere, telegram_id)
            page = await elsewhere.get("/caseload")
        assert page.status_code == 200
        assert "Sam" not in page.text

    async def test_each_look_is_audited_without_words(
        self, hub: Hub, browser: httpx.AsyncClient
    ) -> None:
        await _sign_in(hub, browser)
        await browser.get("/caseload")
        sam = (await hub.young_person(SAM)).young_person_id
        columns = (
            AuditEvent.actor_type, AuditEvent.actor_id, AuditEvent.subject_type,
            AuditEvent.subject_id, AuditEvent.occurred_at,
        )  # fmt: skip
        query = select(*columns).where(AuditEvent.action == "console.caseload_viewed")
        async with hub.uow() as uow:
            rows = [tuple(row) for row in await uow.session.execute(query)]
        assert rows == [("staff", hub.ids[JO], "young_person", sam, hub.clock())]
        # The audit trail has no column that could hold anyone's words.
        assert {column.name for column in AuditEvent.__table__.columns} == {
            "id", "occurred_at", "hub_id", "actor_type", "actor_id", "action", "subject_type",
            "subject_id",
        }  # fmt: skip
