"""Off-boarding on a controllable clock, on SQLite and PostgreSQL: a worker who leaves gets
nothing more, their links die, what waited on them moves on at once, their young people get a
new worker who is told; only the hub's managers and operators may do it, and only there."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import pytest
from sqlalchemy import select

from bot.adapters.db.models import AuditEvent, Invite, Staff, YoungPerson
from bot.domain.actors import KnownStaff
from bot.domain.errors import CodeRefused, StillNamedWorker
from bot.domain.people import Role
from bot.services import staff_admin
from bot.services.invite_admin import do_revoke_invite, open_invites
from bot.services.invites import do_create_invite, do_redeem_invite
from bot.services.offboarding import Left, Reassigned, do_leave, do_move, do_reassign
from bot.services.staff import NewStaff, do_add_staff
from bot.services.staff_admin import MoveAsked, ReassignAsked
from tests.integration.concern_world import ASH, JO, LEE, MAX, SAM, Hub, hub

__all__ = ["hub"]
T = TypeVar("T")
ALEX = 2002
OPAL = 1601  # the Harrogate hub's operator


async def _leave(hub: Hub, name: str, *, by: int = MAX) -> Left | None:
    """`/leave name` from `by`; None when refused (the refusal is told to them)."""
    return await hub.as_staff(
        by, lambda actor: staff_admin.do_leave_command(hub.uow(), actor, name, now=hub.clock())
    )


async def _reassign(hub: Hub, who: str, worker: str) -> Reassigned | None:
    asked = ReassignAsked(who, worker)
    return await hub.as_staff(
        MAX,
        lambda actor: staff_admin.do_reassign_command(hub.uow(), actor, asked, now=hub.clock()),
    )


async def _as_max(hub: Hub, act: Callable[[KnownStaff], Awaitable[T]]) -> T | None:
    return await hub.as_staff(MAX, act)


async def _member(hub: Hub, telegram_id: int) -> Staff:
    async with hub.uow() as uow:
        found = await uow.staff.by_telegram_id(telegram_id)
        assert found is not None
        uow.session.expunge_all()
        return found


async def _sam(hub: Hub) -> YoungPerson:
    async with hub.uow() as uow:
        found = await uow.young_people.by_telegram_id(SAM)
        assert found is not None
        uow.session.expunge_all()
        return found


async def _invite(hub: Hub, worker: int, name: str) -> tuple[int, str]:
    """A link from `worker`, sent to them in Telegram too; returns its id and code."""
    made = await do_create_invite(
        hub.uow(), worker_telegram_id=worker, first_name=name, now=hub.clock(),
        send_link_as="waypoint_demo_bot",
    )  # fmt: skip
    async with hub.uow() as uow:
        invite = await uow.session.scalar(select(Invite).order_by(Invite.id.desc()).limit(1))
        assert invite is not None
        return invite.id, made.code


async def _actions(hub: Hub) -> list[str]:
    async with hub.uow() as uow:
        return list(await uow.session.scalars(select(AuditEvent.action)))


class TestLeaving:
    async def test_nothing_more_goes_to_a_worker_who_left(self, hub: Hub) -> None:
        await _invite(hub, JO, "Alex")
        before = await hub.queued(JO)
        assert {row.state for row in before} == {"pending"}
        assert await _leave(hub, "Jo")
        after = await hub.queued(JO)
        assert {(row.state, row.last_error, row.text) for row in after} == {("failed", "left", "")}
        assert not (await _member(hub, JO)).active

        await hub.raise_concern()
        await hub.tick(minutes=30)
        assert len(await hub.queued(JO)) == len(before)
        # The young person is told who really has their message: duty, not the worker who left.
        assert (await hub.alerted())[0] == "duty: Dee"
        raised_keys = {"concern_raised", "concern_raised_no_words"}
        raised = [r.text for r in await hub.queued(SAM) if r.message_key in raised_keys]
        assert "Dee" in "\n".join(raised)

    async def test_their_open_invite_link_no_longer_works(self, hub: Hub) -> None:
        invite_id, code = await _invite(hub, JO, "Alex")
        await _leave(hub, "Jo")
        with pytest.raises(CodeRefused):
            await do_redeem_invite(hub.uow(), telegram_user_id=ALEX, code=code, now=hub.clock())
        async with hub.uow() as uow:
            invite = await uow.invites.get(invite_id)
            assert invite is not None
            assert invite.revoked_at is not None
        assert {"staff.left", "invite.revoked"} <= set(await _actions(hub))

    async def test_a_concern_waiting_on_them_is_looked_at_at_once_and_reaches_duty(
        self, hub: Hub
    ) -> None:
        concern_id = await hub.raise_concern()
        assert await hub.alerted() == ["named_worker: Jo"]
        await _leave(hub, "Jo")
        assert (await hub.concern(concern_id)).next_step_at == hub.clock()
        # Not ten minutes later: at once.
        assert await hub.tick(minutes=0) == 1
        assert await hub.alerted() == ["named_worker: Jo", "duty: Dee"]
        assert "staff_left" in await hub.events(concern_id)
        assert (await hub.keys(SAM))[-1] == "concern_passed_on"

    async def test_a_concern_they_acknowledged_goes_back_on_the_ladder(self, hub: Hub) -> None:
        concern_id = await hub.raise_concern()
        await hub.acknowledge(JO, concern_id)
        await _leave(hub, "Jo")
        assert await hub.tick(minutes=0) == 1
        assert (await hub.concern(concern_id)).state == "open"
        assert "reopened" in await hub.events(concern_id)
        assert (await hub.alerted())[-1] == "duty: Dee"

    async def test_a_concern_already_past_them_keeps_its_time(self, hub: Hub) -> None:
        concern_id = await hub.raise_concern()
        await hub.tick(minutes=10)
        due = (await hub.concern(concern_id)).next_step_at
        await _leave(hub, "Jo")
        assert (await hub.concern(concern_id)).next_step_at == due

    async def test_whoever_they_covered_for_stays_away_and_their_alerts_go_to_duty(
        self, hub: Hub
    ) -> None:
        await hub.staff(LEE, away=True, cover_id=hub.ids[JO])
        await _leave(hub, "Jo")
        lee = await _member(hub, LEE)
        assert (lee.away, lee.cover_id) == (True, None)

    async def test_the_manager_hears_who_needs_a_new_worker(self, hub: Hub) -> None:
        left = await _leave(hub, "Jo")
        assert left is not None
        assert [person.first_name for person in left.still_linked] == ["Sam"]

    async def test_their_young_people_can_go_to_a_new_worker_in_the_same_step(
        self, hub: Hub
    ) -> None:
        left = await do_leave(hub.uow(), JO, now=hub.clock(), reassign_to=LEE)
        assert (left.reassigned_to, left.reassigned, left.still_linked) == ("Lee", ("Sam",), ())
        assert (await _sam(hub)).key_worker_id == hub.ids[LEE]
        assert (await hub.keys(SAM))[-1] == "young_person_new_worker"
        assert await hub.keys(LEE) == ["staff_young_person_reassigned"]
        assert await hub.keys(JO) == ["young_person_joined"]


class TestReassigning:
    async def test_the_young_person_and_both_workers_are_told(self, hub: Hub) -> None:
        assert await _reassign(hub, "Sam", "Lee")
        sam = await _sam(hub)
        assert sam.key_worker_id == hub.ids[LEE]
        [told] = [r for r in await hub.queued(SAM) if r.message_key == "young_person_new_worker"]
        assert "Lee" in told.text
        assert await hub.keys(LEE) == ["staff_young_person_reassigned"]
        assert (await hub.keys(JO))[-1] == "staff_young_person_moved_on"
        assert await hub.keys(MAX) == []  # the answer to Max is the channel's to give
        assert "young_person.reassigned" in await _actions(hub)

    async def test_a_worker_who_left_is_not_told(self, hub: Hub) -> None:
        await _leave(hub, "Jo")
        before = await hub.keys(JO)
        await _reassign(hub, "Sam", "Lee")
        assert await hub.keys(JO) == before
        assert (await hub.keys(SAM))[-1] == "young_person_new_worker"

    async def test_only_a_key_worker_can_be_named(self, hub: Hub) -> None:
        await _reassign(hub, "Sam", "Dee")
        assert (await hub.keys(MAX))[-1] == "reassign_not_key_worker"
        assert (await _sam(hub)).key_worker_id == hub.ids[JO]
        assert "young_person_new_worker" not in await hub.keys(SAM)

    async def test_the_young_person_follows_a_worker_at_another_hub_of_the_council(
        self, hub: Hub
    ) -> None:
        await do_reassign(hub.uow(), (await _sam(hub)).id, to_worker=ASH, now=hub.clock())
        sam, ash = await _sam(hub), await _member(hub, ASH)
        assert (sam.key_worker_id, sam.hub_id) == (ash.id, ash.hub_id)


class TestMoving:
    async def test_a_key_worker_with_young_people_is_not_moved(self, hub: Hub) -> None:
        asked = MoveAsked("Jo", role=Role.DUTY)
        await _as_max(
            hub, lambda max_: staff_admin.do_move_command(hub.uow(), max_, asked, now=hub.clock())
        )
        assert (await hub.keys(MAX))[-1] == "staff_move_has_young_people"
        assert (await _member(hub, JO)).role == "key_worker"
        with pytest.raises(StillNamedWorker):
            await do_move(hub.uow(), JO, now=hub.clock(), hub="Scarborough")

    async def test_once_their_young_people_are_reassigned_they_move(self, hub: Hub) -> None:
        await _reassign(hub, "Sam", "Lee")
        asked = MoveAsked("Jo", hub="Scarborough")
        moved = await _as_max(
            hub, lambda max_: staff_admin.do_move_command(hub.uow(), max_, asked, now=hub.clock())
        )
        assert moved is not None
        assert moved.hub == "Scarborough"
        assert (await hub.keys(JO))[-1] == "staff_you_moved"
        assert (await _member(hub, JO)).hub_id == (await _member(hub, ASH)).hub_id

    async def test_only_a_hub_of_the_same_council(self, hub: Hub) -> None:
        asked = MoveAsked("Lee", hub="Nowhere")
        await _as_max(
            hub, lambda max_: staff_admin.do_move_command(hub.uow(), max_, asked, now=hub.clock())
        )
        assert (await hub.keys(MAX))[-1] == "staff_move_no_hub"
        assert (await _member(hub, LEE)).hub_id == (await _member(hub, JO)).hub_id

    async def test_move_in_telegram_gives_no_role_that_is_not_the_managers_to_give(
        self, hub: Hub
    ) -> None:
        for role in (Role.ON_CALL, Role.MANAGER):
            asked = MoveAsked("Lee", role=role)

            async def move(max_: KnownStaff, asked: MoveAsked = asked) -> object:
                return await staff_admin.do_move_command(hub.uow(), max_, asked, now=hub.clock())

            await _as_max(hub, move)
            assert (await hub.keys(MAX))[-1] == "staff_role_not_yours"
        lee = await _member(hub, LEE)
        assert lee.role == "key_worker"
        async with hub.uow() as uow:
            refused = await uow.session.scalars(
                select(AuditEvent.subject_id).where(AuditEvent.action == "staff.change_refused")
            )
            assert list(refused) == [lee.id] * 2


class TestWhoMay:
    async def test_a_key_worker_cannot_mark_anyone_as_left(self, hub: Hub) -> None:
        assert not await _leave(hub, "Jo", by=LEE)
        assert (await _member(hub, JO)).active

    async def test_an_operator_at_the_hub_can(self, hub: Hub) -> None:
        new = NewStaff(OPAL, "Opal", Role.OPERATOR, "Harrogate", "North Yorkshire", create=True)
        await do_add_staff(hub.uow(), new, now=hub.clock())
        assert await _leave(hub, "Lee", by=OPAL)
        assert not (await _member(hub, LEE)).active

    async def test_staff_of_another_hub_cannot_be_touched(self, hub: Hub) -> None:
        invite_id, _ = await _invite(hub, ASH, "Kim")
        await _leave(hub, "Ash")
        assert (await hub.keys(MAX))[-1] == "staff_nobody"
        assert (await _member(hub, ASH)).active
        await _as_max(
            hub,
            lambda max_: staff_admin.do_revoke_command(
                hub.uow(), max_, invite_id, now=hub.clock()
            ),
        )
        assert (await hub.keys(MAX))[-1] == "invite_not_open"
        assert [i.id for i in await open_invites(hub.uow(), now=hub.clock())] == [invite_id]

    async def test_managers_do_not_mark_themselves_as_left(self, hub: Hub) -> None:
        await _leave(hub, "Max")
        assert (await hub.keys(MAX))[-1] == "staff_not_yourself"
        assert (await _member(hub, MAX)).active


class TestInvites:
    async def test_the_hubs_open_links_are_listed_and_one_is_withdrawn(self, hub: Hub) -> None:
        alex, code = await _invite(hub, JO, "Alex")
        await _invite(hub, ASH, "Kim")
        listed = await _as_max(
            hub, lambda max_: staff_admin.do_list_invites(hub.uow(), max_, now=hub.clock())
        )
        assert [invite.first_name for invite in listed or []] == ["Alex"]
        revoked = await _as_max(
            hub,
            lambda max_: staff_admin.do_revoke_command(hub.uow(), max_, alex, now=hub.clock()),
        )
        assert revoked is not None
        assert revoked.id == alex
        with pytest.raises(CodeRefused):
            await do_redeem_invite(hub.uow(), telegram_user_id=ALEX, code=code, now=hub.clock())

    async def test_a_link_cannot_be_withdrawn_twice(self, hub: Hub) -> None:
        alex, _ = await _invite(hub, JO, "Alex")
        await do_revoke_invite(hub.uow(), alex, now=hub.clock())
        await _as_max(
            hub,
            lambda max_: staff_admin.do_revoke_command(hub.uow(), max_, alex, now=hub.clock()),
        )
        assert (await hub.keys(MAX))[-1] == "invite_not_open"
