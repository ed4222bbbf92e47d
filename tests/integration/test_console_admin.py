"""The console's hub administration pages over HTTP (issue 15), on SQLite and PostgreSQL: a
hub's operator or manager marks staff as left, changes a role, gives a young person a new key
worker and withdraws invite links; each change is audited; every page and action refuses a
key worker, another hub's manager, and a form without the session's CSRF token."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from bot.adapters.db.models import AuditEvent, Invite, OutboxMessage
from bot.domain.outbox import DeliveryState
from bot.domain.people import Role
from bot.services.hub_audit import PAGE_SIZE
from bot.services.invites import do_create_invite
from bot.services.staff import NewStaff, do_add_staff
from tests.integration.concern_world import ASH, DEE, JO, LEE, MAX, SAM, Hub, hub
from tests.integration.test_console_web import _browser, _csrf, _sign_in

__all__ = ["hub"]

OTTO = 1601  # Harrogate's operator

PAGES = (
    "/admin",
    "/admin/staff",
    "/admin/young-people",
    "/admin/invites",
    "/admin/council",
    "/admin/undelivered",
    "/admin/audit",
)


@pytest.fixture
async def admin(hub: Hub) -> Hub:
    """The hub, with an operator at Harrogate too."""
    new = NewStaff(OTTO, "Otto", Role.OPERATOR, "Harrogate", "North Yorkshire")
    added = await do_add_staff(hub.uow(), new, now=hub.clock())
    hub.ids[OTTO] = added.staff_id
    return hub


@pytest.fixture
async def otto(admin: Hub) -> AsyncIterator[httpx.AsyncClient]:
    """Otto, the operator, signed in."""
    async with _browser(admin) as client:
        await _sign_in(admin, client, OTTO)
        yield client


async def _audited(hub: Hub, action: str) -> list[tuple[object, ...]]:
    columns = (AuditEvent.actor_id, AuditEvent.subject_type, AuditEvent.subject_id)
    async with hub.uow() as uow:
        rows = await uow.session.execute(select(*columns).where(AuditEvent.action == action))
        return [tuple(row) for row in rows]


async def _post(client: httpx.AsyncClient, page: str, action: str, **form: str) -> httpx.Response:
    token = _csrf(await client.get(page))
    return await client.post(action, data={"csrf_token": token, **form})


class TestStaff:
    async def test_the_operator_sees_the_hubs_staff_and_marks_one_as_left(
        self, admin: Hub, otto: httpx.AsyncClient
    ) -> None:
        page = await otto.get("/admin/staff")
        assert page.status_code == 200
        assert f'id="staff-{admin.ids[JO]}"' in page.text
        assert f'id="staff-{admin.ids[ASH]}"' not in page.text  # Scarborough's
        jo = admin.ids[JO]
        assert (await otto.get(f"/admin/staff/{jo}/leave")).status_code == 200
        answer = await _post(otto, f"/admin/staff/{jo}/leave", f"/admin/staff/{jo}/leave")
        assert answer.status_code == 303
        assert answer.headers["location"] == "/admin/staff?done=left"
        after = await otto.get(answer.headers["location"])
        assert 'id="done-left"' in after.text
        assert f'id="staff-{jo}"' not in after.text
        assert await _audited(admin, "staff.left") == [(admin.ids[OTTO], "staff", jo)]
        # Exactly what offboarding does: Jo's invite links and console sessions end too.
        async with admin.uow() as uow:
            left = await uow.staff.get(jo)
            assert left is not None
            assert not left.active

    async def test_a_colleague_is_added_to_the_hub_and_a_bad_form_is_explained(
        self, admin: Hub, otto: httpx.AsyncClient
    ) -> None:
        page = "/admin/staff/new"
        assert (await otto.get(page)).status_code == 200
        bad = await _post(otto, page, page, name=" ", telegram_id="abc", role="king")
        assert bad.status_code == 400
        for field in ("name", "telegram_id", "role"):
            assert f'href="#{field}"' in bad.text
        taken = await _post(otto, page, page, name="Rae", telegram_id=str(JO), role="slt")
        assert taken.status_code == 400
        assert 'id="problem-staff_account_taken"' in taken.text
        answer = await _post(otto, page, page, name="Rae", telegram_id="1701", role="slt")
        assert answer.status_code == 303
        assert 'id="done-added"' in (await otto.get(answer.headers["location"])).text
        async with admin.uow() as uow:
            rae = await uow.staff.by_telegram_id(1701)
            assert rae is not None
            assert (rae.name, rae.role, rae.hub.name) == ("Rae", Role.SLT, "Harrogate")
            rae_id = rae.id
        added = await _audited(admin, "staff.added")
        assert [row for row in added if row[0] is not None] == [(admin.ids[OTTO], "staff", rae_id)]

    async def test_a_role_is_changed_and_a_bad_form_is_explained(
        self, admin: Hub, otto: httpx.AsyncClient
    ) -> None:
        lee = admin.ids[LEE]
        page = f"/admin/staff/{lee}"
        nothing = await _post(otto, page, f"{page}/move", role="", hub="")
        assert nothing.status_code == 400
        assert "govuk-error-summary" in nothing.text
        assert 'href="#role"' in nothing.text
        nowhere = await _post(otto, page, f"{page}/move", hub="Atlantis")
        assert nowhere.status_code == 400
        assert 'id="problem-staff_move_no_hub"' in nowhere.text
        moved = await _post(otto, page, f"{page}/move", role=Role.SLT.value)
        assert moved.status_code == 303
        assert await _audited(admin, "staff.moved") == [(admin.ids[OTTO], "staff", lee)]

    async def test_a_key_worker_with_young_people_keeps_their_role(
        self, admin: Hub, otto: httpx.AsyncClient
    ) -> None:
        page = f"/admin/staff/{admin.ids[JO]}"
        answer = await _post(otto, page, f"{page}/move", role=Role.SLT.value)
        assert answer.status_code == 400
        assert 'id="problem-staff_move_has_young_people"' in answer.text

    async def test_another_hubs_staff_cannot_be_named(
        self, admin: Hub, otto: httpx.AsyncClient
    ) -> None:
        ash = admin.ids[ASH]
        assert (await otto.get(f"/admin/staff/{ash}")).status_code == 404
        token = _csrf(await otto.get("/admin/staff"))
        answer = await otto.post(f"/admin/staff/{ash}/leave", data={"csrf_token": token})
        assert answer.status_code in {400, 404}
        assert await _audited(admin, "staff.left") == []


class TestRolesGiven:
    """Red-team H1 and M1: only the roles access.roles_granted_by allows are given, changed
    or moved from the console; a refusal is audited and says nothing of whose an account is."""

    async def _role_of(self, hub: Hub, telegram_id: int) -> tuple[Role, str] | None:
        async with hub.uow() as uow:
            staff = await uow.staff.by_telegram_id(telegram_id)
            return None if staff is None else (Role(staff.role), staff.hub.name)

    async def test_an_operator_gives_no_role_that_reads_concerns_or_runs_a_hub(
        self, admin: Hub, otto: httpx.AsyncClient
    ) -> None:
        page = "/admin/staff/new"
        form = await otto.get(page)
        assert 'value="slt"' in form.text
        for role in ("on_call", "manager", "operator", "duty", "police_liaison"):
            assert f'value="{role}"' not in form.text
            answer = await _post(otto, page, page, name="Rae", telegram_id="1701", role=role)
            assert answer.status_code == 400, role
            assert 'id="problem-staff_role_not_yours"' in answer.text
        assert await self._role_of(admin, 1701) is None
        refused = await _audited(admin, "staff.add_refused")
        assert refused == [(admin.ids[OTTO], None, None)] * 5

    async def test_an_operator_neither_changes_nor_moves_a_duty_worker(
        self, admin: Hub, otto: httpx.AsyncClient
    ) -> None:
        dee = admin.ids[DEE]
        page = f"/admin/staff/{dee}"
        assert 'id="move-not-yours"' in (await otto.get(page)).text
        for form in ({"role": "slt"}, {"hub": "Scarborough"}, {"role": "manager"}):
            answer = await _post(otto, "/admin/staff", f"{page}/move", **form)
            assert answer.status_code == 400, form
            assert 'id="problem-staff_role_not_yours"' in answer.text
        lee = admin.ids[LEE]
        answer = await _post(otto, "/admin/staff", f"/admin/staff/{lee}/move", role="on_call")
        assert answer.status_code == 400
        assert await self._role_of(admin, DEE) == (Role.DUTY, "Harrogate")
        assert await self._role_of(admin, LEE) == (Role.KEY_WORKER, "Harrogate")
        assert await _audited(admin, "staff.moved") == []
        refused = await _audited(admin, "staff.change_refused")
        assert refused == [(admin.ids[OTTO], "staff", dee)] * 3 + [(admin.ids[OTTO], "staff", lee)]

    async def test_a_manager_gives_duty_but_never_on_call_or_manager(self, admin: Hub) -> None:
        async with _browser(admin) as max_:
            await _sign_in(admin, max_, MAX)
            page = "/admin/staff/new"
            form = await max_.get(page)
            assert 'value="duty"' in form.text
            assert 'value="on_call"' not in form.text
            for role in ("on_call", "manager", "operator"):
                answer = await _post(max_, page, page, name="Rae", telegram_id="1701", role=role)
                assert answer.status_code == 400, role
            answer = await _post(max_, page, page, name="Rae", telegram_id="1701", role="duty")
            assert answer.status_code == 303
            assert await self._role_of(admin, 1701) == (Role.DUTY, "Harrogate")
            otto = f"/admin/staff/{admin.ids[OTTO]}"
            answer = await _post(max_, "/admin/staff", f"{otto}/move", hub="Scarborough")
            assert answer.status_code == 400
            assert await self._role_of(admin, OTTO) == (Role.OPERATOR, "Harrogate")
            dee = f"/admin/staff/{admin.ids[DEE]}"
            answer = await _post(max_, "/admin/staff", f"{dee}/move", hub="Scarborough")
            assert answer.status_code == 303
            assert await self._role_of(admin, DEE) == (Role.DUTY, "Scarborough")

    async def test_whose_an_account_is_is_not_told(
        self, admin: Hub, otto: httpx.AsyncClient
    ) -> None:
        page = "/admin/staff/new"
        answers = [
            await _post(otto, page, page, name="Rae", telegram_id=str(taken), role="slt")
            for taken in (JO, ASH, SAM)  # this hub's worker, another hub's, a young person
        ]
        # The same page but for the number typed and the form's token.
        texts = {re.sub(r'value="[^"]*"', "", a.text) for a in answers}
        assert len(texts) == 1
        assert all(a.status_code == 400 for a in answers)
        assert 'id="problem-staff_account_taken"' in answers[0].text
        assert "young person" not in answers[0].text.split("problem-staff_account_taken")[1][:200]
        assert await _audited(admin, "staff.add_refused") == [(admin.ids[OTTO], None, None)] * 3


class TestYoungPeople:
    async def test_a_young_person_is_given_a_new_key_worker(
        self, admin: Hub, otto: httpx.AsyncClient
    ) -> None:
        sam = (await admin.young_person(SAM)).young_person_id
        page = await otto.get("/admin/young-people")
        assert f'id="young-person-{sam}"' in page.text
        action = f"/admin/young-people/{sam}/reassign"
        missing = await _post(otto, "/admin/young-people", action, worker="")
        assert missing.status_code == 400
        assert f'href="#worker-{sam}"' in missing.text
        answer = await _post(otto, "/admin/young-people", action, worker=str(admin.ids[LEE]))
        assert answer.status_code == 303
        after = await otto.get(answer.headers["location"])
        assert 'id="done-reassigned"' in after.text
        assert f'data-worker="{admin.ids[LEE]}"' in after.text
        assert await _audited(admin, "young_person.reassigned") == [
            (admin.ids[OTTO], "young_person", sam)
        ]
        assert "staff_young_person_reassigned" in await admin.keys(LEE)

    async def test_every_young_person_shown_is_an_audited_look(
        self, admin: Hub, otto: httpx.AsyncClient
    ) -> None:
        await otto.get("/admin/young-people")
        sam = (await admin.young_person(SAM)).young_person_id
        assert await _audited(admin, "console.young_person_admin_viewed") == [
            (admin.ids[OTTO], "young_person", sam)
        ]


class TestInvites:
    async def test_an_open_invite_is_listed_and_withdrawn(
        self, admin: Hub, otto: httpx.AsyncClient
    ) -> None:
        invite = await do_create_invite(
            admin.uow(), worker_telegram_id=LEE, first_name="Kai", now=admin.clock()
        )
        page = await otto.get("/admin/invites")
        assert "Kai" in page.text
        assert invite.code not in page.text
        found = re.search(r'id="invite-(\d+)"', page.text)
        assert found is not None
        number = found.group(1)
        answer = await _post(otto, "/admin/invites", f"/admin/invites/{number}/revoke")
        assert answer.status_code == 303
        after = await otto.get(answer.headers["location"])
        assert 'id="done-revoked"' in after.text
        assert 'id="no-invites"' in after.text
        assert await _audited(admin, "invite.revoked") == [
            (admin.ids[OTTO], "invite", int(number))
        ]
        again = await _post(otto, "/admin/invites", f"/admin/invites/{number}/revoke")
        assert again.status_code == 400
        assert 'id="problem-invite_not_open"' in again.text


class TestRefusals:
    async def test_the_council_settings_are_shown_with_a_form_to_change_them(
        self, admin: Hub, otto: httpx.AsyncClient
    ) -> None:
        page = await otto.get("/admin/council")
        assert page.status_code == 200
        assert 'id="council-settings"' in page.text
        assert 'action="/admin/council"' in page.text  # tests/integration/test_console_council.py

    async def test_a_key_worker_is_refused_every_page_and_action(self, admin: Hub) -> None:
        sam = (await admin.young_person(SAM)).young_person_id
        async with _browser(admin) as jo:
            await _sign_in(admin, jo, JO)
            token = _csrf(await jo.get("/caseload"))
            assert "/admin/staff" not in (await jo.get("/caseload")).text
            for page in (*PAGES, "/admin/staff/new", f"/admin/staff/{admin.ids[LEE]}"):
                assert (await jo.get(page)).status_code == 403, page
            for action, form in (
                ("/admin/staff/new", {"name": "Rae", "telegram_id": "1701", "role": "duty"}),
                (f"/admin/staff/{admin.ids[LEE]}/leave", {}),
                (f"/admin/staff/{admin.ids[LEE]}/move", {"role": "duty"}),
                (f"/admin/young-people/{sam}/reassign", {"worker": str(admin.ids[LEE])}),
                ("/admin/invites/1/revoke", {}),
            ):
                answer = await jo.post(action, data={"csrf_token": token, **form})
                assert answer.status_code == 403, action
        async with admin.uow() as uow:
            lee = await uow.staff.get(admin.ids[LEE])
            assert lee is not None
            assert (lee.active, lee.role) == (True, Role.KEY_WORKER)
            assert await uow.staff.by_telegram_id(1701) is None
        assert await _audited(admin, "young_person.reassigned") == []

    async def test_another_hubs_manager_sees_none_of_this_hub(self, admin: Hub) -> None:
        await admin.staff(ASH, role=Role.MANAGER)
        sam = (await admin.young_person(SAM)).young_person_id
        async with _browser(admin) as ash:
            await _sign_in(admin, ash, ASH)
            page = await ash.get("/admin/young-people")
            assert page.status_code == 200
            assert f'id="young-person-{sam}"' not in page.text
            assert f'id="staff-{admin.ids[JO]}"' not in (await ash.get("/admin/staff")).text
            action = f"/admin/young-people/{sam}/reassign"
            answer = await _post(ash, "/admin/young-people", action, worker=str(admin.ids[LEE]))
            assert answer.status_code == 400
        assert await _audited(admin, "young_person.reassigned") == []

    async def test_a_change_without_the_csrf_token_is_refused(
        self, admin: Hub, otto: httpx.AsyncClient
    ) -> None:
        jo = admin.ids[JO]
        assert (await otto.post(f"/admin/staff/{jo}/leave")).status_code == 403
        wrong = {"csrf_token": "x" * 43}
        assert (await otto.post(f"/admin/staff/{jo}/leave", data=wrong)).status_code == 403
        token = _csrf(await otto.get("/admin/staff"))
        elsewhere = {"Origin": "https://evil.example"}
        answer = await otto.post(
            f"/admin/staff/{jo}/leave", data={"csrf_token": token}, headers=elsewhere
        )
        assert answer.status_code == 403
        assert await _audited(admin, "staff.left") == []

    async def test_signed_out_every_page_goes_to_sign_in(self, admin: Hub) -> None:
        async with _browser(admin) as nobody:
            for page in PAGES:
                answer = await nobody.get(page)
                assert (answer.status_code, answer.headers["location"]) == (303, "/signed-out")


class TestUndelivered:
    async def test_a_failed_message_is_listed_without_words_and_sent_again(
        self, admin: Hub, otto: httpx.AsyncClient
    ) -> None:
        [*_, message] = await admin.queued(JO)
        await admin.blocked(message.id)
        page = await otto.get("/admin/undelivered")
        assert page.status_code == 200
        assert f'id="message-{message.id}"' in page.text
        assert message.text not in page.text
        action = f"/admin/undelivered/{message.id}/retry"
        answer = await _post(otto, "/admin/undelivered", action)
        assert answer.status_code == 303
        after = await otto.get(answer.headers["location"])
        assert 'id="done-retried"' in after.text
        assert await _audited(admin, "outbox.retried") == [(admin.ids[OTTO], "outbox", message.id)]
        again = await _post(otto, "/admin/undelivered", action)
        assert again.status_code == 400
        assert 'id="problem-outbox_not_retryable"' in again.text

    async def test_not_sent_again_to_someone_who_left_nor_another_hubs(
        self, admin: Hub, otto: httpx.AsyncClient
    ) -> None:
        concern_id = await admin.raise_concern()
        [alert] = [m for m in await admin.queued(JO) if m.concern_id == concern_id]
        await admin.blocked(alert.id)
        await admin.staff(JO, active=False)  # left without offboarding clearing the words
        action = f"/admin/undelivered/{alert.id}/retry"
        answer = await _post(otto, "/admin/undelivered", action)
        assert answer.status_code == 400
        assert 'id="problem-outbox_recipient_gone"' in answer.text
        await admin.staff(ASH, role=Role.MANAGER)
        await do_create_invite(
            admin.uow(), worker_telegram_id=LEE, first_name="Kai", now=admin.clock()
        )
        async with admin.uow() as uow:
            invite_id = max(await uow.session.scalars(select(Invite.id)))
        async with _browser(admin) as ash:
            await _sign_in(admin, ash, ASH)
            for other in (action, f"/admin/invites/{invite_id}/revoke"):
                refused = await _post(ash, "/admin/undelivered", other)
                assert refused.status_code == 404, other
        async with admin.uow() as uow:
            row = await uow.session.get(OutboxMessage, alert.id)
            assert row is not None
            assert row.state == DeliveryState.FAILED
        assert await _audited(admin, "outbox.retried") == []
        assert await _audited(admin, "invite.revoked") == []
        assert await _audited(admin, "outbox.retry_refused") == [
            (admin.ids[OTTO], "outbox", alert.id)
        ]

    async def test_a_key_worker_is_refused(self, admin: Hub) -> None:
        [*_, message] = await admin.queued(JO)
        await admin.blocked(message.id)
        async with _browser(admin) as lee:
            await _sign_in(admin, lee, LEE)
            token = _csrf(await lee.get("/caseload"))
            assert (await lee.get("/admin/undelivered")).status_code == 403
            action = f"/admin/undelivered/{message.id}/retry"
            assert (await lee.post(action, data={"csrf_token": token})).status_code == 403
        assert await _audited(admin, "outbox.retried") == []


class TestAuditLog:
    async def test_the_log_is_filtered_paged_and_its_reading_audited(
        self, admin: Hub, otto: httpx.AsyncClient
    ) -> None:
        jo = admin.ids[JO]
        await _post(otto, f"/admin/staff/{jo}/leave", f"/admin/staff/{jo}/leave")
        page = await otto.get("/admin/audit", params={"kind": "staff"})
        assert page.status_code == 200
        assert 'data-action="staff.left"' in page.text
        assert 'data-action="console.staff_listed"' not in page.text
        sam = (await admin.young_person(SAM)).young_person_id
        theirs = await otto.get("/admin/audit", params={"young_person": str(sam)})
        assert 'data-action="staff.left"' not in theirs.text
        assert 'data-action="young_person.linked"' in theirs.text
        today = admin.clock().date().isoformat()
        tomorrow = (admin.clock() + timedelta(days=1)).date().isoformat()
        empty = await otto.get("/admin/audit", params={"since": tomorrow})
        assert 'id="no-lines"' in empty.text
        dated = await otto.get("/admin/audit", params={"since": today, "until": today})
        assert 'data-action="staff.left"' in dated.text
        assert await _audited(admin, "console.audit_viewed")

    async def test_a_bad_date_is_explained(self, admin: Hub, otto: httpx.AsyncClient) -> None:
        page = await otto.get("/admin/audit", params={"since": "yesterday"})
        assert page.status_code == 400
        assert 'href="#since"' in page.text
        backwards = await otto.get(
            "/admin/audit", params={"since": "2026-03-04", "until": "2026-03-01"}
        )
        assert backwards.status_code == 400
        assert 'href="#until"' in backwards.text

    async def test_pages_follow_on(self, admin: Hub, otto: httpx.AsyncClient) -> None:
        for _ in range(PAGE_SIZE):
            await otto.get("/admin/council")
        first = await otto.get("/admin/audit", params={"kind": "console"})
        assert 'id="next-page"' in first.text
        assert 'id="previous-page"' not in first.text
        second = await otto.get("/admin/audit", params={"kind": "console", "page": "2"})
        assert 'id="previous-page"' in second.text
        assert "kind=console" in second.text

    async def test_another_hubs_manager_sees_none_of_it(self, admin: Hub) -> None:
        await admin.staff(ASH, role=Role.MANAGER)
        async with _browser(admin) as ash:
            await _sign_in(admin, ash, ASH)
            page = await ash.get("/admin/audit")
        assert page.status_code == 200
        assert 'data-action="young_person.linked"' not in page.text
