"""Who may see a concern: the facts bot.domain.access needs, gathered for one member of staff,
and the concern itself only for those the rules allow: a refusal is audited, then raised with
its real reason (their role, another hub, not theirs, no such concern) for the channel to tell."""

from __future__ import annotations

from datetime import datetime

from bot.domain.access import Refusal, Viewer, role_reads_concerns, why_not_read_concern
from bot.domain.actors import Actor
from bot.domain.errors import (
    ConcernAtAnotherHub,
    ConcernNotForRole,
    ConcernNotVisible,
    NoSuchConcern,
)
from bot.domain.people import Role
from bot.services.ladder_steps import hub_of
from bot.services.ports import UnitOfWork
from bot.services.records import ConcernRecord, StaffRecord


async def viewer_of(
    uow: UnitOfWork, staff: StaffRecord, concern: ConcernRecord, council_id: int
) -> Viewer:
    """The facts bot.domain.access needs about this member of staff and this concern."""
    worker = await uow.staff.get(concern.young_person.key_worker_id)
    return Viewer(
        role=Role(staff.role),
        active=staff.active,
        same_hub=staff.hub_id == concern.hub_id,
        same_council=staff.hub.council_id == council_id,
        their_worker=staff.id
        in {concern.young_person.key_worker_id, worker.cover_id if worker else None},
        told=staff.id in await uow.concerns.told(concern.id),
    )


async def access_concern(
    uow: UnitOfWork,
    staff: StaffRecord,
    concern_id: int,
    now: datetime,
    *,
    for_update: bool = False,
) -> ConcernRecord:
    """The concern if this member of staff may see it. If not, the refusal is audited and
    committed (nothing else has been changed yet), and `ConcernNotVisible` (or the subclass
    that says the real reason) is raised. A role that never reads concerns is refused for
    its role before any concern is looked up: whether one exists, and where, is not theirs
    to learn."""
    concern: ConcernRecord | None = None
    refusal: type[ConcernNotVisible] | None = ConcernNotForRole
    if role_reads_concerns(Role(staff.role)):
        concern = await uow.concerns.get(concern_id, for_update=for_update)
        hub = await hub_of(uow, concern.hub_id) if concern else None
        refusal = NoSuchConcern
        if concern is not None and hub is not None:
            why = why_not_read_concern(await viewer_of(uow, staff, concern, hub.council_id))
            refusal = None if why is None else _REFUSALS[why]
    if concern is not None and refusal is None:
        return concern
    uow.audit.record(
        "concern.refused",
        at=now,
        by=Actor.staff(staff.id),
        hub_id=staff.hub_id,
        subject_type="concern",
        subject_id=concern_id,
    )
    await uow.commit()
    raise (refusal or NoSuchConcern)(id=str(concern_id))


# The real reason, told as it is: a role that never reads concerns, another hub's concern,
# or one at their hub about a young person who is not theirs.
_REFUSALS: dict[Refusal, type[ConcernNotVisible]] = {
    Refusal.ROLE: ConcernNotForRole,
    Refusal.HUB: ConcernAtAnotherHub,
    Refusal.NOT_THEIRS: ConcernNotVisible,
}
