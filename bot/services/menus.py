"""Telegram's command menu for each chat: a member of staff sees their role's commands
(bot.domain.access.commands_for), a young person theirs, in their own language.

A change that alters someone's menu (staff added, a role changed, someone leaves, a young
person links or changes language) marks their chat due, in the same transaction as the
change, from whichever process made it (the command line too). The clock's menus tick then
asks the database which chats are due and sets each one's menu with `setMyCommands` (scope:
that chat), outside any transaction; so a menu is set after a restart or a Telegram outage
too, and an instance that dies holding a chat only delays it by the lease.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

from bot.content.catalogue import Catalogue
from bot.content.render import render_line
from bot.domain.access import YOUNG_PERSON_COMMANDS, commands_for
from bot.domain.actors import KnownStaff, KnownYoungPerson
from bot.domain.outbox import Blocked, Outcome, Refused, Sent
from bot.domain.people import Role
from bot.domain.profiles import CommunicationProfile
from bot.services.people import profile_of
from bot.services.ports import Leased, UnitOfWork, UnitOfWorkFactory
from bot.services.staff_words import staff_text

# Long enough for a round of calls to Telegram; a dead instance's chats wait this long.
MENU_LEASE = timedelta(minutes=1)


@dataclass(frozen=True)
class MenuItem:
    """One command in the menu and what it does, in words from content/."""

    command: str
    description: str


class MenuSetter(Protocol):
    """Whatever sets a chat's menu in Telegram and says how it went."""

    async def set_menu(self, chat_id: int, items: Sequence[MenuItem]) -> Outcome:
        """Set this chat's menu to `items`."""

    async def clear_menu(self, chat_id: int) -> Outcome:
        """Take this chat's own menu away (Telegram's default shows instead)."""


def staff_menu(catalogue: Catalogue, role: Role) -> list[MenuItem]:
    """The commands a role may use, each with its menu words (`command_<name>`)."""
    return [
        MenuItem(command.value, staff_text(catalogue, f"command_{command.value}"))
        for command in commands_for(role)
    ]


def young_person_menu(catalogue: Catalogue, profile: CommunicationProfile) -> list[MenuItem]:
    """A young person's commands, in their language and reading level (no pictures: a menu
    line is one short line)."""
    plain = replace(profile, symbols=False)
    return [
        MenuItem(command, render_line(catalogue, f"young_command_{command}", {}, plain))
        for command in YOUNG_PERSON_COMMANDS
    ]


async def _wanted(uow: UnitOfWork, chat_id: int) -> list[MenuItem] | None:
    """The menu this chat should have now; None for nobody Waypoint knows (staff who left)."""
    catalogue = uow.postbox.catalogue
    match await uow.identities.writer(chat_id):
        case KnownStaff(role=role):
            return staff_menu(catalogue, role)
        case KnownYoungPerson():
            person = await uow.young_people.by_telegram_id(chat_id)
            if person is None:
                return None
            return young_person_menu(uow.postbox.catalogue_for(person), profile_of(person))
    return None


async def try_set_menus(
    uow: UnitOfWorkFactory, setter: MenuSetter, *, now: datetime, limit: int = 20
) -> int:
    """Set the menus of up to `limit` due chats; returns how many were due.

    Who a chat belongs to is looked up when the menu is set, not when it was marked, so a
    role changed twice in a minute ends with the menu of the role it has now.
    """
    async with uow() as work:
        claimed = await work.menus.claim(now=now, until=now + MENU_LEASE, limit=limit)
        wanted = [(leased, await _wanted(work, leased.chat_id)) for leased in claimed]
        await work.commit()
    finished: list[Leased] = []
    for leased, items in wanted:
        if items is None:
            outcome = await setter.clear_menu(leased.chat_id)
        else:
            outcome = await setter.set_menu(leased.chat_id, items)
        # Refused or blocked: a chat that has never opened the bot ("chat not found") gets its
        # menu when it does (/start marks it due). Slow down or try again: the lease runs out
        # and the next tick tries it again.
        if isinstance(outcome, Sent | Refused | Blocked):
            finished.append(leased)
    if finished:
        async with uow() as work:
            for leased in finished:
                await work.menus.done(leased)
            await work.commit()
    return len(claimed)
