"""Changing the council's settings in the console (issue 15), on SQLite and PostgreSQL: a
manager at Harrogate changes North Yorkshire's office hours, ladder timings, who is told
first, quiet hours and out-of-hours number, through `do_change_council` (what `waypoint
council set` does), for every hub in the council; the audit trail names the settings that
changed, as the manager; bad input gets an error per field and changes nothing; a key
worker, a duty worker and a form without the CSRF token are refused."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import select

from bot.adapters.db.models import AuditEvent, Council
from tests.integration.concern_world import DEE, JO, MAX, Hub, hub
from tests.integration.test_console_web import _browser, _csrf, _sign_in

__all__ = ["hub"]

GOOD = {
    "office_hours": "8-18",
    "minutes_high": "10",
    "minutes_other": "45",
    "on_call_first": "yes",
    "quiet_hours": "22-7",
    "out_of_hours_phone": "01609 780780",
}


@pytest.fixture
async def max_(hub: Hub) -> AsyncIterator[httpx.AsyncClient]:
    """Max, Harrogate's manager, signed in."""
    async with _browser(hub) as client:
        await _sign_in(hub, client, MAX)
        yield client


async def _post(client: httpx.AsyncClient, **form: str) -> httpx.Response:
    token = _csrf(await client.get("/caseload"))
    return await client.post("/admin/council", data={"csrf_token": token, **form})


async def _council(hub: Hub) -> Council:
    async with hub.uow() as uow:
        [council] = list(await uow.session.scalars(select(Council)))
        uow.session.expunge_all()
        return council


async def _audited(hub: Hub) -> list[tuple[str, int | None]]:
    async with hub.uow() as uow:
        query = select(AuditEvent.action, AuditEvent.actor_id).where(
            AuditEvent.action.startswith("council.changed")
        )
        return [tuple(row) for row in await uow.session.execute(query.order_by(AuditEvent.id))]  # type: ignore[misc]


async def test_a_manager_changes_the_councils_settings(hub: Hub, max_: httpx.AsyncClient) -> None:
    page = await max_.get("/admin/council")
    assert page.status_code == 200
    assert 'id="applies-to"' in page.text
    answer = await _post(max_, **GOOD)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/admin/council?done=council"
    council = await _council(hub)
    assert (council.office_opens_hour, council.office_closes_hour) == (8, 18)
    assert (council.minutes_high, council.minutes_other) == (10, 45)
    assert council.on_call_first is True
    assert (council.quiet_from_hour, council.quiet_until_hour) == (22, 7)
    assert council.out_of_hours_phone == "01609 780780"
    shown = await max_.get("/admin/council?done=council")
    assert 'id="done-council"' in shown.text
    assert 'value="8-18"' in shown.text
    max_id = hub.ids[MAX]
    assert await _audited(hub) == [
        ("council.changed", max_id),
        *[
            (f"council.changed.{name}", max_id)
            for name in (
                "out_of_hours_phone",
                "minutes_high",
                "minutes_other",
                "office_hours",
                "on_call_first",
                "quiet_hours",
            )
        ],
    ]


async def test_bad_input_gets_an_error_per_field_and_changes_nothing(
    hub: Hub, max_: httpx.AsyncClient
) -> None:
    before = await _council(hub)
    bad = {
        "office_hours": "17-9",
        "minutes_high": "0",
        "minutes_other": "lots",
        "on_call_first": "",
        "quiet_hours": "8-8",
        "out_of_hours_phone": "call Sam",
    }
    answer = await _post(max_, **bad)
    assert answer.status_code == 400
    assert "govuk-error-summary" in answer.text
    for field in bad:
        assert f'id="{field}-error"' in answer.text, field
    after = await _council(hub)
    assert (after.office_opens_hour, after.minutes_high) == (
        before.office_opens_hour,
        before.minutes_high,
    )
    assert await _audited(hub) == []


@pytest.mark.parametrize("who", [JO, DEE])
async def test_others_at_the_hub_are_refused(hub: Hub, who: int) -> None:
    async with _browser(hub) as client:
        await _sign_in(hub, client, who)
        assert (await client.get("/admin/council")).status_code == 403
        assert (await _post(client, **GOOD)).status_code == 403
    assert await _audited(hub) == []


async def test_a_form_without_the_csrf_token_is_refused(hub: Hub, max_: httpx.AsyncClient) -> None:
    assert (await max_.post("/admin/council", data=GOOD)).status_code == 403
    assert await _audited(hub) == []
