"""Handlers for joining Waypoint: /start with an invite code, /invite, and everything else.

Each handler parses the update, calls one service and renders content by message id.
Nobody's words are logged: log lines carry update ids and exception types only.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ContextTypes

from bot.adapters.telegram.context import Waypoint, waypoint_of
from bot.content.catalogue import Level
from bot.domain.errors import WaypointError
from bot.domain.invites import deep_link
from bot.domain.people import StaffMember, YoungPerson
from bot.i18n.dates import concrete_datetime
from bot.services import invites, people

_LOG = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE


async def _reply(update: Update, text: str) -> None:
    if update.effective_chat is not None:
        await update.effective_chat.send_message(text)


def _greeting(waypoint: Waypoint, who: StaffMember | YoungPerson | None) -> str:
    """What someone gets when they write without asking for anything the bot knows."""
    catalogue = waypoint.catalogue
    if isinstance(who, StaffMember):
        return catalogue.text("staff_home", level=Level.STANDARD, name=who.name)
    if isinstance(who, YoungPerson):
        return catalogue.text(
            "home", language=who.language, name=who.first_name, worker=who.worker_name
        )
    return catalogue.text("stranger")


def _refusal(waypoint: Waypoint, error: WaypointError) -> str:
    return waypoint.catalogue.render(error.message_id, error.values)


async def on_start(update: Update, context: Context) -> None:
    """Link a young person who opened an invite link; greet anyone else."""
    waypoint = waypoint_of(context)
    user = update.effective_user
    if user is None:
        return
    if not context.args:
        who = await people.who_is(waypoint.uow(), user.id)
        await _reply(update, _greeting(waypoint, who))
        return
    try:
        linked = await invites.do_redeem_invite(
            waypoint.uow(), telegram_user_id=user.id, code=context.args[0], now=waypoint.clock()
        )
    except WaypointError as error:
        await _reply(update, _refusal(waypoint, error))
        return
    person = linked.young_person
    await _reply(
        update,
        waypoint.catalogue.text(
            "welcome", language=person.language, name=person.first_name, worker=person.worker_name
        ),
    )
    await context.bot.send_message(
        linked.worker_telegram_id,
        waypoint.catalogue.text(
            "young_person_joined", level=Level.STANDARD, name=person.first_name
        ),
    )


async def on_invite(update: Update, context: Context) -> None:
    """Give a key worker a single-use link for the young person they name."""
    waypoint = waypoint_of(context)
    if update.effective_user is None:
        return
    try:
        created = await invites.do_create_invite(
            waypoint.uow(),
            worker_telegram_id=update.effective_user.id,
            first_name=" ".join(context.args or []),
            now=waypoint.clock(),
        )
    except WaypointError as error:
        await _reply(update, _refusal(waypoint, error))
        return
    text = waypoint.catalogue.text(
        "invite_created",
        level=Level.STANDARD,
        name=created.first_name,
        link=deep_link(context.bot.username, created.code),
        expires=concrete_datetime(created.expires_at, waypoint.zone),
    )
    await _reply(update, text)


async def on_anything_else(update: Update, context: Context) -> None:
    """Answer any other message with the greeting for whoever sent it."""
    waypoint = waypoint_of(context)
    if update.effective_user is None:
        return
    who = await people.who_is(waypoint.uow(), update.effective_user.id)
    await _reply(update, _greeting(waypoint, who))


async def on_error(update: object, context: Context) -> None:
    """Log what failed without anyone's words, and tell the person to try again."""
    update_id = update.update_id if isinstance(update, Update) else None
    error = context.error
    _LOG.error(
        "handler failed for update %s: %s",
        update_id,
        type(error).__name__,
        exc_info=(type(error), error, error.__traceback__) if error else None,
    )
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await update.effective_chat.send_message(
                waypoint_of(context).catalogue.text("error_general")
            )
        except Exception:  # a courtesy reply; the failure is already logged
            _LOG.warning("could not tell the sender of update %s about the failure", update_id)
