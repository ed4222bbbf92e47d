"""The console's Concerns pages over HTTP, on SQLite and PostgreSQL: the list, one concern,
acknowledging, closing with an outcome and exporting the case file; each audited, refused
to staff of another hub and to roles bot.domain.access refuses, and never without the
session's CSRF token."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import select

from bot.adapters.db.models import AuditEvent
from bot.domain.people import Role
from bot.services.concern_records import concern_export
from bot.services.staff import NewStaff, do_add_staff
from tests.integration.concern_world import ASH, DEE, JO, LEE, OONA, SAM, Hub, hub
from tests.integration.test_console_web import _browser, _csrf, _sign_in

__all__ = ["hub"]

SUE = 1601  # a speech and language therapist at Harrogate: reads no concerns


@pytest.fixture
async def jo(hub: Hub) -> AsyncIterator[httpx.AsyncClient]:
    """Jo, Sam's key worker, signed in to the console."""
    async with _browser(hub) as client:
        await _sign_in(hub, client, JO)
        yield client


async def _audited(hub: Hub, action: str) -> list[tuple[str, int | None, int | None]]:
    query = select(AuditEvent.actor_type, AuditEvent.actor_id, AuditEvent.subject_id).where(
        AuditEvent.action == action
    )
    async with hub.uow() as uow:
        return [(row[0], row[1], row[2]) for row in await uow.session.execute(query)]


async def _acknowledge(client: httpx.AsyncClient, concern_id: int) -> httpx.Response:
    page = await client.get(f"/concerns/{concern_id}")
    data = {"csrf_token": _csrf(page)}
    return await client.post(f"/concerns/{concern_id}/acknowledge", data=data)


class TestList:
    async def test_the_worker_sees_their_young_persons_concern(
        self, hub: Hub, jo: httpx.AsyncClient
    ) -> None:
        concern_id = await hub.raise_concern()
        page = await jo.get("/concerns")
        assert page.status_code == 200
        assert f'id="concern-{concern_id}"' in page.text
        assert 'data-urgency="high"' in page.text
        assert await _audited(hub, "concern.listed") == [("staff", hub.ids[JO], None)]

    @pytest.mark.parametrize("telegram_id", [LEE, ASH])
    async def test_another_worker_or_another_hubs_sees_none(
        self, hub: Hub, telegram_id: int
    ) -> None:
        concern_id = await hub.raise_concern()
        async with _browser(hub) as other:
            await _sign_in(hub, other, telegram_id)
            page = await other.get("/concerns")
        assert page.status_code == 200
        assert f'id="concern-{concern_id}"' not in page.text

    async def test_the_out_of_hours_team_sees_the_councils(self, hub: Hub) -> None:
        concern_id = await hub.raise_concern()
        async with _browser(hub) as oona:
            await _sign_in(hub, oona, OONA)
            page = await oona.get("/concerns")
        assert f'id="concern-{concern_id}"' in page.text

    async def test_a_role_that_reads_no_concerns_is_refused(self, hub: Hub) -> None:
        new = NewStaff(SUE, "Sue", Role.SLT, "Harrogate", "North Yorkshire")
        await do_add_staff(hub.uow(), new, now=hub.clock())
        concern_id = await hub.raise_concern()
        async with _browser(hub) as sue:
            await _sign_in(hub, sue, SUE)
            assert (await sue.get("/concerns")).status_code == 403
            assert (await sue.get(f"/concerns/{concern_id}")).status_code == 403
            assert (await sue.get(f"/concerns/{concern_id}/export")).status_code == 403

    async def test_signed_out_goes_to_how_to_sign_in(self, hub: Hub) -> None:
        async with _browser(hub) as nobody:
            answer = await nobody.get("/concerns")
        assert (answer.status_code, answer.headers["location"]) == (303, "/signed-out")


class TestActions:
    async def test_acknowledge_then_close_with_an_outcome(
        self, hub: Hub, jo: httpx.AsyncClient
    ) -> None:
        concern_id = await hub.raise_concern()
        answer = await _acknowledge(jo, concern_id)
        assert answer.status_code == 303
        assert answer.headers["location"] == f"/concerns/{concern_id}?done=acknowledged"
        assert (await hub.concern(concern_id)).acknowledged_by == hub.ids[JO]
        assert "concern_seen" in await hub.keys(SAM)
        page = await jo.get(answer.headers["location"])
        assert 'data-done="acknowledged"' in page.text
        data = {"csrf_token": _csrf(page), "outcome": "Spoke with Sam; safety plan updated."}
        closed = await jo.post(f"/concerns/{concern_id}/close", data=data)
        assert closed.headers["location"] == f"/concerns/{concern_id}?done=closed"
        concern = await hub.concern(concern_id)
        assert (concern.state, concern.closed_by) == ("closed", hub.ids[JO])
        assert "closed" in await hub.events(concern_id)
        page = await jo.get(closed.headers["location"])
        assert 'data-state="closed"' in page.text
        assert 'id="close"' not in page.text
        assert await _audited(hub, "concern.acknowledged") == [("staff", hub.ids[JO], concern_id)]
        assert await _audited(hub, "concern.closed") == [("staff", hub.ids[JO], concern_id)]

    async def test_closing_without_an_outcome_shows_the_error(
        self, hub: Hub, jo: httpx.AsyncClient
    ) -> None:
        concern_id = await hub.raise_concern()
        await _acknowledge(jo, concern_id)
        page = await jo.get(f"/concerns/{concern_id}")
        data = {"csrf_token": _csrf(page), "outcome": "   "}
        answer = await jo.post(f"/concerns/{concern_id}/close", data=data)
        assert answer.status_code == 400
        assert "govuk-error-summary" in answer.text
        assert 'id="outcome-error"' in answer.text
        assert (await hub.concern(concern_id)).state == "acknowledged"

    async def test_a_second_acknowledgement_is_told_who_has_it(
        self, hub: Hub, jo: httpx.AsyncClient
    ) -> None:
        concern_id = await hub.raise_concern()
        await hub.acknowledge(DEE, concern_id)
        answer = await _acknowledge(jo, concern_id)
        assert answer.headers["location"] == f"/concerns/{concern_id}?done=already"
        assert (await hub.concern(concern_id)).acknowledged_by == hub.ids[DEE]

    async def test_the_worker_may_not_close_before_acknowledging(
        self, hub: Hub, jo: httpx.AsyncClient
    ) -> None:
        concern_id = await hub.raise_concern()
        page = await jo.get(f"/concerns/{concern_id}")
        assert 'id="close"' not in page.text
        data = {"csrf_token": _csrf(page), "outcome": "done"}
        answer = await jo.post(f"/concerns/{concern_id}/close", data=data)
        assert answer.status_code == 403
        assert (await hub.concern(concern_id)).state == "open"

    @pytest.mark.parametrize("action", ["acknowledge", "close"])
    async def test_no_action_without_the_csrf_token(
        self, hub: Hub, jo: httpx.AsyncClient, action: str
    ) -> None:
        concern_id = await hub.raise_concern()
        await jo.get(f"/concerns/{concern_id}")
        for data in ({}, {"csrf_token": "forged", "outcome": "done"}):
            answer = await jo.post(f"/concerns/{concern_id}/{action}", data=data)
            assert answer.status_code == 403
        assert (await hub.concern(concern_id)).state == "open"
        done = {"acknowledge": "concern.acknowledged", "close": "concern.closed"}[action]
        assert await _audited(hub, done) == []

    async def test_an_action_from_another_site_is_refused(
        self, hub: Hub, jo: httpx.AsyncClient
    ) -> None:
        concern_id = await hub.raise_concern()
        page = await jo.get(f"/concerns/{concern_id}")
        data = {"csrf_token": _csrf(page)}
        evil = {"Origin": "https://evil.example"}
        answer = await jo.post(f"/concerns/{concern_id}/acknowledge", data=data, headers=evil)
        assert answer.status_code == 403
        assert (await hub.concern(concern_id)).acknowledged_by is None

    async def test_the_duty_worker_closes_one_nobody_acknowledged(self, hub: Hub) -> None:
        concern_id = await hub.raise_concern()
        async with _browser(hub) as dee:
            await _sign_in(hub, dee, DEE)
            page = await dee.get(f"/concerns/{concern_id}")
            data = {"csrf_token": _csrf(page), "outcome": "Sam is safe with their carer."}
            answer = await dee.post(f"/concerns/{concern_id}/close", data=data)
        assert answer.status_code == 303
        assert (await hub.concern(concern_id)).closed_by == hub.ids[DEE]

    @pytest.mark.parametrize("telegram_id", [LEE, ASH])
    async def test_not_theirs_or_another_hubs_is_refused_and_audited(
        self, hub: Hub, telegram_id: int
    ) -> None:
        concern_id = await hub.raise_concern()
        async with _browser(hub) as other:
            await _sign_in(hub, other, telegram_id)
            assert (await other.get(f"/concerns/{concern_id}")).status_code == 403
            caseload = await other.get("/caseload")
            data = {"csrf_token": _csrf(caseload), "outcome": "done"}
            for action in ("acknowledge", "close"):
                answer = await other.post(f"/concerns/{concern_id}/{action}", data=data)
                assert answer.status_code == 403
            assert (await other.get(f"/concerns/{concern_id}/export")).status_code == 403
        concern = await hub.concern(concern_id)
        assert (concern.acknowledged_by, concern.state) == (None, "open")
        refused = await _audited(hub, "concern.refused")
        assert refused == [("staff", hub.ids[telegram_id], concern_id)] * 4

    async def test_a_concern_that_does_not_exist_is_not_found(
        self, hub: Hub, jo: httpx.AsyncClient
    ) -> None:
        assert (await jo.get("/concerns/999")).status_code == 404


class TestExport:
    async def test_the_case_file_record_downloads_and_is_audited(
        self, hub: Hub, jo: httpx.AsyncClient
    ) -> None:
        concern_id = await hub.raise_concern()
        answer = await jo.get(f"/concerns/{concern_id}/export")
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/plain")
        disposition = answer.headers["content-disposition"]
        assert disposition == f'attachment; filename="waypoint-concern-{concern_id}.txt"'
        assert answer.headers["cache-control"] == "no-store"
        record = await concern_export(hub.uow(), concern_id, now=hub.clock())
        assert answer.text == record + "\n"
        assert await _audited(hub, "concern.exported") == [("staff", hub.ids[JO], concern_id)]
