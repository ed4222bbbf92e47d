"""Odd input everywhere the console reads it (issue 15's red-team review), on SQLite and
PostgreSQL: a superscript digit (which `str.isdigit()` calls a digit and `int()` refuses), a
number too large for a database column, and days at the ends of the calendar reach every query
parameter, path id and form field the console reads; each is a clear answer (a page with its
error, a 404, a redirect or a refusal), never a 500."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest

from bot.adapters.web.app import ConsoleSettings, console_app
from bot.domain.people import Role
from bot.domain.sessions import SessionWith
from bot.entrypoints.console import govuk_folder
from bot.services.ports import NewSession
from bot.services.staff import NewStaff, do_add_staff
from tests.integration.concern_world import MAX, SAM, Hub, hub
from tests.integration.test_console_sessions import CONSOLE, NEXT_WEEK, _book, _sign_in

__all__ = ["hub"]

OTTO = 1601  # Harrogate's operator

ODD = ("²", "①", "99999999999999999999", "9999-12-31", "0001-01-01", "-1", " ", "١٢")

# Where {v} is the odd value; {p} Sam's young person id, {s} a session of his.
GETS = (
    "/sessions?week={v}",
    "/sessions?worker={v}&scope=hub",
    "/sessions?scope={v}",
    "/sessions/book?young_person={v}",
    "/sessions/{v}/move",
    "/sessions/{v}/cancel",
    "/young-people/{v}",
    "/young-people/{p}?done={v}",
    "/concerns?done={v}",
    "/concerns/{v}",
    "/concerns/{v}/export",
    "/how-we-are-doing?weeks={v}",
    "/how-we-are-doing.csv?weeks={v}",
    "/admin/staff/{v}",
    "/admin/staff/{v}/leave",
    "/admin/audit?since={v}",
    "/admin/audit?until={v}",
    "/admin/audit?page={v}&staff={v}&kind={v}",
    "/admin/council?done={v}",
    "/admin/invites?done={v}",
    "/login/{v}",
)

POSTS: tuple[tuple[str, dict[str, str]], ...] = (
    ("/sessions/book", {"young_person": "{v}", "with": "me", **NEXT_WEEK}),
    ("/sessions/book", {"young_person": "{p}", "with": "me", "minutes": "{v}", **NEXT_WEEK}),
    ("/sessions/book", {"young_person": "{p}", "with": "{v}", **NEXT_WEEK}),
    ("/sessions/book", {"young_person": "{p}", "with": "me", "day": "{v}", "time": "16:00"}),
    ("/sessions/book", {"young_person": "{p}", "with": "me", "day": "2026-03-10", "time": "{v}"}),
    ("/sessions/book", {"young_person": "{p}", "with": "me", "reminders": "{v}", **NEXT_WEEK}),
    ("/sessions/{s}/move", {"day": "{v}", "time": "16:00"}),
    ("/sessions/{v}/move", {"day": "2026-03-11", "time": "16:00"}),
    ("/sessions/{s}/cancel", {"week": "{v}"}),
    ("/sessions/{v}/cancel", {"week": "{v}"}),
    ("/sessions/{v}/mark", {"week": "{v}", "seen": "{v}"}),
    ("/young-people/{p}/goals", {"area": "{v}", "words": "{v}"}),
    ("/young-people/{p}/goal-words", {"goal": "{v}", "words": "Be brave"}),
    ("/young-people/{v}/goal-words", {"goal": "1", "words": "Be brave"}),
    ("/young-people/{p}/profile", {"setting": "{v}", "value": "{v}"}),
    ("/young-people/{p}/profile", {"setting": "processing", "value": "{v}"}),
    ("/young-people/{v}/reply", {"words": "Hello"}),
    ("/concerns/{v}/acknowledge", {}),
    ("/concerns/{v}/close", {"outcome": "{v}"}),
    ("/admin/staff/new", {"telegram_id": "{v}", "name": "Nia", "role": "key_worker"}),
    ("/admin/staff/new", {"telegram_id": "1700", "name": "{v}", "role": "{v}"}),
    ("/admin/staff/{v}/move", {"role": "{v}", "hub": "{v}"}),
    ("/admin/staff/{v}/leave", {}),
    ("/admin/young-people/{v}/reassign", {"worker": "{v}"}),
    ("/admin/young-people/{p}/reassign", {"worker": "{v}"}),
    ("/admin/invites/{v}/revoke", {}),
    ("/admin/undelivered/{v}/retry", {}),
    ("/admin/invites/new", {"first_name": "{v}", "worker": "{v}"}),
    (
        "/admin/council",
        {
            "office_hours": "{v}",
            "quiet_hours": "{v}",
            "minutes_high": "{v}",
            "minutes_other": "{v}",
            "on_call_first": "{v}",
            "out_of_hours_phone": "{v}",
        },
    ),
)


def _browser(hub: Hub) -> httpx.AsyncClient:
    """A browser that sees a 500 as the page it is (not as the exception behind it)."""
    app = console_app(hub.uow, hub.clock, ConsoleSettings(CONSOLE, govuk_folder()))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url=CONSOLE)


@pytest.fixture
async def people(hub: Hub) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    """Max (the manager) and Otto (Harrogate's operator), signed in."""
    added = await do_add_staff(
        hub.uow(),
        NewStaff(OTTO, "Otto", Role.OPERATOR, "Harrogate", "North Yorkshire"),
        now=hub.clock(),
    )
    hub.ids[OTTO] = added.staff_id
    async with _browser(hub) as max_, _browser(hub) as otto:
        await _sign_in(hub, max_, MAX)
        await _sign_in(hub, otto, OTTO)
        yield max_, otto


def _fill(text: str, odd: str, ids: dict[str, str]) -> str:
    return text.replace("{v}", odd).replace("{p}", ids["p"]).replace("{s}", ids["s"])


@pytest.mark.parametrize("odd", ODD)
async def test_no_odd_value_is_a_500(
    hub: Hub, people: tuple[httpx.AsyncClient, httpx.AsyncClient], odd: str
) -> None:
    max_, otto = people
    token = await _sign_in(hub, max_, MAX)
    otto_token = await _sign_in(hub, otto, OTTO)
    session = await _book(hub, max_, token)
    ids = {"p": str((await hub.young_person(SAM)).young_person_id), "s": str(session)}
    failures: list[str] = []
    for client, csrf in ((max_, token), (otto, otto_token)):
        for path in GETS:
            url = _fill(path, odd, ids)
            answer = await client.get(url)
            if answer.status_code >= 500:
                failures.append(f"GET {url}: {answer.status_code}")
        for path, form in POSTS:
            url = _fill(path, odd, ids)
            data = {k: _fill(v, odd, ids) for k, v in form.items()} | {"csrf_token": csrf}
            answer = await client.post(url, data=data)
            if answer.status_code >= 500:
                failures.append(f"POST {url} {data}: {answer.status_code}")
    assert failures == []


async def test_a_long_past_still_shows_the_next_session_and_the_newest_concern(
    hub: Hub, people: tuple[httpx.AsyncClient, httpx.AsyncClient]
) -> None:
    """Ninety sessions in the past year and one ahead: the one ahead is under Next; and of
    Sam's concerns the page reads (and audits) only those it shows."""
    max_, _ = people
    sam, now = await hub.young_person(SAM), hub.clock()
    concern_id = await hub.raise_concern()
    async with hub.uow() as uow:
        record = await uow.young_people.get(sam.young_person_id)
        assert record is not None
        for n in range(90, -1, -1):
            start = now - timedelta(days=3 * n + 1) if n else now + timedelta(days=2)
            booked = NewSession(
                record.hub_id, record.id, SessionWith.COURT, None, "Court", None,
                start.replace(tzinfo=None), "Europe/London", start, 60, False, None, None,
            )  # fmt: skip
            last = await uow.sessions.new(booked, now=now)
        await uow.commit()
        ahead_id = last.id
    page = await max_.get(f"/young-people/{sam.young_person_id}")
    assert page.status_code == 200
    next_table = page.text.split('id="sessions-next"')[1].split("</table>")[0]
    assert f'id="session-{ahead_id}"' in next_table
    async with hub.uow() as uow:
        found = await uow.concerns.of_young_person(record.id, hub_id=record.hub_id, limit=20)
        assert [c.id for c in found] == [concern_id]
        assert (
            await uow.concerns.of_young_person(record.id, hub_id=record.hub_id + 1, limit=20) == []
        )
        past = await uow.sessions.before_latest_first(
            record.id, before=now, since=now - timedelta(days=30), limit=3
        )
        assert [s.starts_at for s in past] == [now - timedelta(days=3 * n + 1) for n in (1, 2, 3)]
