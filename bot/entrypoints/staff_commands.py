"""`waypoint staff leave|move`, `waypoint young-person reassign` and `waypoint invite
list|revoke`: what an operator does when staff leave or change jobs.

Operators read plain English here; a refusal is one line saying what to do instead.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable

from bot.adapters.db.migrate import upgrade
from bot.adapters.db.uow import UnitOfWorkFactory
from bot.clock import system_clock
from bot.config import Settings
from bot.domain.errors import (
    AlreadyTheirWorker,
    CannotBeNamedWorker,
    InviteNotOpen,
    NoSuchHub,
    SetupError,
    StillNamedWorker,
    WaypointError,
)
from bot.domain.people import Role
from bot.entrypoints import commands
from bot.entrypoints.bootstrap import bootstrap
from bot.services.invite_admin import OpenInvite, do_revoke_invite, open_invites
from bot.services.offboarding import Left, do_leave, do_move, do_reassign, role_words

_REFUSALS: dict[type[WaypointError], str] = {
    StillNamedWorker: "{name} is still the key worker of {young_people}: give each of them a"
    " new worker first (waypoint young-person reassign ID --to-worker-telegram-id N)",
    NoSuchHub: "there is no hub called {hub} in their council; nothing was changed",
    CannotBeNamedWorker: "{worker} cannot be a young person's key worker: choose a key_worker"
    " in the same council who has not left",
    AlreadyTheirWorker: "{worker} is already {name}'s key worker; nothing was changed",
    InviteNotOpen: "invite {id} could not be used anyway (used, withdrawn or expired)",
}
REASSIGN_HINT = "waypoint young-person reassign ID --to-worker-telegram-id N"


def _act(settings: Settings, act: Callable[[UnitOfWorkFactory], Awaitable[str]]) -> None:
    """Run one service against the database and print what it says."""
    upgrade(settings.database_url)

    async def run() -> str:
        running = bootstrap(settings)
        try:
            return await act(running.waypoint.uow)
        except WaypointError as refusal:
            text = _REFUSALS.get(type(refusal), type(refusal).__name__)
            raise SetupError(text.format(**refusal.values)) from None
        finally:
            await running.close()

    sys.stdout.write(asyncio.run(run()) + "\n")


def staff(args: argparse.Namespace, settings: Settings) -> None:
    """`waypoint staff add|leave|move`."""
    if args.action == "add":
        commands.staff_add(args, settings)
    elif args.action == "leave":
        _act(settings, lambda uow: _leave(uow, args.telegram_id, args.reassign_to_telegram_id))
    else:
        if args.role is None and args.hub is None:
            raise SetupError("say what changes: --role, --hub or both")
        role = Role(args.role) if args.role else None
        _act(settings, lambda uow: _move(uow, args.telegram_id, role, args.hub))


async def _leave(uow: UnitOfWorkFactory, telegram_id: int, to: int | None) -> str:
    left = await do_leave(uow(), telegram_id, now=system_clock(), reassign_to=to)
    return "\n".join(_left_lines(left))


def _left_lines(left: Left) -> list[str]:
    lines = [
        f"{left.name} has left: nothing more will go to {left.name}.",
        f"Invite links withdrawn: {left.invites_revoked}. Waiting messages dropped: "
        f"{left.messages_dropped}. Concerns passed on: {left.concerns_looked_at}.",
    ]
    if left.reassigned:
        lines.append(
            f"{left.reassigned_to} is now the key worker of {', '.join(left.reassigned)};"
            " they will be told."
        )
    if left.still_linked:
        people = ", ".join(f"{p.first_name} ({p.young_person_id})" for p in left.still_linked)
        lines.append(f"Young people who need a new key worker: {people}. For each:")
        lines.append(f"  {REASSIGN_HINT}")
    return lines


async def _move(
    uow: UnitOfWorkFactory, telegram_id: int, role: Role | None, hub: str | None
) -> str:
    moved = await do_move(uow(), telegram_id, now=system_clock(), role=role, hub=hub)
    withdrawn = (
        f" Invite links withdrawn: {moved.invites_revoked}." if moved.invites_revoked else ""
    )
    return (
        f"{moved.name} is now {role_words(moved.role)} at {moved.hub}; {moved.name} will be"
        f" told.{withdrawn}"
    )


def young_person(args: argparse.Namespace, settings: Settings) -> None:
    """`waypoint young-person reassign ID --to-worker-telegram-id N`."""

    async def act(uow: UnitOfWorkFactory) -> str:
        done = await do_reassign(
            uow(), args.young_person, to_worker=args.to_worker_telegram_id, now=system_clock()
        )
        return (
            f"{done.first_name} (young person {done.young_person_id}) now has {done.worker} as"
            f" key worker, at {done.hub}. {done.first_name} and {done.worker} will be told."
        )

    _act(settings, act)


def invite(args: argparse.Namespace, settings: Settings) -> None:
    """`waypoint invite create|list|revoke`."""
    if args.action == "create":
        commands.invite_create(args, settings)
    elif args.action == "list":
        _act(settings, _invite_table)
    else:
        _act(settings, lambda uow: _revoke(uow, args.id))


async def _invite_table(uow: UnitOfWorkFactory) -> str:
    invites = await open_invites(uow(), now=system_clock())
    if not invites:
        return "No invite links are waiting to be used."
    lines = ["id\tfor\tfrom\thub\tworks until (UTC)"]
    lines += [
        f"{i.id}\t{i.first_name}\t{i.worker}\t{i.hub}\t{i.expires_at:%Y-%m-%d %H:%M}"
        for i in invites
    ]
    return "\n".join(lines)


async def _revoke(uow: UnitOfWorkFactory, invite_id: int) -> str:
    done: OpenInvite = await do_revoke_invite(uow(), invite_id, now=system_clock())
    return (
        f"Invite {done.id} for {done.first_name} (from {done.worker}) is withdrawn: its link"
        " no longer works."
    )
