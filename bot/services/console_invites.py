"""Making an invite link from the staff console (issue 15): whom a member of staff may make
one for. The link itself is made by bot.services.invites.do_create_invite, the service
`/invite` uses, so the rules, the audit and the link are the same as in Telegram."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.access import may_invite_for
from bot.domain.actors import KnownStaff
from bot.domain.errors import MayNotManageStaff
from bot.domain.people import Role, may_invite
from bot.services.hub_admin import may_administer
from bot.services.ports import UnitOfWork


@dataclass(frozen=True)
class WorkerChoice:
    """A key worker an invite can be made for (the young person's named worker-to-be)."""

    id: int
    name: str
    you: bool


@dataclass(frozen=True)
class InviteForm:
    """The key workers this member of staff may make an invite link for."""

    workers: tuple[WorkerChoice, ...]
    # The hub's time zone, to say when a link stops working as staff read times.
    zone: str


def may_make_invites(role: Role) -> bool:
    """Whether anyone in this role makes invite links in the console: a key worker (for
    themselves) or a hub's manager or operator (for any of its key workers)."""
    return any(
        may_invite_for(role=role, active=True, same_hub=True, themselves=themselves)
        for themselves in (True, False)
    )


async def do_view_invite_form(uow: UnitOfWork, actor: KnownStaff, *, now: datetime) -> InviteForm:
    """A manager or operator chooses among their hub's key workers (who have not left); a key
    worker makes links only for themselves."""
    if not may_make_invites(actor.role):
        raise MayNotManageStaff
    async with uow:
        me = await uow.staff.get(actor.staff_id)
        if me is None or not me.active:
            raise MayNotManageStaff
        if may_administer(Role(me.role)):
            found = await uow.staff.in_hub(me.hub_id, Role.KEY_WORKER.value)
        else:
            found = [me] if may_invite(Role(me.role)) else []
        workers = tuple(WorkerChoice(w.id, w.name, w.id == me.id) for w in found)
        return InviteForm(workers, me.hub.council.timezone)
