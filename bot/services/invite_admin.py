"""Looking after invite links: listing the ones that still work and withdrawing them.

A withdrawn link stops working at once (bot.domain.invites refuses a revoked invite). Every
change is audited with ids only; the code itself was never stored, so it is never shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.actors import OPERATOR, Actor
from bot.domain.errors import InviteNotOpen, SetupError
from bot.services.ports import UnitOfWork
from bot.services.records import InviteRecord, StaffRecord


@dataclass(frozen=True)
class OpenInvite:
    """An invite link that could still be used: who it is for and from, never its code."""

    id: int
    first_name: str
    worker: str
    hub: str
    expires_at: datetime


def open_invite(invite: InviteRecord) -> OpenInvite:
    """What staff and operators may see of one invite."""
    worker = invite.worker
    return OpenInvite(
        invite.id, invite.first_name, worker.name, worker.hub.name, invite.expires_at
    )


def check_open(invite: InviteRecord, now: datetime) -> None:
    """Refuse an invite that could not be used anyway (used, withdrawn or expired)."""
    if invite.used_at is not None or invite.revoked_at is not None or invite.expires_at <= now:
        raise InviteNotOpen(id=str(invite.id))


def revoke(uow: UnitOfWork, invite: InviteRecord, *, by: Actor, now: datetime) -> None:
    """Withdraw an invite: its link stops working at once."""
    invite.revoked_at = now
    uow.audit.record(
        "invite.revoked",
        at=now,
        by=by,
        hub_id=invite.worker.hub_id,
        subject_type="invite",
        subject_id=invite.id,
    )


async def revoke_all(uow: UnitOfWork, worker: StaffRecord, *, by: Actor, now: datetime) -> int:
    """Withdraw every link this worker gave out that could still be used; returns how many."""
    invites = await uow.invites.open_by_worker(worker.id, now)
    for invite in invites:
        revoke(uow, invite, by=by, now=now)
    return len(invites)


async def do_revoke_invite(uow: UnitOfWork, invite_id: int, *, now: datetime) -> OpenInvite:
    """`waypoint invite revoke`: withdraw one invite link."""
    async with uow:
        invite = await uow.invites.get(invite_id)
        if invite is None:
            raise SetupError(f"there is no invite {invite_id}")
        check_open(invite, now)
        revoke(uow, invite, by=OPERATOR, now=now)
        await uow.commit()
        return open_invite(invite)


async def open_invites(uow: UnitOfWork, *, now: datetime) -> list[OpenInvite]:
    """`waypoint invite list`: every invite that could still be used, oldest first."""
    async with uow:
        # A link from someone who has left does not work (bot.domain.invites), so not listed.
        invites = [open_invite(i) for i in await uow.invites.open_anywhere(now)]
        uow.audit.record("invite.listed", at=now, by=OPERATOR)
        await uow.commit()
        return invites
