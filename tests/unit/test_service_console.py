"""Signing in to the staff console and its caseload, against the fake unit of work: the
link is queued to the member of staff with only its hash kept, it signs in once, sessions
end, and each role's caseload lists whom the rules allow, every look audited."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from bot.domain.console import token_hash
from bot.domain.errors import NotForTheirRole, NotStaff
from bot.services.caseload import PageNotForRole, Reach, do_view_caseload
from bot.services.console_login import (
    IssueLink,
    LinkRefused,
    SessionRefused,
    check_link,
    check_session,
    do_issue_link,
    do_redeem_link,
    do_sign_out,
    do_sign_out_everywhere,
)
from bot.services.offboarding import do_leave
from bot.services.retention import do_forget_old
from tests.unit.conftest import ASH, CAL, DEE, JO, LEE, MAX, OONA, OTTO, PAT, SAM, SUE, World

CONSOLE = "https://console.example.org"


async def _token(world: World, telegram_id: int = JO) -> str:
    actor = await world.staff_actor(telegram_id)
    await do_issue_link(world.uow(), actor, IssueLink(CONSOLE + "/"), now=world.now())
    message = world.queued(telegram_id)[-1]
    assert message.message_key == "console_link"
    assert message.values["minutes"] == "10"
    found = re.fullmatch(
        re.escape(CONSOLE) + r"/login/([A-Za-z0-9_-]{43})", message.values["link"]
    )
    assert found is not None
    return found.group(1)


class TestLinks:
    async def test_a_link_is_queued_to_them_and_only_its_hash_kept(self, world: World) -> None:
        token = await _token(world)
        [link] = world.store.tables.console_links
        assert link.token_hash == token_hash(token)
        assert link.staff_id == world.ids[JO]
        assert link.expires_at == world.now() + timedelta(minutes=10)
        assert [e.action for e in world.audited("console.link_issued")] == ["console.link_issued"]

    async def test_looking_at_a_link_uses_nothing_up(self, world: World) -> None:
        token = await _token(world)
        await check_link(world.uow(), token, now=world.now())
        await check_link(world.uow(), token, now=world.now())
        signed_in = await do_redeem_link(world.uow(), token, now=world.now())
        assert signed_in.staff.staff_id == world.ids[JO]

    async def test_a_link_signs_in_once(self, world: World) -> None:
        token = await _token(world)
        await do_redeem_link(world.uow(), token, now=world.now())
        with pytest.raises(LinkRefused):
            await do_redeem_link(world.uow(), token, now=world.now())
        with pytest.raises(LinkRefused):
            await check_link(world.uow(), token, now=world.now())

    async def test_a_late_or_forged_link_is_refused(self, world: World) -> None:
        token = await _token(world)
        with pytest.raises(LinkRefused):
            await do_redeem_link(world.uow(), token + "x", now=world.now())
        world.clock.advance(timedelta(minutes=10))
        with pytest.raises(LinkRefused):
            await do_redeem_link(world.uow(), token, now=world.now())

    async def test_a_link_for_someone_who_left_is_refused(self, world: World) -> None:
        token = await _token(world)
        world.change_staff(JO, active=False)
        with pytest.raises(LinkRefused):
            await check_link(world.uow(), token, now=world.now())
        with pytest.raises(LinkRefused):
            await do_redeem_link(world.uow(), token, now=world.now())

    async def test_police_liaison_get_a_link_for_the_summaries_shared_with_them(
        self, world: World
    ) -> None:
        await do_issue_link(
            world.uow(), await world.staff_actor(PAT), IssueLink(CONSOLE), now=world.now()
        )
        assert len(world.store.tables.console_links) == 1

    async def test_a_member_of_staff_who_left_gets_no_link(self, world: World) -> None:
        actor = await world.staff_actor(PAT)
        world.change_staff(PAT, active=False)
        with pytest.raises((NotForTheirRole, NotStaff, LinkRefused)):
            await do_issue_link(world.uow(), actor, IssueLink(CONSOLE), now=world.now())
        assert world.store.tables.console_links == []


class TestSessions:
    async def test_a_session_is_checked_and_touched_on_each_request(self, world: World) -> None:
        signed_in = await do_redeem_link(world.uow(), await _token(world), now=world.now())
        [row] = world.store.tables.console_sessions
        assert row.session_hash == token_hash(signed_in.session_id)
        world.clock.advance(timedelta(minutes=20))
        user = await check_session(world.uow(), signed_in.session_id, now=world.now())
        assert user.csrf_token == signed_in.csrf_token
        assert world.store.tables.console_sessions[0].last_seen_at == world.now()
        world.clock.advance(timedelta(minutes=29))
        await check_session(world.uow(), signed_in.session_id, now=world.now())
        world.clock.advance(timedelta(minutes=30))
        with pytest.raises(SessionRefused):
            await check_session(world.uow(), signed_in.session_id, now=world.now())

    async def test_signing_out_ends_one_session(self, world: World) -> None:
        phone = await do_redeem_link(world.uow(), await _token(world), now=world.now())
        office = await do_redeem_link(world.uow(), await _token(world), now=world.now())
        await do_sign_out(world.uow(), phone.session_id, now=world.now())
        with pytest.raises(SessionRefused):
            await check_session(world.uow(), phone.session_id, now=world.now())
        await check_session(world.uow(), office.session_id, now=world.now())

    async def test_console_off_ends_them_all_and_says_so(self, world: World) -> None:
        sessions = [
            await do_redeem_link(world.uow(), await _token(world), now=world.now())
            for _ in range(2)
        ]
        actor = await world.staff_actor(JO)
        assert await do_sign_out_everywhere(world.uow(), actor, now=world.now()) == 2
        for session in sessions:
            with pytest.raises(SessionRefused):
                await check_session(world.uow(), session.session_id, now=world.now())
        assert world.keys(JO)[-1] == "console_signed_out"

    async def test_links_and_sessions_that_ran_out_are_forgotten(self, world: World) -> None:
        await do_redeem_link(world.uow(), await _token(world), now=world.now())
        await _token(world)
        world.clock.advance(timedelta(minutes=10))
        await do_forget_old(world.uow(), now=world.now())
        assert world.store.tables.console_links == []
        assert len(world.store.tables.console_sessions) == 1
        world.clock.advance(timedelta(hours=8))
        await do_forget_old(world.uow(), now=world.now())
        assert world.store.tables.console_sessions == []

    async def test_leaving_refuses_their_session_at_once(self, world: World) -> None:
        signed_in = await do_redeem_link(world.uow(), await _token(world), now=world.now())
        await do_leave(world.uow(), JO, reassign_to=LEE, now=world.now())
        with pytest.raises(SessionRefused):
            await check_session(world.uow(), signed_in.session_id, now=world.now())
        assert world.store.tables.console_sessions[0].ended_at == world.now()


async def _names(world: World, telegram_id: int) -> list[str]:
    page = await do_view_caseload(
        world.uow(), await world.staff_actor(telegram_id), now=world.now()
    )
    return [row.first_name for row in page.rows]


class TestCaseload:
    @pytest.mark.parametrize(
        ("telegram_id", "sees_sam"),
        [
            (JO, True),  # Sam's key worker
            (LEE, False),  # a key worker at Sam's hub, not Sam's
            (CAL, False),  # a life coach who does not coach Sam
            (DEE, True),  # the hub's duty worker
            (MAX, True),  # its manager
            (SUE, True),  # its speech and language therapist
            (OTTO, True),  # its operator (staff and workers: no concerns, no goals)
            (OONA, False),  # the out-of-hours team, at another hub
            (ASH, False),  # a key worker at another hub
        ],
    )
    async def test_each_role_sees_whom_the_rules_allow(
        self, world: World, telegram_id: int, sees_sam: bool
    ) -> None:
        assert (await _names(world, telegram_id) == ["Sam"]) is sees_sam

    async def test_a_coach_and_a_cover_see_their_young_people(self, world: World) -> None:
        [sam] = [p for p in world.store.tables.young_people if p.telegram_user_id == SAM]
        sam.life_coach_id = world.ids[CAL]
        assert await _names(world, CAL) == ["Sam"]
        world.change_staff(JO, away=True, cover_id=world.ids[LEE])
        assert await _names(world, LEE) == ["Sam"]

    async def test_police_liaison_have_no_caseload(self, world: World) -> None:
        with pytest.raises(PageNotForRole):
            await do_view_caseload(world.uow(), await world.staff_actor(PAT), now=world.now())

    async def test_a_row_holds_only_what_the_viewer_may_see(self, world: World) -> None:
        await world.raise_concern()
        jo = await do_view_caseload(world.uow(), await world.staff_actor(JO), now=world.now())
        [row] = jo.rows
        assert (row.reach, row.open_concerns, row.goals_under_way) == (Reach.REACHABLE, 1, 0)
        sue = await do_view_caseload(world.uow(), await world.staff_actor(SUE), now=world.now())
        [row] = sue.rows
        assert (row.open_concerns, row.goals_under_way) == (None, None)
        assert row.columns.sessions

    async def test_each_young_person_shown_is_an_audited_look(self, world: World) -> None:
        await do_view_caseload(world.uow(), await world.staff_actor(JO), now=world.now())
        [look] = world.audited("console.caseload_viewed")
        [sam] = [p for p in world.store.tables.young_people if p.telegram_user_id == SAM]
        assert (look.subject_type, look.subject_id, look.actor_type, look.actor_id) == (
            "young_person", sam.id, "staff", world.ids[JO]
        )  # fmt: skip
