"""Off-boarding: a member of staff who leaves, a change of role or hub, a young person's new
named worker, and invite links withdrawn. Each is one transaction, audited with ids only.

Nothing goes to staff who have left: the postbox queues nothing for them, and whatever was
still waiting to go to them is dropped here. A concern that was waiting on them is looked at
again at once, so the ladder passes it on instead of waiting out their time to answer.

The rules (`leave`, `move`, `reassign`) work inside the caller's unit of work and check
everything before they change anything, so a refusal leaves nothing half done. The `do_*`
functions are the command line's: one transaction each, by Telegram id or number; managers'
Telegram commands are in bot.services.staff_admin.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.access import COVER_ROLES
from bot.domain.actors import OPERATOR, SYSTEM, Actor
from bot.domain.errors import (
    AlreadyTheirWorker,
    CannotBeNamedWorker,
    NoSuchHub,
    SetupError,
    StillNamedWorker,
)
from bot.domain.ladder import ConcernState
from bot.domain.organisations import slugify
from bot.domain.people import Role, may_invite
from bot.services.invite_admin import revoke_all
from bot.services.people import name_of
from bot.services.ports import UnitOfWork
from bot.services.records import ConcernRecord, HubRecord, StaffRecord, YoungPersonRecord


@dataclass(frozen=True)
class NeedsWorker:
    """A young person still linked to someone who left: they need a new named worker."""

    young_person_id: int
    first_name: str


@dataclass(frozen=True)
class Left:
    """What leaving changed, for whoever asked."""

    name: str
    still_linked: tuple[NeedsWorker, ...]
    reassigned_to: str | None
    reassigned: tuple[str, ...]
    invites_revoked: int
    messages_dropped: int
    concerns_looked_at: int


@dataclass(frozen=True)
class Moved:
    """A member of staff's role and hub after a move."""

    name: str
    role: Role
    hub: str
    invites_revoked: int


@dataclass(frozen=True)
class Reassigned:
    """A young person's new named worker."""

    young_person_id: int
    first_name: str
    worker: str
    hub: str


def role_words(role: Role) -> str:
    """A role as staff read it: "key worker", "duty"."""
    return role.value.replace("_", " ")


def _audit(
    uow: UnitOfWork,
    action: str,
    *,
    by: Actor,
    now: datetime,
    hub_id: int,
    subject: tuple[str, int],
) -> None:
    uow.audit.record(
        action,
        at=now,
        by=by,
        hub_id=hub_id,
        subject_type=subject[0],
        subject_id=subject[1],
    )


async def linked_to(uow: UnitOfWork, worker_id: int) -> list[YoungPersonRecord]:
    """Young people whose named worker this is, first linked first."""
    return list(await uow.young_people.linked_to(worker_id))


async def check_named_worker(uow: UnitOfWork, hub_id: int, worker: StaffRecord) -> None:
    """Refuse anyone but a key worker who has not left, in the council of the hub `hub_id`."""
    hub = await uow.organisations.hub_by_id(hub_id)
    if not (
        worker.active and may_invite(Role(worker.role)) and worker.hub.council_id == hub.council_id
    ):
        raise CannotBeNamedWorker(worker=worker.name)


async def _uncover(uow: UnitOfWork, staff: StaffRecord, *, by: Actor, now: datetime) -> None:
    """Whoever `staff` covers for loses that cover; they stay away, so their alerts go to duty
    (a cover must be someone who can take them: bot.domain.access.may_cover)."""
    for colleague in await uow.staff.covered_by(staff.id):
        colleague.cover_id = None
        _audit(
            uow,
            "staff.cover_ended",
            by=by,
            now=now,
            hub_id=colleague.hub_id,
            subject=("staff", colleague.id),
        )


async def _waits(uow: UnitOfWork, concern: ConcernRecord, leaver: StaffRecord) -> bool:
    """Whether a concern waits on the leaver: they hold it, it is at its first step, or they
    are the only one alerted to it who is still here."""
    if concern.acknowledged_by == leaver.id or concern.rung <= 0:
        return True
    for staff_id in await uow.concerns.told(concern.id):
        other = await uow.staff.get(staff_id) if staff_id != leaver.id else None
        if other is not None and other.active:
            return False
    return True


async def _stand_down(uow: UnitOfWork, leaver: StaffRecord, *, by: Actor, now: datetime) -> None:
    """No longer active, away or covered; nobody's cover and nobody's life coach; signed out
    of the staff console everywhere (every request checks they are active too)."""
    leaver.active, leaver.away, leaver.cover_id = False, False, None
    await uow.console.end_sessions(leaver.id, now=now)
    await _uncover(uow, leaver, by=by, now=now)
    for person in await uow.young_people.coached_by(leaver.id):
        person.life_coach_id = None


async def reassign(
    uow: UnitOfWork, person: YoungPersonRecord, worker: StaffRecord, *, by: Actor, now: datetime
) -> Reassigned:
    """Give a young person a new named worker (their hub follows the worker's); the young
    person and both workers are told (nothing goes to a worker who left)."""
    if worker.id == person.key_worker_id:
        raise AlreadyTheirWorker(name=person.first_name, worker=worker.name)
    await check_named_worker(uow, person.hub_id, worker)
    old = person.key_worker
    uow.young_people.give_worker(person, worker)
    for concern in await uow.concerns.not_closed_for(person.id):
        # Their concerns follow them: read, rerouted and climbed at their new hub; one that
        # nobody has yet takes its next step there at once.
        concern.hub_id = worker.hub_id
        if concern.state == ConcernState.OPEN:
            concern.next_step_at = now
        uow.concerns.record(
            concern, "moved_hub", at=now, by=SYSTEM, detail=f"new worker {worker.name}"
        )
    _audit(
        uow,
        "young_person.reassigned",
        by=by,
        now=now,
        hub_id=worker.hub_id,
        subject=("young_person", person.id),
    )
    told = {"worker": worker.name, "name": name_of(person)}
    uow.postbox.to_young_person(person, "young_person_new_worker", told, now=now)
    named = {"name": person.first_name, "worker": worker.name}
    uow.postbox.to_staff(worker, "staff_young_person_reassigned", named, now=now, about=person)
    uow.postbox.to_staff(old, "staff_young_person_moved_on", named, now=now)
    return Reassigned(person.id, person.first_name, worker.name, worker.hub.name)


async def _clear_failed(uow: UnitOfWork, staff: StaffRecord) -> None:
    """Clear the words of every message that failed to reach them: none can be sent again
    (bot.services.outbox_admin), and the words may be a young person's."""
    for row in await uow.outbox.failed_to(staff.telegram_user_id):
        row.text, row.reply_markup = "", None


async def leave(
    uow: UnitOfWork,
    leaver: StaffRecord,
    *,
    by: Actor,
    now: datetime,
    reassign_to: StaffRecord | None = None,
) -> Left:
    """Mark a member of staff as left: nothing more goes to them, their invite links die,
    concerns waiting on them are looked at again at once; optionally their young people go
    to `reassign_to` in the same step."""
    linked = await linked_to(uow, leaver.id)
    if reassign_to is not None:
        if reassign_to.id == leaver.id:
            raise CannotBeNamedWorker(worker=reassign_to.name)
        for person in linked:
            await check_named_worker(uow, person.hub_id, reassign_to)
    # Asked before covers are cleared: a concern alerted to them as a cover waits on them too.
    waiting = [c for c in await uow.concerns.waiting_on(leaver.id) if await _waits(uow, c, leaver)]
    await _stand_down(uow, leaver, by=by, now=now)
    # Their chat loses the staff menu (bot.services.menus clears it for someone who left).
    uow.menus.due(leaver.telegram_user_id, now=now)
    revoked = await revoke_all(uow, leaver, by=by, now=now)
    dropped = await uow.outbox.drop_waiting_to(leaver.telegram_user_id, reason="left")
    # Never to be sent (or retried): the words, which may be a young person's, go now, of
    # the messages that already failed too.
    await _clear_failed(uow, leaver)
    for row in dropped:
        row.text, row.reply_markup = "", None
    for concern in waiting:
        concern.next_step_at = now
        uow.concerns.record(
            concern, "staff_left", at=now, by=SYSTEM, detail=f"{leaver.name} has left"
        )
    _audit(uow, "staff.left", by=by, now=now, hub_id=leaver.hub_id, subject=("staff", leaver.id))
    moved = [await reassign(uow, p, reassign_to, by=by, now=now) for p in linked if reassign_to]
    return Left(
        leaver.name,
        () if reassign_to else tuple(NeedsWorker(p.id, p.first_name) for p in linked),
        reassign_to.name if reassign_to else None,
        tuple(done.first_name for done in moved),
        revoked,
        len(dropped),
        len(waiting),
    )


async def move(
    uow: UnitOfWork,
    staff: StaffRecord,
    *,
    by: Actor,
    now: datetime,
    role: Role | None = None,
    hub: HubRecord | None = None,
) -> Moved:
    """Change a member of staff's role and/or hub (within their council). A key worker keeps
    their role and hub while any young person is linked to them: reassign those first."""
    new_role, new_hub = role or Role(staff.role), hub or staff.hub
    if new_hub.council_id != staff.hub.council_id:
        raise NoSuchHub(hub=new_hub.name)
    other_hub = new_hub.id != staff.hub_id
    stops_key_work = staff.role == Role.KEY_WORKER and (
        new_role is not Role.KEY_WORKER or other_hub
    )
    if stops_key_work and (linked := await linked_to(uow, staff.id)):
        names = ", ".join(p.first_name for p in linked)
        raise StillNamedWorker(name=staff.name, young_people=names)
    # Links they gave out would join young people to a role or hub they no longer have.
    revoked = await revoke_all(uow, staff, by=by, now=now) if stops_key_work else 0
    if other_hub or new_role not in COVER_ROLES:
        await _uncover(uow, staff, by=by, now=now)
    if other_hub:
        staff.cover_id = None
    if new_role != staff.role:
        # Their menu in Telegram becomes the new role's (bot.services.menus).
        uow.menus.due(staff.telegram_user_id, now=now)
    if new_role != staff.role or other_hub:
        # What failed to reach them in their old role or hub is not theirs to be sent again.
        await _clear_failed(uow, staff)
    staff.role = new_role
    uow.staff.move_to(staff, new_hub)
    _audit(uow, "staff.moved", by=by, now=now, hub_id=new_hub.id, subject=("staff", staff.id))
    where = {"role": role_words(new_role), "hub": new_hub.name}
    uow.postbox.to_staff(staff, "staff_you_moved", where, now=now)
    return Moved(staff.name, new_role, new_hub.name, revoked)


async def hub_in_council(uow: UnitOfWork, council_id: int, name: str) -> HubRecord:
    """The council's hub with this name; a hub that does not exist is refused, not made."""
    try:
        found = await uow.organisations.hub(council_id, slugify(name))
    except ValueError:  # no letters or digits at all
        found = None
    if found is None:
        raise NoSuchHub(hub=name)
    return found


async def _staff(uow: UnitOfWork, telegram_id: int) -> StaffRecord:
    staff = await uow.staff.by_telegram_id(telegram_id)
    if staff is None:
        raise SetupError(f"no member of staff has Telegram id {telegram_id}")
    if not staff.active:
        raise SetupError(f"{staff.name} (Telegram id {telegram_id}) has already left")
    return staff


async def do_leave(
    uow: UnitOfWork, telegram_id: int, *, now: datetime, reassign_to: int | None = None
) -> Left:
    """`waypoint staff leave`: mark them as left, optionally reassigning their young people."""
    async with uow:
        leaver = await _staff(uow, telegram_id)
        new = await _staff(uow, reassign_to) if reassign_to is not None else None
        left = await leave(uow, leaver, by=OPERATOR, now=now, reassign_to=new)
        await uow.commit()
        return left


async def do_move(
    uow: UnitOfWork,
    telegram_id: int,
    *,
    now: datetime,
    role: Role | None = None,
    hub: str | None = None,
) -> Moved:
    """`waypoint staff move`: a new role and/or hub in the same council."""
    async with uow:
        staff = await _staff(uow, telegram_id)
        new_hub = await hub_in_council(uow, staff.hub.council_id, hub) if hub else None
        moved = await move(uow, staff, by=OPERATOR, now=now, role=role, hub=new_hub)
        await uow.commit()
        return moved


async def do_reassign(
    uow: UnitOfWork, young_person_id: int, *, to_worker: int, now: datetime
) -> Reassigned:
    """`waypoint young-person reassign`: a new named worker, by their Telegram id."""
    async with uow:
        person = await uow.young_people.get(young_person_id)
        if person is None:
            raise SetupError(f"there is no young person with id {young_person_id}")
        worker = await _staff(uow, to_worker)
        done = await reassign(uow, person, worker, by=OPERATOR, now=now)
        await uow.commit()
        return done
