"""Answering whoever writes, through the outbox: staff, young people and strangers alike.

A stranger gets a few answers of each kind an hour (bot.domain.strangers). Past that, their
messages are read and nothing is written at all, so a flood from one account takes no write
lock and cannot hold up anyone else.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from bot.content.helplines import helpline_values
from bot.domain.actors import KnownStaff
from bot.domain.outbox import Lane
from bot.domain.strangers import after_answer, budget_key, may_answer
from bot.services.home import show_home
from bot.services.identity import AsStaff, AsStranger, AsYoungPerson, who_is
from bot.services.ports import UnitOfWork
from bot.services.staff_help import examples_at, help_values


async def _nothing_to_say(
    uow: UnitOfWork, telegram_user_id: int, kind: str, now: datetime
) -> bool:
    """Whether the sender is a stranger who has had their answers of this kind for now."""
    async with uow.reading():
        if not isinstance(await who_is(uow, telegram_user_id), AsStranger):
            return False
        answered = await uow.stranger_budgets.get(budget_key(telegram_user_id, kind))
        return not may_answer(answered, now, purpose=kind)


async def do_greet(
    uow: UnitOfWork, telegram_user_id: int, *, now: datetime, started: bool = False
) -> None:
    """Queue the greeting for whoever wrote: a young person's home (`started`, for /start,
    also ends their pause), staff their role's commands as /help gives them; a stranger's
    chat is all that is kept, and only until the answer has gone."""
    if await _nothing_to_say(uow, telegram_user_id, "stranger", now):
        return
    async with uow:
        match await who_is(uow, telegram_user_id):
            case AsStaff(staff):
                # Staff are answered with their role's commands before they get here (the
                # channel tells staff from others first); one added in between gets the same.
                examples = await examples_at(uow, staff)
                values = help_values(uow.postbox.catalogue, staff, examples)
                uow.postbox.to_staff(staff, "staff_help", values, now=now)
            case AsYoungPerson(person):
                await show_home(uow, person, now=now, started=started)
            case AsStranger():
                await _answer_stranger(uow, telegram_user_id, "stranger", {}, now=now)
        await uow.commit()


async def do_tell(
    uow: UnitOfWork,
    telegram_user_id: int,
    message_id: str,
    values: Mapping[str, str],
    *,
    now: datetime,
) -> None:
    """Queue one message to whoever wrote (a stranger too)."""
    if await _nothing_to_say(uow, telegram_user_id, message_id, now):
        return
    async with uow:
        match await who_is(uow, telegram_user_id):
            case AsStaff(staff):
                uow.postbox.to_staff(staff, message_id, values, now=now)
            case AsYoungPerson(person):
                uow.postbox.to_young_person(person, message_id, values, now=now)
            case AsStranger():
                await _answer_stranger(uow, telegram_user_id, message_id, values, now=now)
        await uow.commit()


async def do_tell_staff(
    uow: UnitOfWork,
    actor: KnownStaff,
    message_id: str,
    values: Mapping[str, str],
    *,
    now: datetime,
) -> None:
    """Queue one message to the member of staff who acted (nothing if they have left)."""
    async with uow:
        staff = await uow.staff.get(actor.staff_id)
        if staff is not None:
            uow.postbox.to_staff(staff, message_id, values, now=now)
        await uow.commit()


async def do_help_stranger(uow: UnitOfWork, telegram_user_id: int, *, now: datetime) -> None:
    """Someone Waypoint does not know sounds worried: show them where to get help now."""
    if await _nothing_to_say(uow, telegram_user_id, "concern_helplines", now):
        return
    async with uow:
        await _answer_stranger(
            uow,
            telegram_user_id,
            "concern_helplines",
            helpline_values(),
            now=now,
            lane=Lane.SAFETY,
        )
        await uow.commit()


async def _answer_stranger(
    uow: UnitOfWork,
    telegram_user_id: int,
    message_id: str,
    values: Mapping[str, str],
    *,
    now: datetime,
    lane: Lane = Lane.REPLY,
) -> None:
    """Count the answer against the stranger's allowance and queue it (checked again here,
    inside the transaction that spends it)."""
    key = budget_key(telegram_user_id, message_id)
    answered = await uow.stranger_budgets.get(key)
    if not may_answer(answered, now, purpose=message_id):
        return
    await uow.stranger_budgets.put(key, after_answer(answered, now))
    uow.postbox.to_stranger(telegram_user_id, message_id, values, now=now, lane=lane)
