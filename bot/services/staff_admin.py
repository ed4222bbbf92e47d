"""Managers and operators looking after their hub from Telegram: /leave, /move, /reassign,
/invites and /revoke (the rules are in bot.services.offboarding and bot.services.invite_admin).

Each takes the acting member of staff and a typed command, and returns what was done or raises
a domain error; `MayNotManageStaff` when the sender may not (bot.domain.access.may_manage_staff).
Staff and young people are found only at the sender's hub: another hub's people cannot be
named, let alone changed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from bot.domain.access import Viewer, may_grant_role, may_manage_staff
from bot.domain.actors import Actor, KnownStaff
from bot.domain.errors import (
    InviteNotFound,
    MayNotManageStaff,
    NotForYourself,
    RoleNotYoursToGive,
    SeveralStaff,
    StaffNotFound,
)
from bot.domain.people import Role
from bot.services.identity import staff_record
from bot.services.invite_admin import OpenInvite, check_open, open_invite, revoke
from bot.services.offboarding import Left, Moved, Reassigned, hub_in_council, leave, move, reassign
from bot.services.people import access_young_person
from bot.services.ports import UnitOfWork
from bot.services.records import StaffRecord

ROLES = ", ".join(role.value for role in Role)


@dataclass(frozen=True)
class MoveAsked:
    """`/move Jo role duty` or `/move Jo hub Scarborough`."""

    name: str
    role: Role | None = None
    hub: str | None = None


@dataclass(frozen=True)
class ReassignAsked:
    """`/reassign Sam Lee`: the young person, then their new key worker."""

    young_person: str
    worker: str


T = TypeVar("T")
# What a manager asked for, done inside the sender's unit of work.
ManagerAct = Callable[[UnitOfWork, StaffRecord, datetime], Awaitable[T]]


def _viewer(manager: StaffRecord, hub_id: int) -> Viewer:
    return Viewer(
        role=Role(manager.role),
        active=manager.active,
        same_hub=manager.hub_id == hub_id,
        same_council=False,
    )


def check_manager(actor: KnownStaff) -> None:
    """Refuse anyone but a manager or operator before their command is even read."""
    if not may_manage_staff(
        Viewer(role=actor.role, active=True, same_hub=True, same_council=False)
    ):
        raise MayNotManageStaff


async def _as_manager(uow: UnitOfWork, actor: KnownStaff, now: datetime, act: ManagerAct[T]) -> T:
    """Run `act` for a manager or operator (`MayNotManageStaff` for anyone else). A refusal
    raised inside it leaves nothing half done: the unit of work is rolled back."""
    async with uow:
        manager = await staff_record(uow, actor)
        if not may_manage_staff(_viewer(manager, manager.hub_id)):
            raise MayNotManageStaff
        done = await act(uow, manager, now)
        await uow.commit()
        return done


async def _colleague(uow: UnitOfWork, manager: StaffRecord, name: str) -> StaffRecord:
    """The member of staff at the manager's hub with this full or first name (not left)."""
    wanted = " ".join(name.split()).casefold()
    here = await uow.staff.in_hub_any_role(manager.hub_id)
    found = [s for s in here if s.name.casefold() == wanted] or [
        s for s in here if s.name.split()[0].casefold() == wanted
    ]
    if not found:
        raise StaffNotFound(name=name)
    if len(found) > 1:
        raise SeveralStaff(name=name, choices=", ".join(s.name for s in found))
    if found[0].id == manager.id:
        raise NotForYourself
    return found[0]


async def do_leave_command(
    uow: UnitOfWork, actor: KnownStaff, name: str, *, now: datetime
) -> Left:
    """`/leave Jo`: Jo has left; the manager hears who still needs a new key worker."""

    async def act(uow: UnitOfWork, manager: StaffRecord, now: datetime) -> Left:
        return await leave(uow, await _colleague(uow, manager, name), by=_by(manager), now=now)

    return await _as_manager(uow, actor, now, act)


async def check_may_give(
    uow: UnitOfWork, manager: StaffRecord, staff: StaffRecord, role: Role | None, *, now: datetime
) -> None:
    """Refuse (audited, committed, then `RoleNotYoursToGive`) a change of role or hub unless
    the colleague's role before and after is the manager's or operator's to give
    (bot.domain.access.may_grant_role): nobody makes a manager, operator or on-call worker,
    nor changes or moves one, except the server's operator (`waypoint staff move`)."""
    before = Role(staff.role)
    if may_grant_role(Role(manager.role), before=before, after=role or before):
        return
    uow.audit.record(
        "staff.change_refused",
        at=now,
        by=_by(manager),
        hub_id=manager.hub_id,
        subject_type="staff",
        subject_id=staff.id,
    )
    await uow.commit()
    raise RoleNotYoursToGive


async def do_move_command(
    uow: UnitOfWork, actor: KnownStaff, asked: MoveAsked, *, now: datetime
) -> Moved:
    """`/move Jo role duty` or `/move Jo hub Scarborough` (a hub of the same council)."""

    async def act(uow: UnitOfWork, manager: StaffRecord, now: datetime) -> Moved:
        staff = await _colleague(uow, manager, asked.name)
        await check_may_give(uow, manager, staff, asked.role, now=now)
        council = manager.hub.council_id
        hub = await hub_in_council(uow, council, asked.hub) if asked.hub else None
        return await move(uow, staff, by=_by(manager), now=now, role=asked.role, hub=hub)

    return await _as_manager(uow, actor, now, act)


async def do_reassign_command(
    uow: UnitOfWork, actor: KnownStaff, asked: ReassignAsked, *, now: datetime
) -> Reassigned:
    """`/reassign Sam Lee`: Lee is Sam's key worker now; Sam and Lee are told."""

    async def act(uow: UnitOfWork, manager: StaffRecord, now: datetime) -> Reassigned:
        person = await access_young_person(uow, manager, asked.young_person, command="reassign")
        worker = await _colleague(uow, manager, asked.worker)
        return await reassign(uow, person, worker, by=_by(manager), now=now)

    return await _as_manager(uow, actor, now, act)


async def do_list_invites(
    uow: UnitOfWork, actor: KnownStaff, *, now: datetime
) -> list[OpenInvite]:
    """`/invites`: the hub's invite links that still work, oldest first (audited)."""

    async def act(uow: UnitOfWork, manager: StaffRecord, now: datetime) -> list[OpenInvite]:
        invites = await uow.invites.open_at_hub(manager.hub_id, now)
        uow.audit.record("invite.listed", at=now, by=_by(manager), hub_id=manager.hub_id)
        return [open_invite(invite) for invite in invites]

    return await _as_manager(uow, actor, now, act)


async def do_revoke_command(
    uow: UnitOfWork, actor: KnownStaff, number: int, *, now: datetime
) -> OpenInvite:
    """`/revoke 3`: invite 3's link stops working (an invite of the sender's hub only)."""

    async def act(uow: UnitOfWork, manager: StaffRecord, now: datetime) -> OpenInvite:
        invite = await uow.invites.get(number)
        # Another hub's invite is answered exactly like one that does not exist.
        if invite is None or not may_manage_staff(_viewer(manager, invite.worker.hub_id)):
            raise InviteNotFound(id=str(number))
        check_open(invite, now)
        revoke(uow, invite, by=_by(manager), now=now)
        return open_invite(invite)

    return await _as_manager(uow, actor, now, act)


def _by(manager: StaffRecord) -> Actor:
    return Actor.staff(manager.id)
