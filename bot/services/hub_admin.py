"""The staff console's *Hub administration* pages: a hub's managers and operators see its
staff, its young people's named workers, its invite links and its council's settings, and
change them with the same rules the bot and the command line use (bot.services.offboarding,
bot.services.staff_admin).

Who may: bot.domain.access.may_manage_staff, at their own hub only. Staff and young people are
named by their numbers here (a form's hidden field), and one of another hub is answered as if
it did not exist. Every look and every change is audited, with ids only.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import NoReturn, TypeVar

from bot.domain.access import Viewer, may_grant_role, may_manage_staff
from bot.domain.actors import Actor, KnownStaff
from bot.domain.errors import (
    MayNotManageStaff,
    NotForYourself,
    RoleNotYoursToGive,
    StaffNotFound,
    WaypointError,
    YoungPersonNotFound,
)
from bot.domain.people import Role
from bot.services.identity import staff_record
from bot.services.offboarding import (
    Left,
    Moved,
    Reassigned,
    hub_in_council,
    leave,
    move,
    reassign,
)
from bot.services.ports import UnitOfWork
from bot.services.records import CouncilRecord, StaffRecord, YoungPersonRecord
from bot.services.staff import add_to_hub
from bot.services.staff_admin import check_may_give

T = TypeVar("T")


class AccountTaken(WaypointError):
    """That Telegram account cannot be added: said the same whoever it belongs to (a member
    of staff, of any hub, or a young person), so the form tells nobody whose it is."""

    message_id = "staff_account_taken"


@dataclass(frozen=True)
class NewColleague:
    """Who a manager adds to their hub: their Telegram account, name and role."""

    telegram_user_id: int
    name: str
    role: Role


# The most young people one page lists (a hub has a few dozen).
MOST_ROWS = 500


@dataclass(frozen=True)
class StaffRow:
    """A member of staff as their hub's managers see them."""

    id: int
    name: str
    role: Role
    away: bool
    young_people: int
    # The manager themselves: nobody marks themselves as left.
    is_you: bool


@dataclass(frozen=True)
class Worker:
    """A key worker who can be a young person's named worker."""

    id: int
    name: str


@dataclass(frozen=True)
class YoungPersonRow:
    """A young person and their named worker: no words, no profile."""

    id: int
    first_name: str
    worker_id: int
    worker_name: str


@dataclass(frozen=True)
class HubStaff:
    """The staff page: the hub and its staff who have not left."""

    hub_name: str
    zone: str
    rows: tuple[StaffRow, ...]


@dataclass(frozen=True)
class HubYoungPeople:
    """The young people page: each with their worker, and who could be their worker."""

    hub_name: str
    rows: tuple[YoungPersonRow, ...]
    workers: tuple[Worker, ...]


@dataclass(frozen=True)
class CouncilSettings:
    """A council's settings as a manager reads them (changed with `waypoint council set`)."""

    hub_name: str
    council_name: str
    out_of_hours_phone: str | None
    minutes_high: int
    minutes_other: int
    office_hours: tuple[int, int]
    on_call_first: bool
    police_liaison: bool
    quiet_hours: tuple[int, int]
    timezone: str


def may_administer(role: Role) -> bool:
    """Whether anyone in this role opens the hub administration pages (at their own hub)."""
    return may_manage_staff(Viewer(role=role, active=True, same_hub=True, same_council=False))


def _check(manager: StaffRecord, hub_id: int) -> None:
    if not may_manage_staff(
        Viewer(Role(manager.role), manager.active, manager.hub_id == hub_id, False)
    ):
        raise MayNotManageStaff


async def as_manager(
    uow: UnitOfWork,
    actor: KnownStaff,
    act: Callable[[StaffRecord], Awaitable[T]],
    *,
    audit: str | None,
    now: datetime,
) -> T:
    """Run `act` for a manager or operator of their own hub, in one transaction: a refusal
    raised inside it leaves nothing half done."""
    if not may_administer(actor.role):
        raise MayNotManageStaff
    async with uow:
        manager = await staff_record(uow, actor)
        _check(manager, manager.hub_id)
        done = await act(manager)
        if audit is not None:
            uow.audit.record(audit, at=now, by=_by(manager), hub_id=manager.hub_id)
        await uow.commit()
        return done


async def _colleague(uow: UnitOfWork, manager: StaffRecord, staff_id: int) -> StaffRecord:
    """A member of staff (not left) at the manager's hub; another hub's is nobody."""
    staff = await uow.staff.get(staff_id)
    if staff is None or not staff.active or staff.hub_id != manager.hub_id:
        raise StaffNotFound(name=f"#{staff_id}")
    if staff.id == manager.id:
        raise NotForYourself
    return staff


async def _young_person(
    uow: UnitOfWork, manager: StaffRecord, young_person_id: int
) -> YoungPersonRecord:
    """A young person at the manager's hub; another hub's is nobody."""
    person = await uow.young_people.get(young_person_id)
    if person is None or person.hub_id != manager.hub_id:
        raise YoungPersonNotFound(name=f"#{young_person_id}", example="", number="")
    return person


def _by(manager: StaffRecord) -> Actor:
    return Actor.staff(manager.id)


async def _refuse(
    uow: UnitOfWork,
    manager: StaffRecord,
    action: str,
    error: WaypointError,
    *,
    now: datetime,
    staff_id: int | None = None,
) -> NoReturn:
    """Audit a refused change (who, when, and the colleague it was about, if one of the hub;
    never whose a Telegram account is), commit that alone, and raise."""
    uow.audit.record(
        action,
        at=now,
        by=_by(manager),
        hub_id=manager.hub_id,
        subject_type="staff" if staff_id else None,
        subject_id=staff_id,
    )
    await uow.commit()
    raise error


async def do_view_staff(uow: UnitOfWork, actor: KnownStaff, *, now: datetime) -> HubStaff:
    """The hub's staff who have not left, with how many young people each is named worker
    for (the look is audited)."""

    async def act(manager: StaffRecord) -> HubStaff:
        rows = []
        for staff in await uow.staff.in_hub_any_role(manager.hub_id):
            linked = len(await uow.young_people.linked_to(staff.id))
            rows.append(
                StaffRow(
                    staff.id,
                    staff.name,
                    Role(staff.role),
                    staff.away,
                    linked,
                    staff.id == manager.id,
                )
            )
        return HubStaff(manager.hub.name, manager.hub.council.timezone, tuple(rows))

    return await as_manager(uow, actor, act, audit="console.staff_listed", now=now)


async def do_add_colleague(
    uow: UnitOfWork, actor: KnownStaff, new: NewColleague, *, now: datetime
) -> int:
    """Add a member of staff to the manager's own hub (what `waypoint staff add` does, there
    only); returns their number."""

    async def act(manager: StaffRecord) -> int:
        if not may_grant_role(Role(manager.role), before=None, after=new.role):
            await _refuse(uow, manager, "staff.add_refused", RoleNotYoursToGive(), now=now)
        taken = await uow.staff.by_telegram_id(new.telegram_user_id) or (
            await uow.young_people.by_telegram_id(new.telegram_user_id)
        )
        if taken is not None:
            await _refuse(uow, manager, "staff.add_refused", AccountTaken(), now=now)
        name = " ".join(new.name.split())
        staff = await add_to_hub(
            uow, manager.hub, new.telegram_user_id, name, new.role, by=_by(manager), now=now
        )
        return staff.id

    return await as_manager(uow, actor, act, audit=None, now=now)


async def do_mark_left(
    uow: UnitOfWork, actor: KnownStaff, staff_id: int, *, now: datetime
) -> Left:
    """Mark a member of staff at the hub as left: exactly `/leave` and `waypoint staff leave`
    (bot.services.offboarding.leave); their young people then need a new named worker."""

    async def act(manager: StaffRecord) -> Left:
        leaver = await _colleague(uow, manager, staff_id)
        return await leave(uow, leaver, by=_by(manager), now=now)

    return await as_manager(uow, actor, act, audit=None, now=now)


async def do_change_staff(
    uow: UnitOfWork,
    actor: KnownStaff,
    staff_id: int,
    *,
    role: Role | None,
    hub: str | None,
    now: datetime,
) -> Moved:
    """A new role and/or hub (of the same council): exactly `/move`
    (bot.services.offboarding.move), for staff whose role, before and after, is the manager's
    or operator's to give (bot.domain.access.may_grant_role); else refused and audited."""

    async def act(manager: StaffRecord) -> Moved:
        staff = await _colleague(uow, manager, staff_id)
        await check_may_give(uow, manager, staff, role, now=now)
        council = manager.hub.council_id
        new_hub = await hub_in_council(uow, council, hub) if hub else None
        return await move(uow, staff, by=_by(manager), now=now, role=role, hub=new_hub)

    return await as_manager(uow, actor, act, audit=None, now=now)


async def do_view_young_people(
    uow: UnitOfWork, actor: KnownStaff, *, now: datetime
) -> HubYoungPeople:
    """The hub's young people and their named workers; each young person shown is one
    audited look."""

    async def act(manager: StaffRecord) -> HubYoungPeople:
        rows = []
        for person in await uow.young_people.in_hub(manager.hub_id, limit=MOST_ROWS):
            worker = person.key_worker
            rows.append(YoungPersonRow(person.id, person.first_name, worker.id, worker.name))
            uow.audit.record(
                "console.young_person_admin_viewed",
                at=now,
                by=_by(manager),
                hub_id=person.hub_id,
                subject_type="young_person",
                subject_id=person.id,
            )
        workers = await uow.staff.in_hub(manager.hub_id, Role.KEY_WORKER.value)
        named = tuple(Worker(worker.id, worker.name) for worker in workers)
        return HubYoungPeople(manager.hub.name, tuple(rows), named)

    return await as_manager(uow, actor, act, audit=None, now=now)


async def do_reassign_young_person(
    uow: UnitOfWork, actor: KnownStaff, young_person_id: int, worker_id: int, *, now: datetime
) -> Reassigned:
    """A new named worker for a young person at the hub: exactly `/reassign`
    (bot.services.offboarding.reassign); the young person and both workers are told."""

    async def act(manager: StaffRecord) -> Reassigned:
        person = await _young_person(uow, manager, young_person_id)
        worker = await uow.staff.get(worker_id)
        if worker is None or worker.hub_id != manager.hub_id:
            raise StaffNotFound(name=f"#{worker_id}")
        return await reassign(uow, person, worker, by=_by(manager), now=now)

    return await as_manager(uow, actor, act, audit=None, now=now)


def _settings(hub_name: str, council: CouncilRecord) -> CouncilSettings:
    return CouncilSettings(
        hub_name,
        council.name,
        council.out_of_hours_phone,
        council.minutes_high,
        council.minutes_other,
        (council.office_opens_hour, council.office_closes_hour),
        council.on_call_first,
        council.police_liaison,
        (council.quiet_from_hour, council.quiet_until_hour),
        council.timezone,
    )


async def do_view_council(uow: UnitOfWork, actor: KnownStaff, *, now: datetime) -> CouncilSettings:
    """The settings of the hub's council (the look is audited)."""

    async def act(manager: StaffRecord) -> CouncilSettings:
        return _settings(manager.hub.name, manager.hub.council)

    return await as_manager(uow, actor, act, audit="console.council_viewed", now=now)
