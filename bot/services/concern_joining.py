"""A worry that joins one still waiting: one concern, not forty.

While a young person's concern waits for someone to acknowledge it, anything else worrying
they write or tap joins it (issue 9, point 8): its words are added (and passed on to whoever
was told), its urgency is raised if the new words are more urgent and never lowered, and
staff get one alert per concern, not one per tap.
"""

from __future__ import annotations

import logging
from datetime import datetime

from bot.adapters.db.models import Concern, YoungPerson
from bot.adapters.db.uow import SqlUnitOfWork
from bot.domain.ladder import ConcernState, Urgency
from bot.domain.outbox import Lane
from bot.domain.safety.worry import Worry
from bot.services.ladder_steps import answering_name, do_take_step, hub_of, rules_of

_LOG = logging.getLogger(__name__)


async def join_worry(
    uow: SqlUnitOfWork, concern: Concern, worry: Worry, person: YoungPerson, now: datetime
) -> bool:
    """A new worry while one of theirs still waits for someone: it joins that concern (its
    words added, its urgency raised if more urgent, never lowered). Returns whether anyone has
    been told about the concern yet. One concern, so duty is not sent forty alerts."""
    if worry.words:
        uow.concerns.add_words(concern, worry.words, at=now)
    if concern.category is None and worry.category is not None:
        concern.category, concern.harm = worry.category, worry.harm
    if worry.urgency.outranks(Urgency(concern.urgency)):
        concern.urgency = worry.urgency.value
        hub = await hub_of(uow, concern.hub_id)
        sooner = now + rules_of(hub.council).wait(worry.urgency)
        if concern.next_step_at is None or concern.next_step_at > sooner:
            concern.next_step_at = sooner
    if concern.state == ConcernState.ASKING.value and worry.sure:
        # Sure now: no more asking, the worker is told at once.
        concern.state, concern.next_step_at = ConcernState.OPEN.value, now
        person.awaiting_choice = None
    uow.concerns.record(
        concern, "joined", at=now, actor_type="young_person", actor_id=person.id,
        detail=worry.source,
    )  # fmt: skip
    uow.audit.record(
        "concern.joined", at=now, actor_type="young_person", actor_id=person.id,
        hub_id=person.hub_id, subject_type="concern", subject_id=concern.id,
    )  # fmt: skip
    return bool(await uow.concerns.told(concern.id))


async def tell_joined(
    uow: SqlUnitOfWork, concern_id: int, worry: Worry, *, told: bool, now: datetime
) -> None:
    """After the join is stored: the new words to whoever was told, and a word to the young
    person; or, if nobody has been told yet, the step that is due now or soon does it."""
    try:
        if not told:
            await do_take_step(uow, concern_id, now=now)
            return
        async with uow:
            concern = await uow.concerns.get(concern_id)
            if concern is None:
                return
            person = concern.young_person
            if worry.words:
                await _more_words(uow, concern, worry.words, now)
            worker = {"worker": await answering_name(uow, person)}
            message = "talk_sent" if worry.words else "concern_already_told"
            uow.postbox.to_young_person(
                person, message, worker, now=now, lane=Lane.SAFETY, concern_id=concern.id
            )
            await uow.commit()
    except Exception:  # stored: the words are in the record, and the ladder goes on
        _LOG.exception("could not pass on a worry joined to concern %s", concern_id)


async def _more_words(uow: SqlUnitOfWork, concern: Concern, words: str, now: datetime) -> None:
    """New words for a concern, to everyone told about it who is still here."""
    person = concern.young_person
    values = {"name": person.first_name, "id": str(concern.id), "words": words}
    for staff_id in await uow.concerns.told(concern.id):
        staff = await uow.staff.get(staff_id)
        if staff is not None and staff.active:
            uow.postbox.to_staff(
                staff, "concern_more_words", values, now=now, lane=Lane.SAFETY,
                about=person, concern_id=concern.id,
            )  # fmt: skip
