"""Handlers for sessions: staff's /book (buttons, or one line), /sessions, /move_session,
/cancel_session, /seen, /notseen and /agreed; a young person's /pause.

Each parses the command's words, calls one service (bot.services.booking, sessions, missed,
session_lists, session_answers) and turns what it did into an answer; a refusal is a
WaypointError that `for_staff` tells in its own words.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update

from bot.adapters.telegram.context import waypoint_of
from bot.adapters.telegram.handlers import Answer, Context, courtesy, for_sender, for_staff
from bot.adapters.telegram.keyboards import parse_staff_choice
from bot.domain.access import StaffCommand
from bot.domain.actors import KnownStaff
from bot.domain.booking import read_day_and_clock, read_one_line
from bot.domain.numbers import whole_number
from bot.services import booking, missed, session_answers, session_lists, sessions
from bot.services.staff_help import do_examples

_ALL = "all"


async def _usage(context: Context, actor: KnownStaff, which: StaffCommand, message: str) -> Answer:
    """How a command is written, with examples the sender may see (refused first if their
    role never uses it)."""
    return Answer(message, await do_examples(waypoint_of(context).uow(), actor, which))


async def on_book(update: Update, context: Context) -> None:
    """`/book`: the questions, with buttons; `/book Sam 2027-03-02 16:00 [weekly] [at ...]`
    books at once."""
    waypoint, words = waypoint_of(context), list(context.args or [])
    line = read_one_line(words) if words else None

    async def act(actor: KnownStaff) -> Answer | None:
        if not words:
            await booking.do_start_booking(waypoint.uow(), actor, now=waypoint.clock())
        elif line is None:
            return await _usage(context, actor, StaffCommand.BOOK, "book_usage")
        else:
            await booking.do_book_one_line(waypoint.uow(), actor, line, now=waypoint.clock())
        return None

    await for_staff(update, context, act)


async def on_booking_button(update: Update, context: Context) -> None:
    """A tap on a booking question's button: the draft moves one step."""
    query = update.callback_query
    tapped = parse_staff_choice(query.data) if query is not None else None
    if query is not None and tapped is not None and isinstance(context.writer, KnownStaff):
        waypoint = waypoint_of(context)

        async def act(actor: KnownStaff) -> Answer | None:
            await booking.do_booking_choice(waypoint.uow(), actor, *tapped, now=waypoint.clock())
            return None

        await for_staff(update, context, act)
        # Answered once: the question after it has its own buttons.
        await courtesy(query.edit_message_reply_markup(reply_markup=None))
    if query is not None:
        await courtesy(query.answer())


async def take_booking_words(update: Update, context: Context, actor: KnownStaff) -> bool:
    """Staff's words, when their booking asked them to write a time or a place."""
    message = update.effective_message
    if message is None or message.text is None or update.edited_message is not None:
        return False
    waypoint = waypoint_of(context)
    return await booking.do_booking_words(
        waypoint.uow(), actor, message.text, now=waypoint.clock()
    )


async def on_sessions(update: Update, context: Context) -> None:
    """`/sessions` (their own young people's) or `/sessions Sam`: sessions ahead, numbered."""
    waypoint, who = waypoint_of(context), " ".join(context.args or []) or None

    async def act(actor: KnownStaff) -> Answer:
        found = await session_lists.do_list_sessions(
            waypoint.uow(), actor, who, now=waypoint.clock()
        )
        if found is None:
            return Answer("sessions_staff_none")
        return Answer("sessions_staff_list", {"lines": found[0], "example": found[1]})

    await for_staff(update, context, act)


def _numbered(
    update: Update,
    context: Context,
    which: StaffCommand,
    usage: str,
    act: Callable[[KnownStaff, int, list[str]], Awaitable[Answer | None]],
) -> Awaitable[None]:
    """A command that starts with a session's number: shown how when it does not."""
    words = list(context.args or [])
    number = whole_number(words[0]) if words else None

    async def run(actor: KnownStaff) -> Answer | None:
        if number is None:
            return await _usage(context, actor, which, usage)
        return await act(actor, number, words[1:])

    return for_staff(update, context, run)


async def on_move_session(update: Update, context: Context) -> None:
    """`/move_session 12 2027-03-02 16:30`: session 12 moves; its reminders are redone."""
    waypoint = waypoint_of(context)

    async def act(actor: KnownStaff, number: int, rest: list[str]) -> Answer | None:
        start = read_day_and_clock(*rest) if len(rest) == 2 else None
        if start is None:
            return await _usage(context, actor, StaffCommand.MOVE_SESSION, "move_session_usage")
        await sessions.do_move(waypoint.uow(), actor, number, start, now=waypoint.clock())
        return None

    await _numbered(update, context, StaffCommand.MOVE_SESSION, "move_session_usage", act)


async def on_cancel_session(update: Update, context: Context) -> None:
    """`/cancel_session 12` (or `12 all`, the weeks after it too): no reminder of it goes."""
    waypoint = waypoint_of(context)

    async def act(actor: KnownStaff, number: int, rest: list[str]) -> Answer | None:
        if rest not in ([], [_ALL]):
            return await _usage(
                context, actor, StaffCommand.CANCEL_SESSION, "cancel_session_usage"
            )
        await sessions.do_cancel(
            waypoint.uow(), actor, number, now=waypoint.clock(), series=rest == [_ALL]
        )
        return None

    await _numbered(update, context, StaffCommand.CANCEL_SESSION, "cancel_session_usage", act)


async def _mark(update: Update, context: Context, *, seen: bool) -> None:
    waypoint = waypoint_of(context)
    which = StaffCommand.SEEN if seen else StaffCommand.NOTSEEN

    async def act(actor: KnownStaff, number: int, rest: list[str]) -> Answer | None:
        if rest:
            return await _usage(context, actor, which, "mark_session_usage")
        await missed.do_mark(waypoint.uow(), actor, number, seen=seen, now=waypoint.clock())
        # Seen: the service told them already; not seen: their follow-up says what to do.
        return None

    await _numbered(update, context, which, "mark_session_usage", act)


async def on_seen(update: Update, context: Context) -> None:
    """`/seen 12`: the young person was seen at session 12."""
    await _mark(update, context, seen=True)


async def on_notseen(update: Update, context: Context) -> None:
    """`/notseen 12`: not seen; the worker gets a follow-up, the young person one message."""
    await _mark(update, context, seen=False)


async def on_agreed(update: Update, context: Context) -> None:
    """`/agreed 12 words…`: what was agreed, sent to the young person in easy read."""
    waypoint = waypoint_of(context)

    async def act(actor: KnownStaff, number: int, rest: list[str]) -> Answer | None:
        if not rest:
            return await _usage(context, actor, StaffCommand.AGREED, "agreed_usage")
        # The words as written, line breaks kept: everything after the command and number.
        text = update.effective_message.text if update.effective_message else None
        words = (text or "").split(maxsplit=2)[-1] if text else " ".join(rest)
        await missed.do_send_recap(waypoint.uow(), actor, number, words, now=waypoint.clock())
        return Answer("agreed_sent", {"number": str(number)})

    await _numbered(update, context, StaffCommand.AGREED, "agreed_usage", act)


async def on_pause(update: Update, context: Context) -> None:
    """`/pause`: a young person is asked how long to pause session reminders for."""
    await for_sender(
        update, context, lambda uow, user, now: session_answers.do_ask_pause(uow, user, now=now)
    )
