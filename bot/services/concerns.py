"""Raising a concern, answering "Do you want Jo to know?", adding words, acknowledging.

A concern is committed on its own, before anything else happens; the first alerts and the
young person's reply follow in a second transaction. If that second one fails or the process
dies in between, the concern is already due, and the next round of `do_take_due_steps` takes
the step instead: a concern is never lost.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.adapters.db.models import Concern, YoungPerson
from bot.adapters.db.uow import SqlUnitOfWork
from bot.adapters.outbox.postbox import profile_of
from bot.domain.ladder import ConcernState, Urgency
from bot.domain.outbox import Lane
from bot.domain.profiles import DEFAULT_PROCESSING_MINUTES
from bot.domain.safety.worry import Worry
from bot.services.concern_access import visible_concern
from bot.services.concern_joining import join_worry, tell_joined
from bot.services.ladder_steps import (
    ACKNOWLEDGED_FOLLOW_UP,
    answering_name,
    do_take_step,
)

_LOG = logging.getLogger(__name__)
# How long an unsure but high-urgency worry waits for "Do you want Jo to know?" before Jo is
# told anyway. Other worries wait the young person's processing time (research SL-2).
ASK_HIGH_FOR = timedelta(minutes=2)


def _ask_for(person: YoungPerson, urgency: Urgency) -> timedelta:
    """How long to wait for "Do you want Jo to know?" before telling anyway."""
    if urgency is Urgency.HIGH:
        return ASK_HIGH_FOR
    try:
        return timedelta(minutes=profile_of(person).processing_minutes)
    except (TypeError, ValueError):  # a damaged profile must not stop a concern being stored
        return timedelta(minutes=DEFAULT_PROCESSING_MINUTES)


async def do_raise_concern(
    uow: SqlUnitOfWork, telegram_user_id: int, worry: Worry, *, now: datetime
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
        waiting = await uow.concerns.waiting_for(person.id)
        if waiting is not None:
            told = await join_worry(uow, waiting, worry, person, now)
            await uow.commit()
        else:
            concern_id = await _store(uow, person, worry, now)
            await uow.commit()
    if waiting is not None:
        await tell_joined(uow, waiting.id, worry, told=told, now=now)
        return waiting.id
    try:
        if asking:
            await _ask(uow, telegram_user_id, now)
        else:
            await do_take_step(uow, concern_id, now=now)
    except Exception:  # stored and due: the next round of due steps takes it
        _LOG.exception("first step for concern %s failed; it will be retried", concern_id)
    return concern_id


async def _store(uow: SqlUnitOfWork, person: YoungPerson, worry: Worry, now: datetime) -> int:
    """Stage the bare concern, due at once (or, when asking first, once they have had time to
    answer); returns its id."""
    asking = not worry.sure
    concern = Concern(
        hub_id=person.hub_id,
        young_person_id=person.id,
        raised_at=now,
        source=worry.source,
        category=worry.category,
        harm=worry.harm,
        urgency=worry.urgency.value,
        words=worry.words,
        state=(ConcernState.ASKING if asking else ConcernState.OPEN).value,
        # Worked out again at every step, from the council's office hours then.
        in_hours=False,
        rung=-1,
        next_step_at=now + _ask_for(person, worry.urgency) if asking else now,
    )
    uow.concerns.add(concern)
    await uow.flush()
    uow.concerns.record(
        concern, "raised", at=now, actor_type="young_person", actor_id=person.id,
        detail=worry.source,
    )  # fmt: skip
    uow.audit.record(
        "concern.raised", at=now, actor_type="young_person", actor_id=person.id,
        hub_id=person.hub_id, subject_type="concern", subject_id=concern.id,
    )  # fmt: skip
    return concern.id


async def _ask(uow: SqlUnitOfWork, telegram_user_id: int, now: datetime) -> None:
    async with uow:
        person = await uow.young_people.by_telegram_id(telegram_user_id)
        concern = await uow.concerns.asking(person.id) if person is not None else None
        if person is not None and concern is not None:
            worker = {"worker": await answering_name(uow, person)}
            uow.postbox.to_young_person(
                person, "concern_ask", worker, now=now, lane=Lane.SAFETY, concern_id=concern.id
            )
            await uow.commit()


async def do_answer_ask(
    uow: SqlUnitOfWork, telegram_user_id: int, *, tell: bool, now: datetime
) -> bool:
    """The young person answered "Do you want Jo to know?"; either way their worker is told."""
    async with uow:
        person = await uow.young_people.by_telegram_id(telegram_user_id)
        if person is None:
            return False
        concern = await uow.concerns.asking(person.id)
        if concern is None:
            return False
        person.awaiting_choice = None
        uow.concerns.record(
            concern, "answered", at=now, actor_type="young_person", actor_id=person.id,
            detail="tell" if tell else "do not tell",
        )  # fmt: skip
        uow.audit.record(
            "concern.answered", at=now, actor_type="young_person", actor_id=person.id,
            hub_id=person.hub_id, subject_type="concern", subject_id=concern.id,
        )  # fmt: skip
        if not tell:
            # Tell, never trap: the worker still hears, with less rush (never none).
            if concern.urgency == Urgency.HIGH.value:
                concern.urgency = Urgency.MEDIUM.value
            worker = {"worker": await answering_name(uow, person)}
            uow.postbox.to_young_person(
                person, "concern_said_no", worker, now=now, lane=Lane.SAFETY,
                concern_id=concern.id,
            )  # fmt: skip
        concern.state = ConcernState.OPEN.value
        concern.next_step_at = now
        await uow.commit()
        concern_id = concern.id
    await do_take_step(uow, concern_id, now=now)
    return True


async def do_add_words(
    uow: SqlUnitOfWork,
    telegram_user_id: int,
    words: str,
    about: tuple[str, str | None] | None = None,
    *,
    now: datetime,
) -> bool:
    """After tapping "I'm worried", what the young person writes goes to whoever has it;
    `about` (category, harm) is what the words themselves are a worry about, if anything."""
    async with uow:
        person = await uow.young_people.by_telegram_id(telegram_user_id)
        if person is None:
            return False
        concern = await uow.concerns.latest_without_words(
            person.id, since=now - timedelta(hours=1)
        )
        if concern is None:
            return False
        concern.words = words
        if about is not None and concern.category is None:
            concern.category, concern.harm = about
        uow.concerns.record(
            concern, "words_added", at=now, actor_type="young_person", actor_id=person.id
        )
        uow.audit.record(
            "concern.words_added", at=now, actor_type="young_person", actor_id=person.id,
            hub_id=person.hub_id, subject_type="concern", subject_id=concern.id,
        )  # fmt: skip
        # The words are stored before any wording is filled in: a broken translation can
        # cost the young person a reply, never their words.
        await uow.commit()
        concern_id = concern.id
    worry = Worry("words", Urgency(concern.urgency), words)
    await tell_joined(uow, concern_id, worry, told=True, now=now)
    return True


async def do_acknowledge(
    uow: SqlUnitOfWork, staff_telegram_id: int, concern_id: int, *, call_me: bool, now: datetime
) -> bool:
    """A member of staff has it: stop the ladder and tell the young person who has seen it."""
    async with uow:
        staff = await uow.staff.by_telegram_id(staff_telegram_id)
        if staff is None:
            return False
        concern = await visible_concern(uow, staff, concern_id, now, for_update=True)
        if concern is None:
            await uow.commit()
            return True
        person = concern.young_person
        values = {"id": str(concern.id), "name": person.first_name}
        uow.audit.record(
            "concern.acknowledged", at=now, actor_type="staff", actor_id=staff.id,
            hub_id=concern.hub_id, subject_type="concern", subject_id=concern.id,
        )  # fmt: skip
        if concern.state == ConcernState.CLOSED.value or concern.acknowledged_by is not None:
            holder = concern.acknowledged_by or concern.closed_by
            other = await uow.staff.get(holder) if holder is not None else None
            taken = values | {"staff": other.name if other else "someone"}
            uow.postbox.to_staff(staff, "concern_already_taken", taken, now=now)
            await uow.commit()
            return True
        concern.state = ConcernState.ACKNOWLEDGED.value
        concern.acknowledged_by, concern.acknowledged_at = staff.id, now
        # Not the end: if nobody closes it, whoever has it is reminded (or it climbs again).
        concern.next_step_at = now + ACKNOWLEDGED_FOLLOW_UP
        uow.concerns.record(
            concern, "acknowledged", at=now, actor_type="staff", actor_id=staff.id,
            detail="asked to be phoned" if call_me else None,
        )  # fmt: skip
        told = {"staff": staff.name}
        message = "concern_call_me" if call_me else "concern_seen"
        uow.postbox.to_young_person(
            person, message, told, now=now, lane=Lane.SAFETY, concern_id=concern.id
        )
        for staff_id in {*await uow.concerns.told(concern.id), staff.id}:
            member = await uow.staff.get(staff_id)
            if member is not None and member.active:
                taken = values | {"staff": staff.name}
                uow.postbox.to_staff(
                    member, "concern_taken", taken, now=now, lane=Lane.SAFETY, about=person,
                    concern_id=concern.id,
                )  # fmt: skip
        await uow.commit()
        return True
