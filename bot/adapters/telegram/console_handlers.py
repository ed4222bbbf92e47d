"""`/console`: a single-use link to the staff console; `/console off`: sign out of it
everywhere. Anyone who is not staff is greeted as usual, and never sent a link."""

from __future__ import annotations

from telegram import Update

from bot.adapters.telegram.context import waypoint_of
from bot.adapters.telegram.handlers import Answer, Context, for_staff
from bot.domain.actors import KnownStaff
from bot.services import console_login

OFF = "off"


async def on_console(update: Update, context: Context) -> None:
    """`/console` (a link, queued to them by the service) or `/console off`."""
    waypoint = waypoint_of(context)
    words = [word.lower() for word in context.args or []]

    async def act(actor: KnownStaff) -> Answer | None:
        if words == [OFF]:
            await console_login.do_sign_out_everywhere(waypoint.uow(), actor, now=waypoint.clock())
            return None
        command = console_login.IssueLink(waypoint.console_url)
        await console_login.do_issue_link(waypoint.uow(), actor, command, now=waypoint.clock())
        return None

    await for_staff(update, context, act)
