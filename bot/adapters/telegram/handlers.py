"""Handlers for joining Waypoint: /start with an invite code, /invite, and everything else.

Each handler parses the update and calls one service. Messages to young people and staff are
queued in the outbox by that service, in the same transaction as the change behind them. Only
strangers, whom Waypoint does not record, are answered directly.
Nobody's words are logged: log lines carry update ids and exception types only.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime

from telegram import Update
from telegram.ext import ContextTypes

from bot.adapters.db.uow import SqlUnitOfWork
from bot.adapters.telegram.context import Waypoint, waypoint_of
from bot.domain.errors import WaypointError
from bot.services import invites, replies

_LOG = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE


async def answer_directly(
    update: Update,
    waypoint: Waypoint,
    message_id: str = "stranger",
    values: Mapping[str, str] | None = None,
) -> None:
    """Reply straight away, not through the outbox: for people Waypoint keeps nothing about."""
    # Only for strangers, who are not recorded, and when the database itself failed.
    if update.effective_chat is not None:
        text = waypoint.catalogue.render(message_id, values or {})
        await update.effective_chat.send_message(text)


async def _tell(
    update: Update, waypoint: Waypoint, user_id: int, message_id: str, values: Mapping[str, str]
) -> None:
    """Tell a known person through the outbox, or a stranger directly."""
    if not await replies.do_tell(
        waypoint.uow(), user_id, message_id, values, now=waypoint.clock()
    ):
        await answer_directly(update, waypoint, message_id)


async def on_start(update: Update, context: Context) -> None:
    """Link a young person who opened an invite link; greet anyone else."""
    waypoint = waypoint_of(context)
    if update.effective_user is None:
        return
    user_id = update.effective_user.id
    if not context.args:
        if not await replies.do_greet(waypoint.uow(), user_id, now=waypoint.clock()):
            await answer_directly(update, waypoint)
        return
    try:
        await invites.do_redeem_invite(
            waypoint.uow(), telegram_user_id=user_id, code=context.args[0], now=waypoint.clock()
        )
    except WaypointError as error:
        await _tell(update, waypoint, user_id, error.message_id, error.values)


async def on_invite(update: Update, context: Context) -> None:
    """Give a key worker a single-use link for the young person they name."""
    waypoint = waypoint_of(context)
    if update.effective_user is None:
        return
    user_id = update.effective_user.id
    try:
        await invites.do_create_invite(
            waypoint.uow(),
            worker_telegram_id=user_id,
            first_name=" ".join(context.args or []),
            now=waypoint.clock(),
            send_link_as=context.bot.username,
        )
    except WaypointError as error:
        await _tell(update, waypoint, user_id, error.message_id, error.values)


async def on_anything_else(update: Update, context: Context) -> None:
    """Answer any other message with the greeting for whoever sent it."""
    waypoint = waypoint_of(context)
    if update.effective_user is None:
        return
    if not await replies.do_greet(waypoint.uow(), update.effective_user.id, now=waypoint.clock()):
        await answer_directly(update, waypoint)


# A service run for whoever sent the update: (unit of work, their Telegram id, now) -> whether
# it was for them. False means "not yours to do", and they get the usual greeting instead.
SenderAct = Callable[[SqlUnitOfWork, int, datetime], Awaitable[bool]]


async def for_sender(update: Update, context: Context, act: SenderAct) -> None:
    """Run `act` for the sender of a command; anyone it is not for is greeted as usual."""
    waypoint = waypoint_of(context)
    if update.effective_user is None:
        return
    if not await act(waypoint.uow(), update.effective_user.id, waypoint.clock()):
        await on_anything_else(update, context)


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
        # Direct, not queued: the database may be what failed.
        try:
            await answer_directly(update, waypoint_of(context), "error_general")
        except Exception:  # a courtesy reply; the failure is already logged
            _LOG.warning("could not tell the sender of update %s about the failure", update_id)
