"""Handlers for managers and operators looking after their hub: /leave, /move, /reassign,
/invites and /revoke.

Each parses the command's words into a typed request (None when they do not fit, so the
sender is shown how) and calls one service in bot.services.staff_admin. Anyone who may not
do it is greeted as usual.
"""

from __future__ import annotations

from telegram import Update

from bot.adapters.telegram.handlers import Context, for_sender
from bot.domain.numbers import whole_number
from bot.domain.people import Role
from bot.services import staff_admin
from bot.services.staff_admin import MoveAsked, ReassignAsked

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


async def on_leave(update: Update, context: Context) -> None:
    """`/leave Jo`: Jo has left the hub; nothing more goes to Jo."""
    name = " ".join(context.args or []) or None
    await for_sender(
        update,
        context,
        lambda uow, user, now: staff_admin.do_leave_command(uow, user, name, now=now),
    )


async def on_move(update: Update, context: Context) -> None:
    """`/move Jo role duty` or `/move Jo hub Scarborough`."""
    asked = parse_move(list(context.args or []))
    await for_sender(
        update,
        context,
        lambda uow, user, now: staff_admin.do_move_command(uow, user, asked, now=now),
    )


async def on_reassign(update: Update, context: Context) -> None:
    """`/reassign Sam Lee`: Lee is Sam's key worker from now on."""
    asked = parse_reassign(list(context.args or []))
    await for_sender(
        update,
        context,
        lambda uow, user, now: staff_admin.do_reassign_command(uow, user, asked, now=now),
    )


async def on_invites(update: Update, context: Context) -> None:
    """`/invites`: the hub's invite links that still work."""
    await for_sender(
        update, context, lambda uow, user, now: staff_admin.do_list_invites(uow, user, now=now)
    )


async def on_revoke(update: Update, context: Context) -> None:
    """`/revoke 3`: invite 3's link stops working."""
    args = context.args or []
    number = whole_number(args[0]) if len(args) == 1 else None
    await for_sender(
        update,
        context,
        lambda uow, user, now: staff_admin.do_revoke_command(uow, user, number, now=now),
    )
