"""Handlers for joining Waypoint: /start with an invite code, /invite, and everything else.

Each handler parses the update and calls one service. Every answer, to strangers too, is
queued in the outbox by that service, in the same transaction as the change behind it.
Nobody's words are logged: log lines carry update ids and exception types only.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.adapters.db.inbox import AlreadyHandled, handling
from bot.adapters.db.uow import SqlUnitOfWork
from bot.adapters.telegram.context import WaypointContext, waypoint_of
from bot.domain.actors import KnownStaff
from bot.domain.errors import WaypointError
from bot.services import identity, invites, kept_words, replies, staff_help
from bot.services.staff_words import role_name

_LOG = logging.getLogger(__name__)
Context = WaypointContext
# A courtesy call (stopping a button's spinner) must never hold up the next update for long.
COURTESY_TIMEOUT = 3.0


async def courtesy(call: Awaitable[Any]) -> None:
    """Make a call whose failure changes nothing (answering a button, removing a keyboard).

    The work the tap asked for is done and committed first; Telegram refusing the courtesy
    ("query is too old") or being slow must not undo or delay it.
    """
    try:
        await asyncio.wait_for(call, COURTESY_TIMEOUT)
    except (TelegramError, TimeoutError) as error:
        _LOG.info("a courtesy call to Telegram failed: %s", type(error).__name__)


@dataclass(frozen=True)
class Answer:
    """What to tell the person who sent a command: a content message and its values."""

    message_id: str
    values: Mapping[str, str] = field(default_factory=dict)


async def identify(update: Update, context: Context) -> None:
    """Work out who is writing, once per update, before any other handler (group -1)."""
    if update.effective_user is not None:
        waypoint = waypoint_of(context)
        context.writer = await identity.writer_of(waypoint.uow(), update.effective_user.id)


async def for_staff(
    update: Update, context: Context, act: Callable[[KnownStaff], Awaitable[Answer | None]]
) -> None:
    """Run a staff command for its sender: anyone else is greeted as usual, and a refusal
    (a domain error) is told to them in its own words, which may name their role."""
    actor = context.writer
    if not isinstance(actor, KnownStaff):
        await on_anything_else(update, context)
        return
    waypoint = waypoint_of(context)
    try:
        answer = await act(actor)
    except WaypointError as error:
        role = role_name(waypoint.catalogue, actor.role)
        answer = Answer(error.message_id, {"role": role, **error.values})
    if answer is not None:
        await replies.do_tell_staff(
            waypoint.uow(), actor, answer.message_id, answer.values, now=waypoint.clock()
        )


async def on_staff_help(actor: KnownStaff, context: Context, *, asked: bool = True) -> None:
    """Staff's /help and /start (`asked`), and anything else they write: the commands their
    role may use, with examples from their hub; asking sets their command menu again too.
    It is their look in: words their young people left for them come first."""
    waypoint = waypoint_of(context)
    await kept_words.do_worker_looks_in(waypoint.uow(), actor, now=waypoint.clock())
    await staff_help.do_staff_help(waypoint.uow(), actor, now=waypoint.clock(), refresh_menu=asked)


async def on_help(update: Update, context: Context) -> None:
    """`/help`: staff get their role's commands; a young person their home; anyone else the
    usual greeting."""
    if isinstance(context.writer, KnownStaff):
        await on_staff_help(context.writer, context)
        return
    await on_anything_else(update, context)


async def _tell(
    waypoint_context: Context, user_id: int, message_id: str, values: Mapping[str, str]
) -> None:
    waypoint = waypoint_of(waypoint_context)
    await replies.do_tell(waypoint.uow(), user_id, message_id, values, now=waypoint.clock())


async def on_start(update: Update, context: Context) -> None:
    """Link a young person who opened an invite link; greet anyone else."""
    waypoint = waypoint_of(context)
    if update.effective_user is None:
        return
    user_id = update.effective_user.id
    if not context.args:
        if isinstance(context.writer, KnownStaff):
            await on_staff_help(context.writer, context)
            return
        # A young person's /start also ends a pause (/stop).
        await replies.do_greet(waypoint.uow(), user_id, now=waypoint.clock(), started=True)
        return
    try:
        await invites.do_redeem_invite(
            waypoint.uow(), telegram_user_id=user_id, code=context.args[0], now=waypoint.clock()
        )
    except WaypointError as error:
        await _tell(context, user_id, error.message_id, error.values)


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
            console_url=waypoint.console_url,
        )
    except WaypointError as error:
        await _tell(context, user_id, error.message_id, error.values)


async def on_anything_else(update: Update, context: Context) -> None:
    """Answer any other message: staff with their commands, anyone else with the greeting."""
    waypoint = waypoint_of(context)
    if update.effective_user is None:
        return
    if isinstance(context.writer, KnownStaff):
        await on_staff_help(context.writer, context, asked=False)
        return
    await replies.do_greet(waypoint.uow(), update.effective_user.id, now=waypoint.clock())


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
    """Log what failed without anyone's words; the update is tried again (bot.adapters.
    telegram.dispatcher), so the person is not asked to send it again."""
    error = context.error
    if isinstance(error, AlreadyHandled):
        # Another attempt handled this update first: nothing was lost, nothing to say.
        return
    current = handling.get()
    update_id = update.update_id if isinstance(update, Update) else None
    # The log's formatter (bot.observability) and Sentry's scrubber both leave out what the
    # exception says; only where it failed and its type are kept.
    _LOG.error(
        "handler failed for update %s: %s",
        update_id,
        type(error).__name__,
        exc_info=(type(error), error, error.__traceback__) if error else None,
    )
    if current is not None:
        current.failed = True
        # The whole update is tried again later; nothing else may act on it half-handled.
        raise ApplicationHandlerStop
