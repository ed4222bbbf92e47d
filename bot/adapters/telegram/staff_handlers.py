"""Handlers for managers and operators looking after their hub: /leave, /move, /reassign,
/invites and /revoke.

Each parses the command's words into a typed request (None when they do not fit, so the
sender is shown how), calls one service in bot.services.staff_admin and turns what it did
into an answer. Anyone who may not do it is greeted as usual.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram import Update

from bot.adapters.telegram.context import Waypoint, waypoint_of
from bot.adapters.telegram.handlers import Answer, Context, for_staff
from bot.domain.access import StaffCommand
from bot.domain.actors import KnownStaff
from bot.domain.numbers import whole_number
from bot.domain.people import Role
from bot.i18n.dates import concrete_datetime
from bot.services import staff_admin
from bot.services.invite_admin import OpenInvite
from bot.services.offboarding import role_words
from bot.services.staff_admin import MoveAsked, ReassignAsked
from bot.services.staff_help import do_examples
from bot.services.staff_words import staff_text

T = TypeVar("T")

_SETTINGS = ("role", "hub")


def parse_move(words: list[str]) -> MoveAsked | None:
    """`Jo role duty`, `Jo Smith hub Scarborough North`; None if it is neither."""
    lowered = [word.lower() for word in words]
    at = next((i for i, word in enumerate(lowered) if i > 0 and word in _SETTINGS), None)
    if at is None or at == len(words) - 1:
        return None
    name, value = " ".join(words[:at]), " ".join(words[at + 1 :])
    if lowered[at] == "hub":
        return MoveAsked(name, hub=value)
    try:
        return MoveAsked(name, role=Role(value.lower().replace(" ", "_")))
    except ValueError:  # not a role: the sender is shown the roles there are
        return None


def parse_reassign(words: list[str]) -> ReassignAsked | None:
    """`Sam Lee` (or `#12 Lee Smith`): the young person, then the new key worker."""
    return ReassignAsked(words[0], " ".join(words[1:])) if len(words) >= 2 else None


def _manager_command(
    update: Update,
    context: Context,
    usage: Answer,
    command: T | None,
    act: Callable[[KnownStaff, T], Awaitable[Answer]],
    *,
    which: StaffCommand,
) -> Awaitable[None]:
    """A manager's command (`which`): refused for other roles first, then shown how if it did
    not parse (with examples they may see), then done."""

    async def run(actor: KnownStaff) -> Answer:
        staff_admin.check_manager(actor)
        if command is None:
            examples = await do_examples(waypoint_of(context).uow(), actor, which)
            return Answer(usage.message_id, {**examples, **usage.values})
        return await act(actor, command)

    return for_staff(update, context, run)


async def on_leave(update: Update, context: Context) -> None:
    """`/leave Jo`: Jo has left the hub; nothing more goes to Jo."""
    waypoint = waypoint_of(context)

    async def act(actor: KnownStaff, name: str) -> Answer:
        left = await staff_admin.do_leave_command(
            waypoint.uow(), actor, name, now=waypoint.clock()
        )
        names = ", ".join(person.first_name for person in left.still_linked)
        message = "staff_left" if names else "staff_left_nobody_linked"
        return Answer(message, {"name": left.name, "young_people": names})

    name = " ".join(context.args or []) or None
    await _manager_command(
        update, context, Answer("leave_usage"), name, act, which=StaffCommand.LEAVE
    )


async def on_move(update: Update, context: Context) -> None:
    """`/move Jo role duty` or `/move Jo hub Scarborough`."""
    waypoint = waypoint_of(context)

    async def act(actor: KnownStaff, asked: MoveAsked) -> Answer:
        moved = await staff_admin.do_move_command(
            waypoint.uow(), actor, asked, now=waypoint.clock()
        )
        where = {"name": moved.name, "role": role_words(moved.role), "hub": moved.hub}
        return Answer("staff_moved", where)

    usage = Answer("move_usage", {"roles": staff_admin.ROLES})
    await _manager_command(
        update, context, usage, parse_move(list(context.args or [])), act, which=StaffCommand.MOVE
    )


async def on_reassign(update: Update, context: Context) -> None:
    """`/reassign Sam Lee`: Lee is Sam's key worker from now on."""
    waypoint = waypoint_of(context)

    async def act(actor: KnownStaff, asked: ReassignAsked) -> Answer:
        done = await staff_admin.do_reassign_command(
            waypoint.uow(), actor, asked, now=waypoint.clock()
        )
        return Answer("young_person_reassigned", {"name": done.first_name, "worker": done.worker})

    asked = parse_reassign(list(context.args or []))
    await _manager_command(
        update, context, Answer("reassign_usage"), asked, act, which=StaffCommand.REASSIGN
    )


async def on_invites(update: Update, context: Context) -> None:
    """`/invites`: the hub's invite links that still work."""
    waypoint = waypoint_of(context)

    async def act(actor: KnownStaff) -> Answer:
        invites = await staff_admin.do_list_invites(waypoint.uow(), actor, now=waypoint.clock())
        if not invites:
            return Answer("invites_none")
        lines = "\n".join(_invite_line(waypoint, invite) for invite in invites)
        return Answer("invites_open", {"lines": lines, "example": str(invites[0].id)})

    await for_staff(update, context, act)


def _invite_line(waypoint: Waypoint, invite: OpenInvite) -> str:
    return staff_text(
        waypoint.catalogue,
        "invites_open_line",
        id=str(invite.id),
        name=invite.first_name,
        worker=invite.worker,
        expires=concrete_datetime(invite.expires_at, waypoint.zone),
    )


async def on_revoke(update: Update, context: Context) -> None:
    """`/revoke 3`: invite 3's link stops working."""
    waypoint = waypoint_of(context)

    async def act(actor: KnownStaff, number: int) -> Answer:
        invite = await staff_admin.do_revoke_command(
            waypoint.uow(), actor, number, now=waypoint.clock()
        )
        return Answer("invite_revoked", {"id": str(invite.id), "name": invite.first_name})

    args = context.args or []
    number = whole_number(args[0]) if len(args) == 1 else None
    await _manager_command(
        update, context, Answer("revoke_usage"), number, act, which=StaffCommand.REVOKE
    )
