"""Raising a concern, answering "Are you OK?", adding words, acknowledging.

A concern is committed on its own, before anything else happens; the first alerts and the
young person's reply follow in a second transaction. If that second one fails or the process
dies in between, the concern is already due, and the next round of `do_take_due_steps` takes
the step instead: a concern is never lost.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.domain.actors import Actor, KnownStaff
from bot.domain.errors import ConcernAlreadyTaken, ConcernAlreadyYours
from bot.domain.ladder import CheckAnswer, ConcernState, Urgency
from bot.domain.outbox import Lane
from bot.domain.safety.worry import Worry
from bot.services.concern_access import access_concern
from bot.services.concern_joining import add_words, ask_for, join_worry, pass_on
from bot.services.identity import staff_record
from bot.services.ladder_steps import (
    ACKNOWLEDGED_FOLLOW_UP,
    CONCERN_CHECK,
    answering_name,
    do_take_step,
    guarded,
    hub_of,
)
from bot.services.ports import UnitOfWork
from bot.services.records import ConcernRecord, YoungPersonRecord

_LOG = logging.getLogger(__name__)
# The source of a concern raised for a message Waypoint could not handle.
UNHANDLED = "unhandled"


async def do_raise_concern(
    uow: UnitOfWork, telegram_user_id: int, worry: Worry, *, now: datetime
) -> int | None:
    """Store a concern, then alert; None when the sender is not a young person Waypoint knows.

    Only the bare concern is in the first commit: nothing that depends on the council's
    settings, the young person's profile or content/ can stop it being stored.
    """
    asking = not worry.sure
    async with uow:
        person = await uow.young_people.by_telegram_id(telegram_user_id)
        if person is None:
            return None
        # Their messages before, if any were kept, are part of this worry now (or of none).
        await uow.recent_words.forget(person.id)
        waiting = await uow.concerns.waiting_for(person.id)
        if waiting is not None:
            hub = await hub_of(uow, waiting.hub_id)
            told = await join_worry(uow, waiting, worry, person, hub=hub, now=now)
            # Words that may be a worry, while "Are you OK?" is open: they join it, and it is
            # asked again (a sure worry has opened the concern instead).
            ask_again = waiting.state == ConcernState.ASKING
            await uow.commit()
            concern_id = waiting.id
        else:
            ask_again = False
            concern_id = await _store(uow, person, worry, now)
            await uow.commit()
    try:
        if ask_again:
            await _ask(uow, telegram_user_id, now, again=True)
        elif asking and waiting is None:
            await _ask(uow, telegram_user_id, now)
        elif waiting is None or not told:
            # Nobody told yet: the step (due now, or once asking is over) does it.
            await do_take_step(uow, concern_id, now=now)
    except Exception:  # stored and due: the next round of due steps takes it
        _LOG.exception("next step for concern %s failed; it will be retried", concern_id)
    return concern_id


async def _store(uow: UnitOfWork, person: YoungPersonRecord, worry: Worry, now: datetime) -> int:
    """Stage the bare concern, due at once (or, when asking first, once they have had time to
    answer); returns its id."""
    asking = not worry.sure
    concern = await uow.concerns.new(
        hub_id=person.hub_id,
        young_person_id=person.id,
        now=now,
        source=worry.source,
        category=worry.category,
        harm=worry.harm,
        urgency=worry.urgency,
        words=worry.words,
        state=ConcernState.ASKING if asking else ConcernState.OPEN,
        next_step_at=now + ask_for(person, worry.urgency) if asking else now,
        source_message_id=worry.message_id,
    )
    uow.concerns.record(
        concern,
        "raised",
        at=now,
        by=Actor.young_person(person.id),
        detail=worry.source,
    )
    uow.audit.record(
        "concern.raised",
        at=now,
        by=Actor.young_person(person.id),
        hub_id=person.hub_id,
        subject_type="concern",
        subject_id=concern.id,
    )
    return concern.id


async def _ask(
    uow: UnitOfWork, telegram_user_id: int, now: datetime, *, again: bool = False
) -> None:
    """ "Are you OK?", once the concern it asks about is stored (nothing else is told yet);
    `again` after more words joined it ("I have added this to your message")."""
    async with uow:
        person = await uow.young_people.by_telegram_id(telegram_user_id)
        concern = await uow.concerns.asking(person.id) if person is not None else None
        if person is not None and concern is not None:
            worker = {"worker": await answering_name(uow, person)}
            message = "concern_check_words" if again else CONCERN_CHECK
            uow.postbox.to_young_person(
                person,
                message,
                worker,
                now=now,
                lane=Lane.SAFETY,
                concern_id=concern.id,
                # Its buttons name this concern: one left on an older check changes nothing.
                ref=concern.id,
            )
            person.awaiting_choice = CONCERN_CHECK
            await uow.commit()


async def do_answer_check(
    uow: UnitOfWork,
    telegram_user_id: int,
    answer: CheckAnswer,
    *,
    now: datetime,
    ref: int | None = None,
) -> bool:
    """The young person answered "Are you OK?" about words that may be a worry. "I'm worried"
    and "Talk to Jo" tell their worker now (at the concern's urgency); "I'm OK" never alerts:
    the concern is noted for staff's next look. False if it is not being asked any more, or
    "I'm OK" came from the buttons of an older check (`ref`, the concern they were about):
    that never silences a newer one."""
    async with uow:
        person = await uow.young_people.by_telegram_id(telegram_user_id)
        concern = await uow.concerns.asking(person.id) if person is not None else None
        if person is None or concern is None:
            return False
        if answer is CheckAnswer.OK and ref is not None and ref != concern.id:
            return False
        person.awaiting_choice = None
        by = Actor.young_person(person.id)
        uow.concerns.record(concern, answer.event, at=now, by=by)
        uow.audit.record(
            f"concern.{answer.event}",
            at=now,
            by=by,
            hub_id=person.hub_id,
            subject_type="concern",
            subject_id=concern.id,
        )
        worker = {"worker": await answering_name(uow, person)}
        if answer is CheckAnswer.OK:
            concern.state, concern.next_step_at = ConcernState.NOTED, None
        else:
            concern.state, concern.next_step_at = ConcernState.OPEN, now
        reply = {CheckAnswer.OK: "concern_check_ok", CheckAnswer.TALK: "concern_check_talk"}
        if answer in reply:
            # In a savepoint: wording that fails must never cost the answer stored with it.
            async with guarded(uow, concern, now):
                uow.postbox.to_young_person(
                    person, reply[answer], worker, now=now, lane=Lane.SAFETY, concern_id=concern.id
                )
        await uow.commit()
        concern_id = concern.id
    if answer is not CheckAnswer.OK:
        await do_take_step(uow, concern_id, now=now)
    return True


async def do_raise_unhandled(
    uow: UnitOfWork, telegram_user_id: int, words: str | None, *, now: datetime
) -> bool:
    """A young person's message could not be handled (it was set aside): it may have been a
    worry, so it becomes one, with whatever words could be read, and their worker is told.
    False when the sender is not a young person Waypoint knows."""
    worry = Worry(UNHANDLED, Urgency.HIGH, words)
    return await do_raise_concern(uow, telegram_user_id, worry, now=now) is not None


async def do_add_words(
    uow: UnitOfWork,
    telegram_user_id: int,
    words: str,
    *,
    now: datetime,
    message_id: int | None = None,
) -> bool:
    """After tapping "I'm worried", what the young person writes (that is not itself a worry:
    that joins the concern or raises a new one) goes to whoever has it; False if there is no
    concern from the last hour still waiting for words."""
    async with uow:
        person = await uow.young_people.by_telegram_id(telegram_user_id)
        if person is None or not await add_words_to_waiting(
            uow, person, words, now=now, message_id=message_id
        ):
            return False
        await uow.commit()
        return True


async def add_words_to_waiting(
    uow: UnitOfWork,
    person: YoungPersonRecord,
    words: str,
    *,
    now: datetime,
    message_id: int | None = None,
) -> bool:
    """In the caller's unit of work: the words go to the concern from the last hour still
    waiting for words, if there is one (False if not)."""
    concern = await uow.concerns.latest_without_words(person.id, since=now - timedelta(hours=1))
    if concern is None:
        return False
    add_words(uow, concern, words, at=now, message_id=message_id)
    _words_added(uow, concern, person, now)
    # In a savepoint: wording that fails must never cost the words stored with them.
    async with guarded(uow, concern, now):
        await pass_on(uow, concern, words, now)
    return True


async def add_words_to_asking(
    uow: UnitOfWork,
    person: YoungPersonRecord,
    words: str,
    *,
    now: datetime,
    message_id: int | None = None,
) -> bool:
    """In the caller's unit of work: words that do not answer "Are you OK?" ("hello")
    join the concern it asks about, which goes to their worker with them, and the question is
    asked again; False if it is not being asked (answered, or no answer in time)."""
    concern = await uow.concerns.asking(person.id)
    if concern is None:
        return False
    add_words(uow, concern, words, at=now, message_id=message_id)
    _words_added(uow, concern, person, now)
    # In a savepoint: wording that fails must never cost the words stored with them.
    async with guarded(uow, concern, now):
        worker = {"worker": await answering_name(uow, person)}
        uow.postbox.to_young_person(
            person, "concern_check_words", worker, now=now, lane=Lane.SAFETY, concern_id=concern.id
        )
    # Still this question, whatever message the words were answered with.
    person.awaiting_choice = CONCERN_CHECK
    return True


async def do_note_edit(
    uow: UnitOfWork, telegram_user_id: int, message_id: int, words: str, *, now: datetime
) -> bool:
    """A young person edited a message already heard as (part of) a concern that staff have
    been told of: the new wording is added to that concern and passed on, instead of raising a
    second one. False if the message was not part of such a concern (one still asking "Are you
    OK?", noted or closed tells nobody: the edit is heard afresh)."""
    async with uow:
        person = await uow.young_people.by_telegram_id(telegram_user_id)
        concern = (
            await uow.concerns.from_message(person.id, message_id) if person is not None else None
        )
        told = (ConcernState.OPEN, ConcernState.ACKNOWLEDGED)
        if person is None or concern is None or ConcernState(concern.state) not in told:
            return False
        uow.concerns.add_words(concern, words, at=now, message_id=message_id)
        _words_added(uow, concern, person, now, kind="edited")
        async with guarded(uow, concern, now):
            await pass_on(uow, concern, words, now, staff_message="concern_words_edited")
        await uow.commit()
        return True


def _words_added(
    uow: UnitOfWork,
    concern: ConcernRecord,
    person: YoungPersonRecord,
    now: datetime,
    *,
    kind: str = "words_added",
) -> None:
    uow.concerns.record(concern, kind, at=now, by=Actor.young_person(person.id))
    uow.audit.record(
        f"concern.{kind}",
        at=now,
        by=Actor.young_person(person.id),
        hub_id=person.hub_id,
        subject_type="concern",
        subject_id=concern.id,
    )


async def do_acknowledge(
    uow: UnitOfWork, actor: KnownStaff, concern_id: int, *, call_me: bool, now: datetime
) -> None:
    """A member of staff has it: stop the ladder and tell the young person who has seen it."""
    async with uow:
        staff = await staff_record(uow, actor)
        concern = await access_concern(uow, staff, concern_id, now, for_update=True)
        person = concern.young_person
        values = {"id": str(concern.id), "name": person.first_name}
        uow.audit.record(
            "concern.acknowledged",
            at=now,
            by=actor.actor,
            hub_id=concern.hub_id,
            subject_type="concern",
            subject_id=concern.id,
        )
        if concern.state == ConcernState.CLOSED or concern.acknowledged_by is not None:
            holder = concern.acknowledged_by or concern.closed_by
            other = await uow.staff.get(holder) if holder is not None else None
            # The look is audited even so.
            await uow.commit()
            if holder == staff.id:
                raise ConcernAlreadyYours(**values)
            raise ConcernAlreadyTaken(**values, staff=other.name if other else "someone")
        concern.state = ConcernState.ACKNOWLEDGED
        concern.acknowledged_by, concern.acknowledged_at = staff.id, now
        # Not the end: if nobody closes it, whoever has it is reminded (or it climbs again).
        concern.next_step_at = now + ACKNOWLEDGED_FOLLOW_UP
        uow.concerns.record(
            concern,
            "acknowledged",
            at=now,
            by=Actor.staff(staff.id),
            detail="asked to be phoned" if call_me else None,
        )
        told = {"staff": staff.name}
        message = "concern_call_me" if call_me else "concern_seen"
        uow.postbox.to_young_person(
            person, message, told, now=now, lane=Lane.SAFETY, concern_id=concern.id
        )
        for staff_id in {*await uow.concerns.told(concern.id), staff.id}:
            member = await uow.staff.get(staff_id)
            if member is not None and member.active:
                taken = values | {"staff": staff.name}
                # The person who has it reads it about themselves ("You have concern 12").
                yours = member.id == staff.id
                uow.postbox.to_staff(
                    member,
                    "concern_taken_by_you" if yours else "concern_taken",
                    taken,
                    now=now,
                    lane=Lane.SAFETY,
                    about=person,
                    concern_id=concern.id,
                )
        await uow.commit()
