"""/stop and /start for a young person: a pause on everything Waypoint starts itself.

While `paused_at` is set, Waypoint starts nothing with the young person (profile notices, and
the reminders and check-ins of later issues, which are to check `is_paused`), and their
worker's /reply waits for them to write first, unless they have a concern that is not
closed. Replies about a concern always go, and so does every answer to what the young person
writes: they can still reach their worker, and a worry is always heard. Their worker is told
when they stop and when they start again.
"""

from __future__ import annotations

from datetime import datetime

from bot.domain.actors import Actor
from bot.services.ladder_steps import CONCERN_CHECK, who_answers
from bot.services.ports import UnitOfWork
from bot.services.records import YoungPersonRecord


def is_paused(person: YoungPersonRecord) -> bool:
    """Whether the young person has asked Waypoint to stop (/stop) and not started again."""
    return person.paused_at is not None


async def _tell_worker(
    uow: UnitOfWork, person: YoungPersonRecord, message_id: str, *, now: datetime
) -> None:
    worker = await who_answers(uow, person) or person.key_worker
    uow.postbox.to_staff(worker, message_id, {"name": person.first_name}, now=now, about=person)
    uow.audit.record(
        f"young_person.{message_id.removeprefix('young_person_')}",
        at=now,
        by=Actor.young_person(person.id),
        hub_id=person.hub_id,
        subject_type="young_person",
        subject_id=person.id,
    )


async def do_stop(uow: UnitOfWork, telegram_user_id: int, *, now: datetime) -> bool:
    """`/stop`: pause, say what still comes and how to start again, and tell their worker;
    False if the sender is not a young person."""
    async with uow:
        person = await uow.young_people.by_telegram_id(telegram_user_id)
        if person is None:
            return False
        if not is_paused(person):
            person.paused_at = now
            await _tell_worker(uow, person, "young_person_stopped", now=now)
        person.talking_until = None
        # A question about a worry stays open ("Are you OK?"): /stop never closes it.
        asking = person.awaiting_choice == CONCERN_CHECK
        uow.postbox.to_young_person(person, "stopped", {}, now=now)
        person.awaiting_choice = CONCERN_CHECK if asking else None
        await uow.commit()
        return True


async def resume_if_paused(uow: UnitOfWork, person: YoungPersonRecord, *, now: datetime) -> None:
    """In the caller's unit of work: `/start` after `/stop` ends the pause, says welcome
    back, and tells their worker (nothing at all when not paused)."""
    if not is_paused(person):
        return
    person.paused_at = None
    await _tell_worker(uow, person, "young_person_started", now=now)
    uow.postbox.to_young_person(
        person, "started_again", {"worker": person.key_worker.name}, now=now
    )
