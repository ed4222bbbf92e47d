"""Managers and operators looking after their hub from Telegram: /leave, /move, /reassign,
/invites and /revoke (the rules are in bot.services.offboarding and bot.services.invite_admin).

Each returns False when the sender may not do this (bot.domain.access.may_manage_staff), so
they are greeted like anyone else. Staff and young people are found only at the sender's hub:
another hub's people cannot be named, let alone changed. Every answer goes through the outbox.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from bot.domain.access import Viewer, may_manage_staff
from bot.domain.actors import Actor
from bot.domain.errors import (
    InviteNotOpen,
    NotForYourself,
    SeveralStaff,
    StaffNotFound,
    WaypointError,
)
from bot.domain.people import Role
from bot.domain.profiles import Level
from bot.i18n.dates import concrete_datetime
from bot.services.invite_admin import check_open, revoke
from bot.services.offboarding import hub_in_council, leave, move, reassign, role_words
from bot.services.people import access_young_person
from bot.services.ports import UnitOfWork
from bot.services.records import InviteRecord, StaffRecord

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


# What a manager asked for, done inside the sender's unit of work.
ManagerAct = Callable[[UnitOfWork, StaffRecord, datetime], Awaitable[None]]


def _viewer(manager: StaffRecord, hub_id: int) -> Viewer:
    return Viewer(
        role=Role(manager.role),
        active=manager.active,
        same_hub=manager.hub_id == hub_id,
        same_council=False,
    )


async def _as_manager(uow: UnitOfWork, telegram_id: int, now: datetime, act: ManagerAct) -> bool:
    """Run `act` for a manager or operator; False for anyone else. A refusal is told to them."""
    async with uow:
        manager = await uow.staff.active_by_telegram_id(telegram_id)
        if manager is None or not may_manage_staff(_viewer(manager, manager.hub_id)):
            return False
        manager_id = manager.id
        try:
            await act(uow, manager, now)
        except WaypointError as refusal:
            # The rules check before they change; this only makes sure nothing half done stays.
            await uow.rollback()
            again = await uow.staff.get(manager_id)
            if again is not None:
                uow.postbox.to_staff(again, refusal.message_id, refusal.values, now=now)
        await uow.commit()
        return True


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
    uow: UnitOfWork, telegram_id: int, name: str | None, *, now: datetime
) -> bool:
    """`/leave Jo`: Jo has left; the manager hears who still needs a new key worker."""

    async def act(uow: UnitOfWork, manager: StaffRecord, now: datetime) -> None:
        if name is None:
            uow.postbox.to_staff(manager, "leave_usage", {}, now=now)
            return
        left = await leave(uow, await _colleague(uow, manager, name), by=_by(manager), now=now)
        names = ", ".join(person.first_name for person in left.still_linked)
        message = "staff_left" if names else "staff_left_nobody_linked"
        uow.postbox.to_staff(manager, message, {"name": left.name, "young_people": names}, now=now)

    return await _as_manager(uow, telegram_id, now, act)


async def do_move_command(
    uow: UnitOfWork, telegram_id: int, asked: MoveAsked | None, *, now: datetime
) -> bool:
    """`/move Jo role duty` or `/move Jo hub Scarborough` (a hub of the same council)."""

    async def act(uow: UnitOfWork, manager: StaffRecord, now: datetime) -> None:
        if asked is None:
            uow.postbox.to_staff(manager, "move_usage", {"roles": ROLES}, now=now)
            return
        staff = await _colleague(uow, manager, asked.name)
        council = manager.hub.council_id
        hub = await hub_in_council(uow, council, asked.hub) if asked.hub else None
        moved = await move(uow, staff, by=_by(manager), now=now, role=asked.role, hub=hub)
        where = {"name": moved.name, "role": role_words(moved.role), "hub": moved.hub}
        uow.postbox.to_staff(manager, "staff_moved", where, now=now)

    return await _as_manager(uow, telegram_id, now, act)


async def do_reassign_command(
    uow: UnitOfWork, telegram_id: int, asked: ReassignAsked | None, *, now: datetime
) -> bool:
    """`/reassign Sam Lee`: Lee is Sam's key worker now; Sam and Lee are told."""

    async def act(uow: UnitOfWork, manager: StaffRecord, now: datetime) -> None:
        if asked is None:
            uow.postbox.to_staff(manager, "reassign_usage", {}, now=now)
            return
        # A name unknown or shared at the hub is a refusal, told to the manager.
        person = await access_young_person(uow, manager, asked.young_person)
        worker = await _colleague(uow, manager, asked.worker)
        done = await reassign(uow, person, worker, by=_by(manager), now=now)
        named = {"name": done.first_name, "worker": done.worker}
        uow.postbox.to_staff(manager, "young_person_reassigned", named, now=now)

    return await _as_manager(uow, telegram_id, now, act)


async def do_list_invites(uow: UnitOfWork, telegram_id: int, *, now: datetime) -> bool:
    """`/invites`: the hub's invite links that still work, with their numbers."""

    async def act(uow: UnitOfWork, manager: StaffRecord, now: datetime) -> None:
        invites = await uow.invites.open_at_hub(manager.hub_id, now)
        uow.audit.record(
            "invite.listed", at=now, by=Actor.staff(manager.id),
            hub_id=manager.hub_id,
        )  # fmt: skip
        if not invites:
            uow.postbox.to_staff(manager, "invites_none", {}, now=now)
            return
        lines = "\n".join(_invite_line(uow, invite) for invite in invites)
        values = {"lines": lines, "example": str(invites[0].id)}
        uow.postbox.to_staff(manager, "invites_open", values, now=now)

    return await _as_manager(uow, telegram_id, now, act)


def _invite_line(uow: UnitOfWork, invite: InviteRecord) -> str:
    values = {
        "id": str(invite.id),
        "name": invite.first_name,
        "worker": invite.worker.name,
        "expires": concrete_datetime(invite.expires_at, uow.postbox.zone),
    }
    return uow.postbox.catalogue.render("invites_open_line", values, level=Level.STANDARD)


async def do_revoke_command(
    uow: UnitOfWork, telegram_id: int, number: int | None, *, now: datetime
) -> bool:
    """`/revoke 3`: invite 3's link stops working (an invite of the sender's hub only)."""

    async def act(uow: UnitOfWork, manager: StaffRecord, now: datetime) -> None:
        if number is None:
            uow.postbox.to_staff(manager, "revoke_usage", {}, now=now)
            return
        invite = await uow.invites.get(number)
        # Another hub's invite is answered exactly like one that does not exist.
        if invite is None or not may_manage_staff(_viewer(manager, invite.worker.hub_id)):
            raise InviteNotOpen(id=str(number))
        check_open(invite, now)
        revoke(uow, invite, by=_by(manager), now=now)
        named = {"id": str(invite.id), "name": invite.first_name}
        uow.postbox.to_staff(manager, "invite_revoked", named, now=now)

    return await _as_manager(uow, telegram_id, now, act)


def _by(manager: StaffRecord) -> Actor:
    return Actor.staff(manager.id)
