"""Words a young person wrote that Waypoint cannot act on: never dropped, always for a person.

Words that are not a worry, an answer, a greeting or part of a talk with their worker are
kept on the young person's row (`kept_words`, one message a line, oldest first) and offered:
"Do you want me to send them now?". "Send them now" gives them to whoever stands for their
worker at once. "Keep them", or no answer within their profile's wait, leaves them for their
named worker's next look: the next time the worker opens Waypoint (/start, /help or anything
they write that is not a command), the words come first. Once given to a worker they are
cleared from the row. They are the young person's words: never logged, audited without them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.actors import Actor, KnownStaff
from bot.i18n.dates import day_words
from bot.services import talk
from bot.services.identity import staff_record
from bot.services.ladder_steps import answering_name, who_answers
from bot.services.people import profile_of
from bot.services.ports import UnitOfWork
from bot.services.records import StaffRecord, YoungPersonRecord

OFFER = "offer_to_worker"
SEND_NOW, KEEP = "send_now", "keep"


async def offer(uow: UnitOfWork, person: YoungPersonRecord, words: str, *, now: datetime) -> None:
    """In the caller's unit of work: keep the words for their worker and ask whether to send
    them now, naming whoever "send now" gives them to (their worker's cover while away)."""
    person.kept_words = f"{person.kept_words}\n{words}" if person.kept_words else words
    person.kept_since = person.kept_since or now
    worker = {"worker": await answering_name(uow, person)}
    uow.postbox.to_young_person(person, OFFER, worker, now=now)


def _give(
    uow: UnitOfWork,
    person: YoungPersonRecord,
    worker: StaffRecord,
    message_id: str,
    values: dict[str, str],
    *,
    now: datetime,
) -> None:
    """Queue the kept words to a worker and clear them from the row (audited, no words)."""
    words = {"name": person.first_name, "words": person.kept_words or "", **values}
    uow.postbox.to_staff(worker, message_id, words, now=now, about=person)
    person.kept_words, person.kept_since = None, None
    uow.audit.record(
        "words.given",
        at=now,
        by=Actor.young_person(person.id),
        hub_id=person.hub_id,
        subject_type="staff",
        subject_id=worker.id,
    )


async def choose_kept(
    uow: UnitOfWork, person: YoungPersonRecord, key: str, *, now: datetime
) -> bool:
    """In the caller's unit of work: "Send them now" or "Keep them"; False for another key."""
    worker_name = {"worker": person.key_worker.name}
    if key == KEEP:
        uow.postbox.to_young_person(person, "words_kept", worker_name, now=now)
        return True
    if key != SEND_NOW:
        return False
    worker = await who_answers(uow, person) if person.kept_words else None
    if worker is None:
        # Given already (their worker looked first), or nobody at all to give them to: kept.
        reply = "words_seen_already" if not person.kept_words else "words_kept"
        uow.postbox.to_young_person(person, reply, worker_name, now=now)
        return True
    _give(uow, person, worker, "words_for_you", {}, now=now)
    # As after /talk: what they write next goes to the worker too, who may /reply.
    talk.open_talk(person, now)
    uow.postbox.to_young_person(person, "talk_sent", {"worker": worker.name}, now=now)
    return True


def due_for_worker(person: YoungPersonRecord, now: datetime) -> bool:
    """Whether kept words wait for their worker's look: the young person chose to keep them,
    or did not answer within their wait (meanwhile they may still send them themselves)."""
    if not person.kept_words or person.kept_since is None:
        return False
    if person.awaiting_choice != OFFER:
        return True
    wait = timedelta(minutes=profile_of(person).processing_minutes)
    return person.kept_since + wait <= now


async def give_kept_words(uow: UnitOfWork, worker: StaffRecord, *, now: datetime) -> None:
    """In the caller's unit of work: the worker looks in, so words left for them come first."""
    for person in await uow.young_people.linked_to(worker.id):
        if due_for_worker(person, now):
            when = kept_when(person.kept_since or now, uow.postbox.zone)
            _give(uow, person, worker, "words_kept_for_you", {"when": when}, now=now)


def kept_when(since: datetime, zone: ZoneInfo) -> str:
    """When the first kept words were written, for staff: "Tuesday 3 March at 16:05"."""
    local = since.astimezone(zone)
    return f"{day_words(local.date(), 'en')} at {local:%H:%M}"


async def do_worker_looks_in(uow: UnitOfWork, actor: KnownStaff, *, now: datetime) -> None:
    """A member of staff opened Waypoint (/start, /help, or words that are not a command):
    words their young people left for them come first."""
    async with uow:
        staff = await staff_record(uow, actor)
        await give_kept_words(uow, staff, now=now)
        await uow.commit()
