"""Messages queued together to one chat arrive in the order they were queued, parts and all:
"My goals" is a goal's message (in parts, at one sentence a message) and then each of its
steps with its buttons, never a step between a goal's parts."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.adapters.db.models import OutboxMessage
from bot.services.goal_answers import do_show_goals
from bot.services.goals import GoalAsked, do_add_goal, do_add_step
from bot.services.session_access import AtCommandLine
from tests.integration.session_world import SAM, SessionWorld, hub, world

__all__ = ["hub", "world"]


async def test_a_reply_of_several_messages_arrives_in_the_order_it_was_queued(
    world: SessionWorld,
) -> None:
    uow, now = world.hub.uow, world.now
    # One sentence a message: the goal's message comes in several parts.
    await world.profile("sentences", "1")
    sam = await world.sam_id()
    goal = await do_add_goal(uow(), AtCommandLine(), GoalAsked(sam, "go to college"), now=now)
    for step in ("ask about the bus", "buy a bag"):
        await do_add_step(uow(), AtCommandLine(), goal, step, now=now)
    await world.send_all()
    sent_before = len(world.transport.texts_to(SAM))
    await do_show_goals(uow(), SAM, now=now)
    async with uow() as work:
        queued = list(
            await work.session.scalars(
                select(OutboxMessage.text)
                .where(OutboxMessage.chat_id == SAM, OutboxMessage.created_at == now)
                .order_by(OutboxMessage.id)
            )
        )
    await world.send_all()
    arrived = world.transport.texts_to(SAM)[sent_before:]
    shown = queued[-len(arrived) :]
    assert len(arrived) >= 4
    assert arrived == shown


async def test_a_later_message_waits_while_an_earlier_ones_part_is_still_being_sent(
    world: SessionWorld,
) -> None:
    """A sender claims again while the first part is still on its way to Telegram (its
    outcome not heard yet): the rest of that message waits for it, and so does every message
    queued after it in the same reply."""
    uow, now = world.hub.uow, world.now
    await world.profile("sentences", "1")
    sam = await world.sam_id()
    goal = await do_add_goal(uow(), AtCommandLine(), GoalAsked(sam, "go to college"), now=now)
    await do_add_step(uow(), AtCommandLine(), goal, "ask about the bus", now=now)
    await world.send_all()
    await do_show_goals(uow(), SAM, now=world.now)
    world.hub.clock.advance(timedelta(seconds=2))
    sender = world.sender()
    first = await sender.claim()
    assert [m.chat_id for m in first.messages] == [SAM]
    # Past the chat's pacing gap, before the first part's outcome is heard.
    world.hub.clock.advance(timedelta(seconds=2))
    second = await sender.claim()
    assert [m for m in second.messages if m.chat_id == SAM] == []
