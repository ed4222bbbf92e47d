"""A worry that joins one still waiting, and words that come after a concern: one concern,
not forty, and every word reaches whoever has it.

While a young person's concern waits for someone to acknowledge it, anything else worrying
they write or tap joins it (issue 9, point 8): its words are added and passed on, its urgency
is raised if the new words are more urgent and never lowered, and a worry about something new
(going missing after bullying, say) brings the helplines again and, where the council says,
police liaison. Staff get one alert per concern, not one per tap.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.domain.access import may_read_concern
from bot.domain.actors import Actor
from bot.domain.ladder import ConcernState, Urgency
from bot.domain.outbox import Lane
from bot.domain.safety.worry import Worry
from bot.services.concern_access import viewer_of
from bot.services.concern_messages import share_with_police_liaison, told_name, where_else
from bot.services.ladder_steps import guarded, rules_of
from bot.services.people import profile_of
from bot.services.ports import UnitOfWork
from bot.services.records import ConcernRecord, HubRecord, YoungPersonRecord

# How long an unsure but high-urgency worry waits for an answer to "Are you OK?" before Jo is
# told anyway. Other worries wait the young person's processing time (research SL-2).
ASK_HIGH_FOR = timedelta(minutes=2)
ASK_AT_MOST = timedelta(minutes=30)


def ask_for(person: YoungPersonRecord, urgency: Urgency) -> timedelta:
    """How long to wait for an answer to "Are you OK?" before telling anyway."""
    if urgency is Urgency.HIGH:
        return ASK_HIGH_FOR
    # A profile may give a day to answer other messages; a possible worry never waits that long.
    return min(timedelta(minutes=profile_of(person).processing_minutes), ASK_AT_MOST)


def add_words(
    uow: UnitOfWork,
    concern: ConcernRecord,
    words: str,
    *,
    at: datetime,
    message_id: int | None = None,
) -> None:
    """The young person's words for a concern: its first words if it had none (after the
    button), else words added later. Nothing they wrote is ever replaced."""
    if concern.words is None:
        concern.words = words
        if concern.source_message_id is None:
            concern.source_message_id = message_id
    else:
        uow.concerns.add_words(concern, words, at=at, message_id=message_id)


async def join_worry(
    uow: UnitOfWork,
    concern: ConcernRecord,
    worry: Worry,
    person: YoungPersonRecord,
    *,
    hub: HubRecord,
    now: datetime,
) -> bool:
    """Join a new worry to the young person's waiting concern and pass it on to whoever was
    told; returns whether anyone has been told yet (if not, the ladder's next step will)."""
    new_subject = (
        concern.category is not None
        and worry.category is not None
        and (worry.harm or worry.category) not in {concern.category, concern.harm}
    )
    if worry.words:
        add_words(uow, concern, worry.words, at=now, message_id=worry.message_id)
    if concern.category is None and worry.category is not None:
        concern.category, concern.harm = worry.category, worry.harm
    _sooner(concern, worry, person, hub, now)
    uow.concerns.record(
        concern,
        "joined",
        at=now,
        by=Actor.young_person(person.id),
        detail=worry.source,
    )
    uow.audit.record(
        "concern.joined",
        at=now,
        by=Actor.young_person(person.id),
        hub_id=person.hub_id,
        subject_type="concern",
        subject_id=concern.id,
    )
    if not await uow.concerns.told(concern.id):
        return False
    # In a savepoint: wording that fails must never cost the words stored above.
    async with guarded(uow, concern, now):
        await pass_on(uow, concern, worry.words, now)
        if new_subject:
            where_else(uow, concern, hub.council, now)
            await share_with_police_liaison(
                uow, concern, hub, now, about=worry.harm or worry.category
            )
    return True


def _sooner(
    concern: ConcernRecord, worry: Worry, person: YoungPersonRecord, hub: HubRecord, now: datetime
) -> None:
    """A more urgent worry makes the concern as urgent and its next step sooner; a sure one
    stops the asking."""
    if worry.urgency.outranks(Urgency(concern.urgency)):
        concern.urgency = worry.urgency
    if concern.state == ConcernState.ASKING:
        if worry.sure:
            concern.state, concern.next_step_at = ConcernState.OPEN, now
            person.awaiting_choice = None
            return
        due = now + ask_for(person, worry.urgency)
    else:
        due = now + rules_of(hub.council).wait(worry.urgency)
    if concern.next_step_at is None or concern.next_step_at > due:
        concern.next_step_at = due


async def pass_on(
    uow: UnitOfWork,
    concern: ConcernRecord,
    words: str | None,
    now: datetime,
    *,
    staff_message: str = "concern_more_words",
) -> None:
    """New words to everyone told about the concern and whoever has it (who may still read
    it), and a word to the young person naming someone who really has it."""
    person = concern.young_person
    if words:
        values = {"name": person.first_name, "id": str(concern.id), "words": words}
        hub = await uow.organisations.hub_by_id(concern.hub_id)
        readers = {*await uow.concerns.told(concern.id), concern.acknowledged_by}
        for staff_id in sorted(i for i in readers if i is not None):
            staff = await uow.staff.get(staff_id)
            if staff is None or not may_read_concern(
                await viewer_of(uow, staff, concern, hub.council_id)
            ):
                continue
            uow.postbox.to_staff(
                staff,
                staff_message,
                values,
                now=now,
                lane=Lane.SAFETY,
                about=person,
                concern_id=concern.id,
            )
    name = await told_name(uow, concern)
    if name is not None:
        message = "talk_sent" if words else "concern_already_told"
        uow.postbox.to_young_person(
            person, message, {"worker": name}, now=now, lane=Lane.SAFETY, concern_id=concern.id
        )
