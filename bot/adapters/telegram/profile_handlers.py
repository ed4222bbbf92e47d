"""Handlers for communication profiles and choices: /profile for staff, /language and /symbols
for young people, and taps on choice buttons (written answers go through bot.services.hearing).

Each parses the update and calls one service in bot.services.profiles.
"""

from __future__ import annotations

from datetime import timedelta

from telegram import Update

from bot.adapters.telegram.context import waypoint_of
from bot.adapters.telegram.handlers import Answer, Context, courtesy, for_sender, for_staff
from bot.adapters.telegram.keyboards import parse_choice
from bot.domain.access import StaffCommand
from bot.domain.actors import KnownStaff
from bot.domain.profiles import SETTINGS
from bot.services import choices, profiles
from bot.services.staff_help import do_examples
from bot.services.staff_words import minutes


def parse_profile(words: list[str]) -> profiles.ProfileAsked | None:
    """`Sam`, or `Sam language ar`; None without a name."""
    if not words:
        return None
    setting = words[1] if len(words) > 1 else ""
    return profiles.ProfileAsked(words[0], setting, " ".join(words[2:]))


async def on_profile(update: Update, context: Context) -> None:
    """Staff: `/profile Sam` shows how Waypoint writes to Sam; `/profile Sam reading easy`."""
    asked = parse_profile(list(context.args or []))
    waypoint = waypoint_of(context)

    async def act(actor: KnownStaff) -> Answer:
        if asked is None:
            examples = await do_examples(waypoint.uow(), actor, StaffCommand.PROFILE)
            return Answer("profile_usage", {"settings": SETTINGS, **examples})
        match await profiles.do_profile_command(
            waypoint.uow(), actor, asked, now=waypoint.clock()
        ):
            case profiles.ProfileShown(name, lines, number):
                shown = {"name": name, "summary": lines, "number": str(number)}
                return Answer("profile_shown", shown)
            case profiles.ProfileChanged(name, setting, value):
                settle = minutes(waypoint.catalogue, profiles.TELL_AFTER // timedelta(minutes=1))
                told = {"name": name, "setting": setting, "value": value, "settle": settle}
                return Answer("profile_updated", told)

    await for_staff(update, context, act)


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
        waypoint.uow(), update.effective_user.id, *choice[:2], ref=choice[2], now=waypoint.clock()
    ):
        # A choice is made once: a second tap on an old keyboard would be confusing.
        await courtesy(query.edit_message_reply_markup(reply_markup=None))
    # Only a courtesy (stopping the spinner): the choice is already committed.
    await courtesy(query.answer())
