"""Adding hub staff, and the councils and hubs they work in."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.domain.actors import OPERATOR, Actor
from bot.domain.errors import SetupError
from bot.domain.organisations import slugify
from bot.domain.people import Role
from bot.services.ports import UnitOfWork
from bot.services.records import HubRecord, StaffRecord


@dataclass(frozen=True)
class NewStaff:
    """What an operator gives to add a member of staff."""

    telegram_user_id: int
    name: str
    role: Role
    hub: str
    council: str | None = None
    # A hub or council that does not exist yet is made only when asked: a typo must not
    # quietly start a new hub (staff there would see none of their colleagues' alerts).
    create: bool = field(default=False, kw_only=True)


@dataclass(frozen=True)
class StaffAdded:
    """The outcome of adding staff, for the operator to read."""

    staff_id: int
    hub: str
    council: str
    new_hub: bool
    new_council: bool


CREATE_HINT = "--create-hub"


async def _find_or_make_hub(
    uow: UnitOfWork, new: NewStaff, now: datetime
) -> tuple[HubRecord, bool, bool]:
    hub_name, council_name = new.hub, new.council
    hub_slug = slugify(hub_name)
    if council_name is None:
        existing = await uow.organisations.hubs_named(hub_slug)
        if len(existing) == 1:
            return existing[0], False, False
        if existing:
            raise SetupError(f"more than one council has a hub called {hub_name!r}: add --council")
        if not new.create:
            raise SetupError(
                f"there is no hub called {hub_name!r}: check the spelling, or add"
                f" {CREATE_HINT} --council NAME to create it"
            )
        councils = await uow.organisations.councils()
        if len(councils) != 1:
            raise SetupError(
                f"hub {hub_name!r} is new: say which council it belongs to with --council"
            )
        council, new_council = councils[0], False
    else:
        found = await uow.organisations.council(slugify(council_name))
        if found is None and not new.create:
            known = ", ".join(sorted(c.name for c in await uow.organisations.councils()))
            raise SetupError(
                f"there is no council called {council_name!r}"
                f"{f' (councils: {known})' if known else ''}: check the spelling, or add"
                f" {CREATE_HINT} to create it and its hub {hub_name!r}"
            )
        new_council = found is None
        council = found or await uow.organisations.new_council(
            slug=slugify(council_name), name=council_name, now=now
        )
        hub = await uow.organisations.hub(council.id, hub_slug)
        if hub is not None:
            return hub, False, new_council
        if not new.create:
            raise SetupError(
                f"{council.name} has no hub called {hub_name!r}: check the spelling, or add"
                f" {CREATE_HINT} to create it"
            )
    hub = await uow.organisations.new_hub(council, slug=hub_slug, name=hub_name, now=now)
    return hub, True, new_council


async def add_to_hub(
    uow: UnitOfWork,
    hub: HubRecord,
    telegram_user_id: int,
    name: str,
    role: Role,
    *,
    by: Actor,
    now: datetime,
) -> StaffRecord:
    """Add a member of staff to a hub, in the caller's unit of work (audited): their chat
    gets their role's command menu (bot.services.menus)."""
    staff = await uow.staff.new(
        hub_id=hub.id, telegram_user_id=telegram_user_id, name=name, role=role, now=now
    )
    uow.menus.due(telegram_user_id, now=now)
    uow.audit.record(
        "staff.added", at=now, by=by, hub_id=hub.id, subject_type="staff", subject_id=staff.id
    )
    return staff


async def do_add_staff(uow: UnitOfWork, new: NewStaff, *, now: datetime) -> StaffAdded:
    """Add a member of staff; their hub and council are created only with `new.create`."""
    name = " ".join(new.name.split())
    if not name:
        raise SetupError("--name is empty: give the name young people know this person by")
    async with uow:
        if await uow.staff.by_telegram_id(new.telegram_user_id) is not None:
            raise SetupError(f"Telegram account {new.telegram_user_id} is already staff")
        if await uow.young_people.by_telegram_id(new.telegram_user_id) is not None:
            raise SetupError(f"Telegram account {new.telegram_user_id} belongs to a young person")
        hub, new_hub, new_council = await _find_or_make_hub(uow, new, now)
        staff = await add_to_hub(
            uow, hub, new.telegram_user_id, name, new.role, by=OPERATOR, now=now
        )
        await uow.commit()
        return StaffAdded(staff.id, hub.name, hub.council.name, new_hub, new_council)
