"""Inviting a young person and linking them when they open the link, against the fake: what
is refused, what the audit trail says about why, and the brake on guessing codes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain import guessing
from bot.domain.errors import (
    AlreadyLinked,
    BadFirstName,
    CodeRefused,
    MayNotManageStaff,
    NotStaff,
    RoleMayNotInvite,
    StaffCannotJoin,
)
from bot.domain.invites import INVITE_LIFETIME, deep_link, hash_code, new_code
from bot.services.console_invites import do_view_invite_form
from bot.services.invites import InviteCreated, do_create_invite, do_redeem_invite
from tests.unit.conftest import ASH, DEE, JO, MAX, OTTO, SAM, STRANGER, World

TIA = 2002


async def _invite(world: World, name: str = "Tia", *, by: int = JO) -> InviteCreated:
    return await do_create_invite(
        world.uow(), worker_telegram_id=by, first_name=name, now=world.now()
    )


async def _redeem(world: World, code: str, *, by: int = TIA) -> None:
    await do_redeem_invite(world.uow(), telegram_user_id=by, code=code, now=world.now())


def _refusals(world: World) -> list[str]:
    return [a for a in world.store.audit_actions() if a.startswith("invite.refused.")]


class TestCreating:
    async def test_a_key_worker_creates_an_invite_and_only_its_hash_is_kept(
        self, world: World
    ) -> None:
        created = await _invite(world)
        [invite] = world.store.tables.invites
        assert invite.code_hash == hash_code(created.code) != created.code
        assert (invite.worker_id, invite.first_name) == (world.ids[JO], "Tia")
        assert created.expires_at == invite.expires_at == world.now() + INVITE_LIFETIME
        assert "invite.created" in world.store.audit_actions()

    async def test_with_the_bots_name_the_link_is_sent_to_the_worker(self, world: World) -> None:
        created = await do_create_invite(
            world.uow(), worker_telegram_id=JO, first_name="Tia", now=world.now(),
            send_link_as="waypoint_bot",
        )  # fmt: skip
        [sent] = world.queued(JO)
        assert sent.message_key == "invite_created"
        assert sent.values["link"] == deep_link("waypoint_bot", created.code)
        assert sent.invite_id == world.store.tables.invites[0].id

    @pytest.mark.parametrize("role_holder", [DEE, MAX])
    async def test_only_key_workers_may_invite(self, world: World, role_holder: int) -> None:
        with pytest.raises(RoleMayNotInvite):
            await _invite(world, by=role_holder)
        assert world.store.tables.invites == []

    async def test_someone_who_is_not_staff_or_has_left_may_not_invite(self, world: World) -> None:
        with pytest.raises(NotStaff):
            await _invite(world, by=STRANGER)
        world.change_staff(JO, active=False)
        with pytest.raises(NotStaff):
            await _invite(world)

    async def test_a_first_name_that_is_not_a_name_is_refused(self, world: World) -> None:
        with pytest.raises(BadFirstName):
            await _invite(world, "1234")
        assert world.store.tables.invites == []


class TestRedeeming:
    async def test_opening_the_link_links_the_young_person_and_tells_both(
        self, world: World
    ) -> None:
        created = await _invite(world)
        linked = await do_redeem_invite(
            world.uow(), telegram_user_id=TIA, code=created.code, now=world.now()
        )
        assert (linked.young_person.first_name, linked.worker_telegram_id) == ("Tia", JO)
        [tia] = [p for p in world.store.tables.young_people if p.telegram_user_id == TIA]
        assert tia.key_worker_id == world.ids[JO]
        assert world.keys(TIA) == ["welcome"]
        [joined] = world.queued(JO)
        assert (joined.message_key, joined.about_id) == ("young_person_joined", tia.id)
        assert world.store.tables.invites[0].young_person_id == tia.id

    async def test_a_used_code_is_refused_to_anyone_else(self, world: World) -> None:
        created = await _invite(world)
        await _redeem(world, created.code)
        with pytest.raises(CodeRefused):
            await _redeem(world, created.code, by=2003)
        assert _refusals(world) == ["invite.refused.used"]

    async def test_a_code_is_refused_once_it_has_expired(self, world: World) -> None:
        created = await _invite(world)
        world.clock.advance(INVITE_LIFETIME)
        with pytest.raises(CodeRefused):
            await _redeem(world, created.code)
        assert _refusals(world) == ["invite.refused.expired"]
        assert [p.first_name for p in world.store.tables.young_people] == ["Sam"]

    async def test_a_withdrawn_code_is_refused(self, world: World) -> None:
        created = await _invite(world)
        world.store.tables.invites[0].revoked_at = world.now()
        with pytest.raises(CodeRefused):
            await _redeem(world, created.code)
        assert _refusals(world) == ["invite.refused.revoked"]

    async def test_a_code_from_a_worker_who_has_left_is_refused(self, world: World) -> None:
        created = await _invite(world)
        world.change_staff(JO, active=False)
        with pytest.raises(CodeRefused):
            await _redeem(world, created.code)
        assert _refusals(world) == ["invite.refused.worker_left"]

    @pytest.mark.parametrize("code", ["not a code", "x" * 20])
    async def test_a_wrong_code_is_refused_as_unknown(self, world: World, code: str) -> None:
        await _invite(world)
        with pytest.raises(CodeRefused):
            await _redeem(world, code)
        assert _refusals(world) == ["invite.refused.unknown"]

    async def test_an_account_already_linked_is_told_whose_it_is(self, world: World) -> None:
        created = await _invite(world)
        with pytest.raises(AlreadyLinked) as refused:
            await _redeem(world, created.code, by=SAM)
        assert refused.value.values == {"worker": "Jo"}
        assert world.store.tables.invites[0].used_at is None

    async def test_staff_cannot_join_as_a_young_person(self, world: World) -> None:
        created = await _invite(world)
        with pytest.raises(StaffCannotJoin):
            await _redeem(world, created.code, by=DEE)


class TestGuessing:
    async def test_after_five_wrong_codes_even_the_right_one_waits_out_the_pause(
        self, world: World
    ) -> None:
        created = await _invite(world)
        for _ in range(guessing.FREE_FAILURES):
            with pytest.raises(CodeRefused):
                await _redeem(world, new_code())
        with pytest.raises(CodeRefused):
            await _redeem(world, created.code)
        # While paused, the code was not even looked up.
        assert len(_refusals(world)) == guessing.FREE_FAILURES
        world.clock.advance(guessing.FIRST_PAUSE)
        await _redeem(world, created.code)
        assert world.keys(TIA) == ["welcome"]

    async def test_each_further_mistake_doubles_the_pause(self, world: World) -> None:
        for _ in range(guessing.FREE_FAILURES):
            with pytest.raises(CodeRefused):
                await _redeem(world, new_code())
        world.clock.advance(guessing.FIRST_PAUSE)
        with pytest.raises(CodeRefused):
            await _redeem(world, new_code())
        [attempts] = world.store.tables.code_attempts.values()
        assert attempts.blocked_until == world.now() + 2 * guessing.FIRST_PAUSE

    async def test_a_right_code_forgets_earlier_mistakes(self, world: World) -> None:
        created = await _invite(world)
        for _ in range(3):
            with pytest.raises(CodeRefused):
                await _redeem(world, new_code())
        await _redeem(world, created.code)
        assert world.store.tables.code_attempts == {}

    async def test_mistakes_are_kept_only_under_a_pseudonym_and_forgotten_in_time(
        self, world: World
    ) -> None:
        with pytest.raises(CodeRefused):
            await _redeem(world, new_code())
        assert list(world.store.tables.code_attempts) == [guessing.subject_key(TIA)]
        world.clock.advance(guessing.WINDOW + timedelta(minutes=1))
        created = await _invite(world)
        await _redeem(world, created.code, by=2003)
        assert world.store.tables.code_attempts == {}


class TestMakingOneForAKeyWorker:
    """The console's *Invite links*: a manager or operator chooses the key worker."""

    async def _for(self, world: World, by: int, worker: int) -> InviteCreated:
        return await do_create_invite(
            world.uow(), worker_telegram_id=by, first_name="Tia", now=world.now(),
            for_worker_id=world.ids[worker], link_as="waypoint_bot",
        )  # fmt: skip

    async def test_an_operator_makes_one_for_jo_with_the_link_shown_once(
        self, world: World
    ) -> None:
        created = await self._for(world, OTTO, JO)
        [invite] = world.store.tables.invites
        assert invite.worker_id == world.ids[JO]
        assert created.link == deep_link("waypoint_bot", created.code)
        [event] = [e for e in world.store.tables.audit if e.action == "invite.created"]
        assert event.actor_id == world.ids[OTTO]
        assert world.queued(JO) == []  # shown on the page only, not sent again

    async def test_a_manager_may_not_choose_another_hubs_worker(self, world: World) -> None:
        with pytest.raises(MayNotManageStaff):
            await self._for(world, MAX, ASH)
        assert world.store.tables.invites == []

    async def test_a_key_worker_may_not_make_one_for_a_colleague(self, world: World) -> None:
        with pytest.raises(MayNotManageStaff):
            await self._for(world, ASH, JO)
        with pytest.raises(MayNotManageStaff):
            await self._for(world, DEE, JO)
        assert world.store.tables.invites == []

    async def test_only_a_key_worker_can_be_chosen(self, world: World) -> None:
        with pytest.raises(RoleMayNotInvite):
            await self._for(world, OTTO, DEE)
        assert world.store.tables.invites == []


class TestTheConsolesForm:
    async def test_an_operator_chooses_among_the_hubs_key_workers(self, world: World) -> None:
        form = await do_view_invite_form(
            world.uow(), await world.staff_actor(OTTO), now=world.now()
        )
        assert [w.name for w in form.workers] == ["Jo", "Lee"]
        assert form.zone == "Europe/London"

    async def test_a_key_worker_makes_links_only_for_themselves(self, world: World) -> None:
        form = await do_view_invite_form(
            world.uow(), await world.staff_actor(ASH), now=world.now()
        )
        assert [(w.name, w.you) for w in form.workers] == [("Ash", True)]

    async def test_a_duty_worker_makes_none(self, world: World) -> None:
        with pytest.raises(MayNotManageStaff):
            await do_view_invite_form(world.uow(), await world.staff_actor(DEE), now=world.now())
