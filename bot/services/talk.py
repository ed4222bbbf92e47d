"""Talking to the worker through Waypoint: the young person writes, the worker answers.

While they talk, `talking_until` is set (see `is_talking`). It is there for check-ins and
non-urgent reminders, which are not built yet, to wait for: nothing automatic should
interrupt a conversation with a person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.access import Viewer, may_message_young_person
from bot.domain.actors import Actor, KnownStaff
from bot.domain.errors import MayNotMessage, YoungPersonPaused
from bot.domain.outbox import Lane
from bot.domain.people import Role
from bot.services.identity import staff_record
from bot.services.ladder_steps import who_answers
from bot.services.pausing import is_paused
from bot.services.people import access_young_person
from bot.services.ports import UnitOfWork
from bot.services.records import StaffRecord, YoungPersonRecord

TALK_WINDOW = timedelta(minutes=30)


def is_talking(person: YoungPersonRecord, now: datetime) -> bool:
    """Whether the young person and their worker are talking now."""
    return person.talking_until is not None and person.talking_until > now


def open_talk(person: YoungPersonRecord, now: datetime) -> None:
    """The young person's next words go to their worker (for `TALK_WINDOW`)."""
    person.talking_until = now + TALK_WINDOW


async def start_talk(uow: UnitOfWork, person: YoungPersonRecord, *, now: datetime) -> None:
    """In the caller's unit of work: open the talk and ask for their words."""
    open_talk(person, now)
    answers = await who_answers(uow, person)
    worker = {"worker": answers.name if answers else person.key_worker.name}
    uow.postbox.to_young_person(person, "talk_start", worker, now=now)


async def do_start_talk(uow: UnitOfWork, telegram_user_id: int, *, now: datetime) -> bool:
    """`/talk` (or "Talk to Jo" on their home): the young person's next words go to their
    worker."""
    async with uow:
        person = await uow.young_people.by_telegram_id(telegram_user_id)
        if person is None:
            return False
        person.awaiting_choice = None
        await start_talk(uow, person, now=now)
        await uow.commit()
        return True


async def do_relay_to_worker(
    uow: UnitOfWork, telegram_user_id: int, text: str, *, now: datetime
) -> bool:
    """Pass the young person's words to their worker, if they are talking; False if not."""
    async with uow:
        person = await uow.young_people.by_telegram_id(telegram_user_id)
        if person is None or not await relay_to_worker(uow, person, text, now=now):
            return False
        await uow.commit()
        return True


async def relay_to_worker(
    uow: UnitOfWork, person: YoungPersonRecord, text: str, *, now: datetime
) -> bool:
    """In the caller's unit of work: pass the words on if they are talking (False if not)."""
    if not is_talking(person, now):
        return False
    worker = await who_answers(uow, person)
    if worker is None:
        return False
    person.talking_until = now + TALK_WINDOW
    values = {"name": person.first_name, "text": text}
    uow.postbox.to_staff(worker, "talk_from_young_person", values, now=now)
    uow.postbox.to_young_person(person, "talk_sent", {"worker": worker.name}, now=now)
    uow.audit.record(
        "talk.to_worker",
        at=now,
        by=Actor.young_person(person.id),
        hub_id=person.hub_id,
        subject_type="staff",
        subject_id=worker.id,
    )
    return True


async def _may_write(uow: UnitOfWork, staff: StaffRecord, person: YoungPersonRecord) -> bool:
    """Whether this member of staff may write to this young person (bot.domain.access)."""
    worker = await uow.staff.get(person.key_worker_id)
    viewer = Viewer(
        role=Role(staff.role),
        active=staff.active,
        same_hub=staff.hub_id == person.hub_id,
        same_council=False,
        their_worker=staff.id in {person.key_worker_id, worker.cover_id if worker else None},
        their_coach=staff.id == person.life_coach_id,
    )
    return may_message_young_person(viewer)


@dataclass(frozen=True)
class Reply:
    """`/reply Sam words`: who the answer is for (a first name or `#12`), and the words."""

    who: str
    words: str


async def do_reply_to_young_person(
    uow: UnitOfWork, actor: KnownStaff, reply: Reply, *, now: datetime
) -> str:
    """A worker answers a young person through Waypoint; returns the young person's first name."""
    async with uow:
        staff = await staff_record(uow, actor)
        person = await access_young_person(uow, staff, reply.who, command="reply")
        if not await _may_write(uow, staff, person):
            uow.audit.record(
                "talk.refused",
                at=now,
                by=actor.actor,
                hub_id=person.hub_id,
                subject_type="young_person",
                subject_id=person.id,
            )
            await uow.commit()
            raise MayNotMessage(name=person.first_name)
        # Paused (/stop), a worker waits for them to write first; never while they have a
        # worry that is not closed: replies about a concern always go.
        if (
            is_paused(person)
            and not is_talking(person, now)
            and not await uow.concerns.not_closed_for(person.id)
        ):
            raise YoungPersonPaused(name=person.first_name)
        person.talking_until = now + TALK_WINDOW
        values = {"worker": staff.name, "text": reply.words}
        uow.postbox.to_young_person(person, "talk_from_worker", values, now=now, lane=Lane.REPLY)
        uow.audit.record(
            "talk.to_young_person",
            at=now,
            by=actor.actor,
            hub_id=person.hub_id,
            subject_type="young_person",
            subject_id=person.id,
        )
        await uow.commit()
        return person.first_name
