"""The studio's pages refuse what its services refuse (issue 16 red team), on SQLite and
PostgreSQL: saving wording in a language Waypoint does not have finds no such page and
stores nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import func, select

from bot.adapters.db.models import WordingVersion
from bot.adapters.web.app import ConsoleSettings, console_app
from bot.domain.people import Role
from bot.entrypoints.console import govuk_folder
from bot.services.staff import NewStaff, do_add_staff
from tests.integration.concern_world import Hub, hub
from tests.integration.test_console_web import CONSOLE, _csrf, _sign_in

__all__ = ["hub"]

SUE = 1701  # Harrogate's speech and language therapist


@pytest.fixture
async def sue(hub: Hub) -> AsyncIterator[httpx.AsyncClient]:
    new = NewStaff(SUE, "Sue", Role.SLT, "Harrogate", "North Yorkshire")
    hub.ids[SUE] = (await do_add_staff(hub.uow(), new, now=hub.clock())).staff_id
    app = console_app(hub.uow, hub.clock, ConsoleSettings(CONSOLE, govuk_folder()))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=CONSOLE) as client:
        await _sign_in(hub, client, SUE)
        yield client


@pytest.mark.parametrize("language", ["fr", "zzz"])
async def test_wording_in_a_language_waypoint_lacks_is_not_saved(
    hub: Hub, sue: httpx.AsyncClient, language: str
) -> None:
    token = _csrf(await sue.get("/studio/welcome/ar"))
    form = {"csrf_token": token, "easy": "Bonjour {name}.", "action": "save"}
    saved = await sue.post(f"/studio/welcome/{language}", data=form)
    assert saved.status_code == 404
    async with hub.uow() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(WordingVersion)) == 0
