"""Who is writing: a member of staff, a linked young person, or someone Waypoint does not know."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.actors import KnownStaff, Writer
from bot.domain.errors import NotStaff
from bot.services.ports import UnitOfWork
from bot.services.records import StaffRecord, YoungPersonRecord


@dataclass(frozen=True)
class AsStaff:
    """A member of staff who has not left."""

    staff: StaffRecord


@dataclass(frozen=True)
class AsYoungPerson:
    """A linked young person."""

    person: YoungPersonRecord


@dataclass(frozen=True)
class AsStranger:
    """Someone Waypoint does not know (or staff who have left)."""

    telegram_user_id: int


Found = AsStaff | AsYoungPerson | AsStranger


async def who_is(uow: UnitOfWork, telegram_user_id: int) -> Found:
    """Look the Telegram account up once, staff first, inside the caller's unit of work."""
    staff = await uow.staff.active_by_telegram_id(telegram_user_id)
    if staff is not None:
        return AsStaff(staff)
    person = await uow.young_people.by_telegram_id(telegram_user_id)
    return AsStranger(telegram_user_id) if person is None else AsYoungPerson(person)


async def writer_of(uow: UnitOfWork, telegram_user_id: int) -> Writer:
    """Who is writing, worked out once per update (read only: no write lock is taken)."""
    async with uow.reading():
        return await uow.identities.writer(telegram_user_id)


async def staff_record(uow: UnitOfWork, actor: KnownStaff) -> StaffRecord:
    """The acting member of staff's record in this unit of work; refused if they have left
    since their message arrived."""
    staff = await uow.staff.get(actor.staff_id)
    if staff is None or not staff.active:
        raise NotStaff
    return staff
