"""Handlers for goals: staff's /goals, /goal (a guided flow, or with the words on one line)
and /goal_agree, /goal_words, /goal_step, /goal_rate, /goal_pause, /goal_resume,
/goal_done, /goal_drop; a young person's /goals ("My goals").

Each parses the command's words, calls one service (bot.services.goals, goal_flow,
goal_lists, goal_answers) and turns what it did into an answer; a refusal is a WaypointError
that `for_staff` tells in its own words.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from telegram import Update

from bot.adapters.telegram.context import waypoint_of
from bot.adapters.telegram.handlers import Answer, Context, courtesy, for_sender, for_staff
from bot.adapters.telegram.keyboards import parse_staff_choice
from bot.domain.access import StaffCommand
from bot.domain.actors import KnownStaff
from bot.domain.goals import GoalState
from bot.domain.numbers import whole_number
from bot.services import goal_answers, goal_flow, goal_lists, goals
from bot.services.ports import UnitOfWork
from bot.services.staff_help import check_may_use, do_examples


def _after(update: Update, words: int) -> str | None:
    """The message's text after the command and `words` more words, exactly as written (line
    breaks kept: a young person's words are not ours to tidy); None when there is none."""
    message = update.effective_message
    text = message.text if message is not None else None
    parts = (text or "").split(maxsplit=words + 1)
    if len(parts) < words + 2:
        return None
    # Only the spaces between the command and the words go; the words stay as given.
    return parts[-1]


async def _usage(context: Context, actor: KnownStaff, which: StaffCommand) -> Answer:
    """How a command is written: its line of /help, with examples the sender may see."""
    examples = await do_examples(waypoint_of(context).uow(), actor, which)
    return Answer(f"help_{which.value}", examples)


def _show_goals(uow: UnitOfWork, user: int, now: datetime) -> Awaitable[bool]:
    return goal_answers.do_show_goals(uow, user, now=now)


async def on_goals(update: Update, context: Context) -> None:
    """`/goals`: a young person's "My goals"; from staff, their own young people's goals, or
    `/goals Sam` one young person's, with numbers, versions, steps and ratings."""
    if not isinstance(context.writer, KnownStaff):
        await for_sender(update, context, _show_goals)
        return
    waypoint, who = waypoint_of(context), " ".join(context.args or []) or None

    async def act(actor: KnownStaff) -> Answer:
        found = await goal_lists.do_list_goals(waypoint.uow(), actor, who, now=waypoint.clock())
        if found is None:
            return Answer("goals_staff_none")
        return Answer("goals_staff_list", {"lines": found[0], "example": found[1]})

    await for_staff(update, context, act)


async def on_goal(update: Update, context: Context) -> None:
    """`/goal Sam`: make a goal with Sam, their words first, read back before it is saved;
    `/goal Sam words…` gives the words at once (still read back)."""
    waypoint, args = waypoint_of(context), list(context.args or [])

    async def act(actor: KnownStaff) -> Answer | None:
        if not args:
            return await _usage(context, actor, StaffCommand.GOAL)
        await goal_flow.do_start_goal(
            waypoint.uow(), actor, args[0], words=_after(update, 1), now=waypoint.clock()
        )
        return None

    await for_staff(update, context, act)


async def on_goal_button(update: Update, context: Context) -> None:
    """A tap on a goal question's button (`b|goal_…`): the draft moves one step."""
    query = update.callback_query
    tapped = parse_staff_choice(query.data) if query is not None else None
    if query is not None and tapped is not None and isinstance(context.writer, KnownStaff):
        waypoint = waypoint_of(context)

        async def act(actor: KnownStaff) -> Answer | None:
            await goal_flow.do_goal_choice(waypoint.uow(), actor, *tapped, now=waypoint.clock())
            return None

        await for_staff(update, context, act)
        # Answered once: the question after it has its own buttons.
        await courtesy(query.edit_message_reply_markup(reply_markup=None))
    if query is not None:
        await courtesy(query.answer())


async def take_goal_words(update: Update, context: Context, actor: KnownStaff) -> bool:
    """Staff's words, when the goal they are making asked for the young person's words."""
    message = update.effective_message
    if message is None or message.text is None or update.edited_message is not None:
        return False
    waypoint = waypoint_of(context)
    return await goal_flow.do_goal_words(waypoint.uow(), actor, message.text, now=waypoint.clock())


# What a numbered command does: given the sender, the goal's number and the words after it
# exactly as written (None when there are none), the answer to send them.
_GoalAct = Callable[[KnownStaff, int, str | None], Awaitable[Answer | None]]


def _numbered(
    update: Update, context: Context, which: StaffCommand, act: _GoalAct, *, words: bool
) -> Awaitable[None]:
    """A command that starts with a goal's number (and, with `words`, needs words after it):
    refused for a role that never uses it, shown how when it does not fit, else done."""
    args = list(context.args or [])
    number = whole_number(args[0]) if args else None
    rest = _after(update, 1)

    async def run(actor: KnownStaff) -> Answer | None:
        check_may_use(actor.role, which)
        if number is None or (words and rest is None) or (not words and len(args) > 1):
            return await _usage(context, actor, which)
        return await act(actor, number, rest)

    return for_staff(update, context, run)


async def on_goal_agree(update: Update, context: Context) -> None:
    """`/goal_agree 12`: a goal the young person suggested begins."""
    waypoint = waypoint_of(context)

    async def act(actor: KnownStaff, number: int, _: str | None) -> Answer:
        await goals.do_agree_goal(waypoint.uow(), actor, number, now=waypoint.clock())
        return Answer("goal_agreed_staff", {"number": str(number)})

    await _numbered(update, context, StaffCommand.GOAL_AGREE, act, words=False)


async def on_goal_words(update: Update, context: Context) -> None:
    """`/goal_words 12 new words…`: the goal in the young person's new words (a new version;
    older ratings keep the old words)."""
    waypoint = waypoint_of(context)

    async def act(actor: KnownStaff, number: int, rest: str | None) -> Answer:
        await goals.do_reword_goal(waypoint.uow(), actor, number, rest or "", now=waypoint.clock())
        return Answer("goal_reworded_staff", {"number": str(number)})

    await _numbered(update, context, StaffCommand.GOAL_WORDS, act, words=True)


async def on_goal_step(update: Update, context: Context) -> None:
    """`/goal_step 12 words…`: the next small step towards goal 12."""
    waypoint = waypoint_of(context)

    async def act(actor: KnownStaff, number: int, rest: str | None) -> Answer:
        await goals.do_add_step(waypoint.uow(), actor, number, rest or "", now=waypoint.clock())
        return Answer("goal_step_added_staff", {"number": str(number)})

    await _numbered(update, context, StaffCommand.GOAL_STEP, act, words=True)


async def on_goal_rate(update: Update, context: Context) -> None:
    """`/goal_rate 12 6` (or `going_well`, `sometimes`, `not_going_well`): a rating given
    with the young person, on their scale."""
    waypoint = waypoint_of(context)

    async def act(actor: KnownStaff, number: int, rest: str | None) -> Answer | None:
        if rest is None or len(rest.split()) != 1:
            return await _usage(context, actor, StaffCommand.GOAL_RATE)
        await goals.do_staff_rating(waypoint.uow(), actor, number, rest, now=waypoint.clock())
        return Answer("goal_rated_staff", {"number": str(number)})

    await _numbered(update, context, StaffCommand.GOAL_RATE, act, words=True)


def _move(
    update: Update, context: Context, which: StaffCommand, state: GoalState, *, why: bool
) -> Awaitable[None]:
    """Pause, resume, complete or drop a goal; pausing and dropping say why (GL-9)."""
    waypoint = waypoint_of(context)

    async def act(actor: KnownStaff, number: int, rest: str | None) -> Answer:
        await goals.do_move_goal(
            waypoint.uow(), actor, number, state, why=rest, now=waypoint.clock()
        )
        return Answer(f"goal_{state.value}_staff", {"number": str(number)})

    return _numbered(update, context, which, act, words=why)


async def on_goal_pause(update: Update, context: Context) -> None:
    """`/goal_pause 12 why…`: no check-ins until it is resumed."""
    await _move(update, context, StaffCommand.GOAL_PAUSE, GoalState.PAUSED, why=True)


async def on_goal_resume(update: Update, context: Context) -> None:
    """`/goal_resume 12`: a paused goal is active again."""
    await _move(update, context, StaffCommand.GOAL_RESUME, GoalState.ACTIVE, why=False)


async def on_goal_done(update: Update, context: Context) -> None:
    """`/goal_done 12`: the young person reached their goal."""
    await _move(update, context, StaffCommand.GOAL_DONE, GoalState.DONE, why=False)


async def on_goal_drop(update: Update, context: Context) -> None:
    """`/goal_drop 12 why…`: the goal is dropped (or a suggestion is not agreed), with why."""
    await _move(update, context, StaffCommand.GOAL_DROP, GoalState.DROPPED, why=True)
