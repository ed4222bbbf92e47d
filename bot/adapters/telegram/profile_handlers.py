"""Handlers for communication profiles and choices: /profile for staff, /language and /symbols
for young people, and taps on choice buttons (written answers go through bot.services.hearing).

Each parses the update and calls one service in bot.services.profiles.
"""

from __future__ import annotations

from telegram import Update

from bot.adapters.telegram.context import waypoint_of
from bot.adapters.telegram.handlers import Context, courtesy, for_sender
from bot.adapters.telegram.keyboards import parse_choice
from bot.services import choices, profiles


async def on_profile(update: Update, context: Context) -> None:
    """Staff: `/profile Sam` shows how Waypoint writes to Sam; `/profile Sam reading easy`."""
    words = list(context.args or [])
    await for_sender(
        update,
        context,
        lambda uow, user, now: profiles.do_profile_command(uow, user, words, now=now),
    )


async def _ask(update: Update, context: Context, setting: str) -> None:
    await for_sender(
        update,
        context,
        lambda uow, user, now: profiles.do_ask_own_setting(uow, user, setting, now=now),
    )


async def on_language(update: Update, context: Context) -> None:
    """A young person asks to change the language Waypoint writes in."""
    await _ask(update, context, "language")


async def on_symbols(update: Update, context: Context) -> None:
    """A young person asks to turn pictures on or off."""
    await _ask(update, context, "symbols")


async def on_choice(update: Update, context: Context) -> None:
    """A tap on a choice button: stop the spinner, take the buttons away, act on the choice."""
    query = update.callback_query
    if query is None or update.effective_user is None:
        return
    choice = parse_choice(query.data)
    waypoint = waypoint_of(context)
    if choice is not None and await choices.do_choose(
        waypoint.uow(), update.effective_user.id, *choice, now=waypoint.clock()
    ):
        # A choice is made once: a second tap on an old keyboard would be confusing.
        await courtesy(query.edit_message_reply_markup(reply_markup=None))
    # Only a courtesy (stopping the spinner): the choice is already committed.
    await courtesy(query.answer())
