"""Answering the people Waypoint knows, through the outbox."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from bot.adapters.db.models import Staff, YoungPerson
from bot.adapters.db.uow import SqlUnitOfWork
from bot.adapters.outbox.postbox import name_of
from bot.content.helplines import helpline_values


async def _known(uow: SqlUnitOfWork, telegram_user_id: int) -> Staff | YoungPerson | None:
    staff = await uow.staff.active_by_telegram_id(telegram_user_id)
    if staff is not None:
        return staff
    return await uow.young_people.by_telegram_id(telegram_user_id)


async def do_greet(uow: SqlUnitOfWork, telegram_user_id: int, *, now: datetime) -> bool:
    """Queue the greeting for a known person; False for a stranger, who is not recorded at all."""
    async with uow:
        match await _known(uow, telegram_user_id):
            case Staff() as staff:
                uow.postbox.to_staff(staff, "staff_home", {"name": staff.name}, now=now)
            case YoungPerson() as person:
                # Writing to the bot means they have unblocked it.
                person.unreachable_since = None
                values = {
                    "name": name_of(person), "worker": person.key_worker.name,
                    **helpline_values(),
                }  # fmt: skip
                uow.postbox.to_young_person(person, "home", values, now=now)
            case None:
                return False
        await uow.commit()
        return True


async def do_tell(
    uow: SqlUnitOfWork,
    telegram_user_id: int,
    message_id: str,
    values: Mapping[str, str],
    *,
    now: datetime,
) -> bool:
    """Queue one message to a known person; False for a stranger."""
    async with uow:
        match await _known(uow, telegram_user_id):
            case Staff() as staff:
                uow.postbox.to_staff(staff, message_id, values, now=now)
            case YoungPerson() as person:
                uow.postbox.to_young_person(person, message_id, values, now=now)
            case None:
                return False
        await uow.commit()
        return True
