"""What a member of staff can do, in words: /help and /start per role (the commands their role
may use, bot.domain.access.commands_for), and examples with real names for every reply that
shows how a command is written: colleagues from their hub, and only young people they may see
(their own, or anyone at their hub for a role that sees the whole hub); content's stand-ins
otherwise. A command their role never uses is refused before anything is looked up."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from bot.content.catalogue import Catalogue
from bot.domain.access import (
    COVER_ROLES,
    NAMED_WORKERS,
    StaffCommand,
    commands_for,
    may_use,
    sees_hub_young_people,
)
from bot.domain.actors import KnownStaff
from bot.domain.errors import MayNotGoAway, MayNotList, MayNotManageStaff, NotForTheirRole
from bot.domain.people import Role
from bot.services.identity import staff_record
from bot.services.ports import UnitOfWork
from bot.services.records import StaffRecord, YoungPersonRecord
from bot.services.staff_words import role_name, staff_text


@dataclass(frozen=True)
class Examples:
    """Names for examples, from the sender's hub; content's stand-ins where it has none."""

    # A young person the sender may see (their own first, else anyone at the hub for a role
    # that sees the whole hub), and their Waypoint number.
    young_person: str
    number: str
    # Colleagues at the hub: anyone, one who can cover, and a key worker.
    colleague: str
    cover: str
    key_worker: str
    concern: str
    # Someone who is not on Waypoint yet, for /invite.
    new_name: str

    def values(self) -> dict[str, str]:
        """As values for a message's placeholders."""
        return asdict(self)


def _first_name(name: str) -> str:
    # Staff commands take a first name (or the full name); the example shows the shorter.
    return name.split(maxsplit=1)[0]


# The refusal that says why, for commands that have their own; any other command a role
# never uses gets the general one (`command_not_for_role`).
_REFUSALS: dict[StaffCommand, type[NotForTheirRole]] = {
    StaffCommand.CONCERNS: MayNotList,
    StaffCommand.AWAY: MayNotGoAway,
    StaffCommand.BACK: MayNotGoAway,
    **dict.fromkeys(
        (
            StaffCommand.INVITES,
            StaffCommand.REVOKE,
            StaffCommand.REASSIGN,
            StaffCommand.MOVE,
            StaffCommand.LEAVE,
        ),
        MayNotManageStaff,
    ),
}


def check_may_use(role: Role, command: StaffCommand) -> None:
    """Refuse a command this role never uses (bot.domain.access.may_use), before anything
    (a young person, an example) is looked up for it."""
    if not may_use(role, command):
        raise _REFUSALS.get(command, NotForTheirRole)()


async def example_young_person(uow: UnitOfWork, staff: StaffRecord) -> YoungPersonRecord | None:
    """A young person at their hub this member of staff may see, for examples: one of their
    own (as named worker or life coach), else, for a role that sees the whole hub, whoever
    linked first there; None for anyone else."""
    own = [
        *await uow.young_people.linked_to(staff.id),
        *await uow.young_people.coached_by(staff.id),
    ]
    mine = [person for person in own if person.hub_id == staff.hub_id]
    if mine:
        return mine[0]
    if sees_hub_young_people(Role(staff.role)):
        return await uow.young_people.first_in_hub(staff.hub_id)
    return None


async def examples_at(uow: UnitOfWork, staff: StaffRecord) -> Examples:
    """In the caller's unit of work: names for examples, from this member of staff's hub and
    from the young people they may see."""
    catalogue = uow.postbox.catalogue
    person = await example_young_person(uow, staff)
    others = [s for s in await uow.staff.in_hub_any_role(staff.hub_id) if s.id != staff.id]
    cover = next((s for s in others if Role(s.role) in COVER_ROLES), None)
    key_worker = next((s for s in others if Role(s.role) in NAMED_WORKERS), None)
    colleague = staff_text(catalogue, "example_colleague")

    def name_of(found: StaffRecord | None) -> str:
        return _first_name(found.name) if found is not None else colleague

    return Examples(
        young_person=person.first_name
        if person
        else staff_text(catalogue, "example_young_person"),
        number=str(person.id) if person else staff_text(catalogue, "example_number"),
        colleague=name_of(others[0] if others else None),
        cover=name_of(cover),
        key_worker=name_of(key_worker),
        concern=staff_text(catalogue, "example_concern"),
        new_name=staff_text(catalogue, "example_new_young_person"),
    )


async def do_examples(uow: UnitOfWork, actor: KnownStaff, command: StaffCommand) -> dict[str, str]:
    """Names for the examples in how `command` is written (read only); refused first (see
    `check_may_use`) when the sender's role never uses it."""
    check_may_use(actor.role, command)
    async with uow.reading():
        return (await examples_at(uow, await staff_record(uow, actor))).values()


def help_values(catalogue: Catalogue, staff: StaffRecord, examples: Examples) -> dict[str, str]:
    """The values of `staff_help` for this member of staff: their role as it is stored now,
    and one line for each command that role may use."""
    role = Role(staff.role)
    lines = (
        staff_text(catalogue, f"help_{command.value}", **examples.values())
        for command in commands_for(role)
    )
    return {
        "name": staff.name,
        "role": role_name(catalogue, role),
        "hub": staff.hub.name,
        "about": staff_text(catalogue, f"role_about_{role.value}"),
        "commands": "\n".join(lines),
    }


async def do_staff_help(
    uow: UnitOfWork, actor: KnownStaff, *, now: datetime, refresh_menu: bool = False
) -> None:
    """`/help` or `/start` from staff: the commands their role may use, with examples; with
    `refresh_menu`, their command menu in Telegram is set again too (a menu first tried
    before they had ever opened the bot could not be set then)."""
    async with uow:
        staff = await staff_record(uow, actor)
        examples = await examples_at(uow, staff)
        values = help_values(uow.postbox.catalogue, staff, examples)
        uow.postbox.to_staff(staff, "staff_help", values, now=now)
        if refresh_menu:
            uow.menus.due(staff.telegram_user_id, now=now)
        await uow.commit()
