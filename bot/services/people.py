"""Working out who is writing to the bot."""

from __future__ import annotations

from bot.adapters.db.uow import SqlUnitOfWork
from bot.domain.people import Role, StaffMember, YoungPerson


async def who_is(uow: SqlUnitOfWork, telegram_user_id: int) -> StaffMember | YoungPerson | None:
    """The staff member or young person behind a Telegram account, or None for a stranger."""
    async with uow:
        staff = await uow.staff.by_telegram_id(telegram_user_id)
        if staff is not None and staff.active:
            return StaffMember(staff.id, staff.name, Role(staff.role), staff.hub_id)
        young = await uow.young_people.by_telegram_id(telegram_user_id)
        if young is not None:
            return YoungPerson(young.id, young.first_name, young.language, young.key_worker.name)
        return None
