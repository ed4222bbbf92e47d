"""Making an invite link in the console (issue 15), on SQLite and PostgreSQL: an operator
makes one for a key worker at their hub and the link is shown once; it is the same invite
`/invite` makes (a young person who opens it links to that worker); it is audited as the
operator; a key worker at another hub, a therapist, and a form without the CSRF token are
refused; with no bot username known, the page says how to set it."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import select

from bot.adapters.db.models import AuditEvent
from bot.adapters.web.app import ConsoleSettings, console_app
from bot.content.catalogue import Catalogue
from bot.domain.people import Role
from bot.entrypoints.console import govuk_folder
from bot.services.invites import do_redeem_invite
from bot.services.staff import NewStaff, do_add_staff
from tests.integration.concern_world import ASH, JO, Hub, hub
from tests.integration.test_console_web import CONSOLE, _csrf, _sign_in

__all__ = ["hub"]

OTTO = 1601  # Harrogate's operator
TIA = 2002
LINK = re.compile(
    r'id="invite-link" href="https://t\.me/waypoint_test_bot\?start=([A-Za-z0-9_-]+)"'
)


def _client(hub: Hub, bot: str | None = "waypoint_test_bot") -> httpx.AsyncClient:
    settings = ConsoleSettings(CONSOLE, govuk_folder(), bot_username=bot)
    app = console_app(hub.uow, hub.clock, settings)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=CONSOLE)


@pytest.fixture
async def otto(hub: Hub) -> AsyncIterator[httpx.AsyncClient]:
    """Otto, Harrogate's operator, signed in."""
    new = NewStaff(OTTO, "Otto", Role.OPERATOR, "Harrogate", "North Yorkshire")
    hub.ids[OTTO] = (await do_add_staff(hub.uow(), new, now=hub.clock())).staff_id
    async with _client(hub) as client:
        await _sign_in(hub, client, OTTO)
        yield client


async def _make(client: httpx.AsyncClient, **form: str) -> httpx.Response:
    token = _csrf(await client.get("/admin/invites/new"))
    return await client.post("/admin/invites/new", data={"csrf_token": token, **form})


async def _audited(hub: Hub, action: str) -> list[int | None]:
    """Who made each invite after Sam's (which the world's Jo made)."""
    async with hub.uow() as uow:
        query = select(AuditEvent.actor_id).where(AuditEvent.action == action)
        return list(await uow.session.scalars(query.order_by(AuditEvent.id)))[1:]


async def test_an_operator_makes_a_link_for_a_key_worker_and_it_links_to_them(
    hub: Hub, otto: httpx.AsyncClient
) -> None:
    form = await otto.get("/admin/invites/new")
    assert form.status_code == 200
    assert f'<option value="{hub.ids[JO]}"' in form.text
    assert f'<option value="{hub.ids[ASH]}"' not in form.text  # Scarborough's
    made = await _make(otto, first_name="Tia", worker=str(hub.ids[JO]))
    assert made.status_code == 200
    assert 'id="invite-expires"' in made.text
    found = LINK.search(made.text)
    assert found is not None
    assert await _audited(hub, "invite.created") == [hub.ids[OTTO]]
    # Shown once: the list of links never shows it again.
    assert found.group(1) not in (await otto.get("/admin/invites")).text
    linked = await do_redeem_invite(
        hub.uow(), telegram_user_id=TIA, code=found.group(1), now=hub.clock()
    )
    assert (linked.young_person.first_name, linked.young_person.worker_name) == ("Tia", "Jo")


async def test_bad_input_gets_an_error_per_field(hub: Hub, otto: httpx.AsyncClient) -> None:
    answer = await _make(otto, first_name=" ", worker="")
    assert answer.status_code == 400
    assert "govuk-error-summary" in answer.text
    assert 'id="first_name-error"' in answer.text
    assert 'id="worker-error"' in answer.text
    assert await _audited(hub, "invite.created") == []


async def test_a_key_worker_at_another_hub_cannot_make_one_for_jo(hub: Hub) -> None:
    async with _client(hub) as ash:
        await _sign_in(hub, ash, ASH)
        form = await ash.get("/admin/invites/new")
        assert form.status_code == 200
        assert f'<option value="{hub.ids[ASH]}"' in form.text  # only themselves
        assert f'<option value="{hub.ids[JO]}"' not in form.text
        answer = await _make(ash, first_name="Tia", worker=str(hub.ids[JO]))
        assert answer.status_code == 403
        assert (await ash.get("/admin/invites")).status_code == 403
    assert await _audited(hub, "invite.created") == []


async def test_a_key_worker_makes_one_for_themselves(hub: Hub) -> None:
    async with _client(hub) as jo:
        await _sign_in(hub, jo, JO)
        made = await _make(jo, first_name="Tia", worker=str(hub.ids[JO]))
        assert made.status_code == 200
        assert LINK.search(made.text) is not None
    assert await _audited(hub, "invite.created") == [hub.ids[JO]]


async def test_a_form_without_the_csrf_token_is_refused(hub: Hub, otto: httpx.AsyncClient) -> None:
    answer = await otto.post("/admin/invites/new", data={"first_name": "Tia", "worker": "1"})
    assert answer.status_code == 403
    assert await _audited(hub, "invite.created") == []


async def test_without_the_bots_username_the_page_says_how_to_set_it(hub: Hub) -> None:
    new = NewStaff(OTTO, "Otto", Role.OPERATOR, "Harrogate", "North Yorkshire")
    await do_add_staff(hub.uow(), new, now=hub.clock())
    async with _client(hub, bot=None) as otto:
        await _sign_in(hub, otto, OTTO)
        page = await otto.get("/admin/invites/new")
        assert page.status_code == 200
        assert 'id="bot-unknown"' in page.text
        assert "WAYPOINT_BOT_USERNAME" in page.text
    assert await _audited(hub, "invite.created") == []


async def test_sending_the_form_again_shows_the_same_invite_not_a_second_one(
    hub: Hub, otto: httpx.AsyncClient
) -> None:
    form = await otto.get("/admin/invites/new")
    key = re.search(r'name="invite_key" value="([A-Za-z0-9_-]+)"', form.text)
    assert key is not None
    sent = {"csrf_token": _csrf(form), "invite_key": key.group(1), "worker": str(hub.ids[JO])}
    first = await otto.post("/admin/invites/new", data=sent | {"first_name": "Tia"})
    again = await otto.post("/admin/invites/new", data=sent | {"first_name": "Tia"})
    assert (first.status_code, again.status_code) == (200, 200)
    links = [LINK.search(answer.text) for answer in (first, again)]
    assert links[0] is not None
    assert links[1] is not None
    assert links[0].group(1) == links[1].group(1)
    assert await _audited(hub, "invite.created") == [hub.ids[OTTO]]
    # The same form for someone else, or once its invite is used, makes nothing.
    other = await otto.post("/admin/invites/new", data=sent | {"first_name": "Kit"})
    assert other.status_code == 400
    assert 'id="problem-invite_already_made"' in other.text
    await do_redeem_invite(
        hub.uow(), telegram_user_id=TIA, code=links[0].group(1), now=hub.clock()
    )
    used = await otto.post("/admin/invites/new", data=sent | {"first_name": "Tia"})
    assert 'id="problem-invite_already_made"' in used.text
    assert LINK.search(used.text) is None
    assert await _audited(hub, "invite.created") == [hub.ids[OTTO]]
    # A fresh form makes a fresh one.
    fresh = await _make(otto, first_name="Kit", worker=str(hub.ids[JO]))
    assert LINK.search(fresh.text) is not None
    assert await _audited(hub, "invite.created") == [hub.ids[OTTO], hub.ids[OTTO]]


async def test_an_invite_waits_for_the_councils_wording_and_the_page_says_why(
    hub: Hub, otto: httpx.AsyncClient
) -> None:
    # As on a real install: the shipped drafts are not live (no trial setting).
    wordings = hub.uow.post.wordings
    assert wordings is not None
    wordings.shipped = Catalogue.load()
    made = await _make(otto, first_name="Tia", worker=str(hub.ids[JO]))
    assert made.status_code == 400
    assert 'id="problem-invite_wording_not_approved"' in made.text
    assert f"{CONSOLE}/studio" in made.text
    assert LINK.search(made.text) is None
    assert await _audited(hub, "invite.created") == []
