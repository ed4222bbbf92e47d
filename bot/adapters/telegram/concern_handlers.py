"""Handlers for worries and talking: young people's words, "I'm worried", /worried, /talk and
/stop; staff acknowledging alerts, /concerns, /concern, /close, /away, /back and /reply.

Each parses the update and calls one service. A young person's message before this one is
kept for two minutes (bot.services.hearing), so a worry split over two messages is heard
whichever instance handles the second.
"""

from __future__ import annotations

from telegram import Update

from bot.adapters.telegram.context import waypoint_of
from bot.adapters.telegram.goal_handlers import take_goal_words
from bot.adapters.telegram.handlers import (
    Answer,
    Context,
    courtesy,
    for_sender,
    for_staff,
    on_anything_else,
)
from bot.adapters.telegram.keyboards import parse_alert
from bot.adapters.telegram.session_handlers import take_booking_words
from bot.domain.access import StaffCommand
from bot.domain.actors import KnownStaff, KnownYoungPerson, Stranger
from bot.domain.ladder import Urgency
from bot.domain.numbers import whole_number
from bot.domain.safety.worry import Worry
from bot.services import concern_records, pausing, replies, talk
from bot.services.choices import do_written_answer
from bot.services.concern_records import check_may_go_away
from bot.services.concerns import do_acknowledge, do_raise_concern
from bot.services.hearing import Heard, do_hear, sounds_worried
from bot.services.staff_help import do_examples


async def on_words(update: Update, context: Context) -> None:
    """Written words: a young person's are heard (a worry first, then their worker, a choice,
    or a greeting); a stranger who sounds worried is shown where to get help."""
    waypoint = waypoint_of(context)
    message = update.effective_message
    # A photo's caption is words too: a worry written under a screenshot is still a worry.
    text = (message.text or message.caption) if message is not None else None
    writer = context.writer
    if message is None or text is None or writer is None:
        return
    now = waypoint.clock()
    edited = update.edited_message is not None
    if isinstance(writer, KnownYoungPerson):
        heard = await do_hear(
            waypoint.uow(),
            writer,
            text,
            detector=waypoint.detector,
            now=now,
            message_id=message.message_id,
            edited=edited,
        )
        if heard is Heard.CONCERN_ANSWER and not await do_written_answer(
            waypoint.uow(), writer.telegram_user_id, text, now=now
        ):
            # The question closed meanwhile ("Are you OK?" ran out of time): the words
            # are heard again, as anything else they write, never dropped.
            heard = await do_hear(
                waypoint.uow(),
                writer,
                text,
                detector=waypoint.detector,
                now=now,
                message_id=message.message_id,
                answers=False,
            )
        if heard is Heard.STRANGER:
            await on_anything_else(update, context)
    elif isinstance(writer, KnownStaff) and await take_goal_words(update, context, writer):
        # The young person's words for the goal they are making together.
        return
    elif isinstance(writer, KnownStaff) and await take_booking_words(update, context, writer):
        # The time or place their booking asked them to write.
        return
    elif isinstance(writer, Stranger) and sounds_worried(text, waypoint.detector):
        await replies.do_help_stranger(waypoint.uow(), writer.telegram_user_id, now=now)
    elif not edited:
        await on_anything_else(update, context)


async def on_worried(update: Update, context: Context) -> None:
    """`/worried`: the same as tapping "I'm worried"."""
    waypoint = waypoint_of(context)
    if update.effective_user is None:
        return
    worry = Worry("command", Urgency.HIGH)
    raised = await do_raise_concern(
        waypoint.uow(), update.effective_user.id, worry, now=waypoint.clock()
    )
    if raised is None:
        await replies.do_help_stranger(
            waypoint.uow(), update.effective_user.id, now=waypoint.clock()
        )


async def on_talk(update: Update, context: Context) -> None:
    """`/talk`: the young person's next words go to their worker."""
    await for_sender(
        update, context, lambda uow, user, now: talk.do_start_talk(uow, user, now=now)
    )


async def on_stop(update: Update, context: Context) -> None:
    """`/stop`: a young person pauses everything but replies about a concern, until /start."""
    await for_sender(update, context, lambda uow, user, now: pausing.do_stop(uow, user, now=now))


async def _usage(
    context: Context, actor: KnownStaff, command: StaffCommand, message_id: str
) -> Answer:
    """How a command is written, with examples the sender may see (refused first if their
    role never uses it)."""
    return Answer(message_id, await do_examples(waypoint_of(context).uow(), actor, command))


def _number(context: Context) -> int | None:
    """The one number after a command (`/ack 12`), or None."""
    args = context.args or []
    return whole_number(args[0]) if len(args) == 1 else None


async def on_ack(update: Update, context: Context) -> None:
    """`/ack 12`: the same as "I've got this", for an alert that came without buttons."""
    number = _number(context)
    waypoint = waypoint_of(context)

    async def act(actor: KnownStaff) -> Answer | None:
        if number is None:
            return await _usage(context, actor, StaffCommand.ACK, "ack_usage")
        await do_acknowledge(waypoint.uow(), actor, number, call_me=False, now=waypoint.clock())
        return None

    await for_staff(update, context, act)


async def on_alert_button(update: Update, context: Context) -> None:
    """ "I've got this" or "Call me" on an alert."""
    query = update.callback_query
    tapped = parse_alert(query.data) if query is not None else None
    if query is not None and tapped is not None and isinstance(context.writer, KnownStaff):
        waypoint = waypoint_of(context)
        concern_id, call_me = tapped

        async def act(actor: KnownStaff) -> Answer | None:
            await do_acknowledge(
                waypoint.uow(), actor, concern_id, call_me=call_me, now=waypoint.clock()
            )
            return None

        await for_staff(update, context, act)
        await courtesy(query.edit_message_reply_markup(reply_markup=None))
    # Last, and only a courtesy: the acknowledgement above is already committed.
    if query is not None:
        await courtesy(query.answer())


async def on_concerns(update: Update, context: Context) -> None:
    """`/concerns`: the hub's open concerns (managers, duty and on-call staff)."""
    waypoint = waypoint_of(context)

    async def act(actor: KnownStaff) -> Answer | None:
        lines = await concern_records.do_list_concerns(waypoint.uow(), actor, now=waypoint.clock())
        if not lines:
            return Answer("concern_list_empty")
        listed = concern_records.listed_lines(waypoint.catalogue, lines, waypoint.zone)
        return Answer("concern_list", {"lines": listed})

    await for_staff(update, context, act)


async def on_concern(update: Update, context: Context) -> None:
    """`/concern 12`: one concern's record (audited)."""
    number = _number(context)
    if number is None:
        await on_concerns(update, context)
        return
    waypoint = waypoint_of(context)

    async def act(actor: KnownStaff) -> Answer:
        shown = await concern_records.do_show_concern(
            waypoint.uow(), actor, number, now=waypoint.clock()
        )
        return Answer("concern_record", {"record": shown.record})

    await for_staff(update, context, act)


def parse_close(words: list[str]) -> concern_records.CloseConcern | None:
    """`12 what was done`; None without a number and words."""
    number = whole_number(words[0]) if len(words) >= 2 else None
    return None if number is None else concern_records.CloseConcern(number, " ".join(words[1:]))


async def on_close(update: Update, context: Context) -> None:
    """`/close 12 what was done`."""
    command = parse_close(list(context.args or []))
    waypoint = waypoint_of(context)

    async def act(actor: KnownStaff) -> Answer:
        if command is None:
            return await _usage(context, actor, StaffCommand.CLOSE, "concern_close_usage")
        closed = await concern_records.do_close_concern(
            waypoint.uow(), actor, command, now=waypoint.clock()
        )
        return Answer("concern_closed", {"id": str(closed)})

    await for_staff(update, context, act)


async def _away(update: Update, context: Context, cover: str | None, *, usage: bool) -> None:
    waypoint = waypoint_of(context)

    async def act(actor: KnownStaff) -> Answer:
        if usage:
            check_may_go_away(actor)
            return await _usage(context, actor, StaffCommand.AWAY, "away_usage")
        covered_by = await concern_records.do_away(
            waypoint.uow(), actor, cover, now=waypoint.clock()
        )
        if covered_by is None:
            return Answer("away_back")
        return Answer("away_set", {"cover": covered_by})

    await for_staff(update, context, act)


async def on_away(update: Update, context: Context) -> None:
    """`/away Lee`: new alerts for your young people go to Lee until `/back`."""
    cover = " ".join(context.args or [])
    await _away(update, context, cover, usage=not cover)


async def on_back(update: Update, context: Context) -> None:
    """`/back`: alerts come to you again."""
    await _away(update, context, None, usage=False)


def parse_reply(words: list[str]) -> talk.Reply | None:
    """`Sam words...` (or `#12 words...`); None without both."""
    return talk.Reply(words[0], " ".join(words[1:])) if len(words) >= 2 else None


async def on_reply(update: Update, context: Context) -> None:
    """`/reply Sam words`: a worker answers a young person through Waypoint."""
    reply = parse_reply(list(context.args or []))
    waypoint = waypoint_of(context)

    async def act(actor: KnownStaff) -> Answer:
        if reply is None:
            return await _usage(context, actor, StaffCommand.REPLY, "talk_reply_usage")
        name = await talk.do_reply_to_young_person(
            waypoint.uow(), actor, reply, now=waypoint.clock()
        )
        return Answer("talk_reply_sent", {"name": name})

    await for_staff(update, context, act)
