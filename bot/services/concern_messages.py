"""What is said about a concern: alerts to staff, the young person's reply, and police
liaison's summary. The ladder (bot.services.ladder_steps) decides who and when."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from bot.content.helplines import helpline_values
from bot.domain.access import goes_to_police_liaison
from bot.domain.actors import SYSTEM, Actor
from bot.domain.ladder import CheckAnswer
from bot.domain.outbox import AlertButtons, Lane
from bot.domain.people import Role
from bot.i18n.dates import concrete_datetime
from bot.services.people import name_of, profile_of
from bot.services.ports import UnitOfWork
from bot.services.records import (
    ConcernRecord,
    CouncilRecord,
    HubRecord,
    StaffRecord,
    YoungPersonRecord,
)
from bot.services.staff_words import profile_lines, staff_text, what_about

# Telegram takes 4096 characters; longer words are cut in alerts (the record has them all).
ALERT_WORDS = 3000


def _alert_buttons(uow: UnitOfWork, concern_id: int) -> AlertButtons:
    text = uow.postbox.catalogue.text
    return AlertButtons(
        concern_id, acknowledge=text("button_acknowledge"), call_me=text("button_call_me")
    )


async def every_word(uow: UnitOfWork, concern: ConcernRecord) -> str | None:
    """All the young person wrote for this concern, first words first; None if nothing."""
    later = [entry.words for entry in await uow.concerns.later_words(concern.id)]
    written = [words for words in (concern.words, *later) if words]
    return "\n".join(written) if written else None


# What the young person said when asked "Are you OK?", as a line under their words.
_CHECKED = {
    "no_answer": "concern_check_no_answer",
    CheckAnswer.WORRIED.event: "concern_check_said_worried",
    CheckAnswer.TALK.event: "concern_check_asked_talk",
}


async def checked_line(uow: UnitOfWork, concern: ConcernRecord) -> str | None:
    """For a concern Waypoint asked "Are you OK?" about: what came of it, for staff."""
    kinds = [kind for kind in await uow.concerns.kinds(concern.id) if kind in _CHECKED]
    if not kinds:
        return None
    worker = {"worker": concern.young_person.key_worker.name}
    return staff_text(uow.postbox.catalogue, _CHECKED[kinds[-1]], **worker)


async def _values(
    uow: UnitOfWork, concern: ConcernRecord, person: YoungPersonRecord
) -> dict[str, str]:
    zone = uow.postbox.zone
    words = await every_word(uow, concern) or uow.postbox.catalogue.text("concern_no_words")
    if len(words) > ALERT_WORDS:
        # Telegram takes 4096 characters; the whole text is in the record.
        words = f"{words[:ALERT_WORDS]}… (the rest: /concern {concern.id})"
    if checked := await checked_line(uow, concern):
        # Staff must know the young person was asked first, and what came of it.
        words = f"{words}\n{checked}"
    return {
        "name": person.first_name,
        "category": what_about(uow.postbox.catalogue, concern),
        "urgency": concern.urgency,
        "time": concrete_datetime(concern.raised_at, zone),
        "words": words,
        "worker": person.key_worker.name,
    }


async def alert(
    uow: UnitOfWork,
    concern: ConcernRecord,
    staff: list[StaffRecord],
    *,
    step: str,
    top: bool,
    next_step: str,
    now: datetime,
) -> None:
    """Alert these staff on the safety lane, with the buttons; each goes in the chronology."""
    person = concern.young_person
    values = await _values(uow, concern, person)
    deadline = concern.next_step_at or now
    values |= {"deadline": concrete_datetime(deadline, uow.postbox.zone), "next": next_step}
    for member in staff:
        uow.postbox.to_staff(
            member,
            "concern_alert_top" if top else "concern_alert",
            values,
            now=now,
            lane=Lane.SAFETY,
            buttons=_alert_buttons(uow, concern.id),
            about=person,
            concern_id=concern.id,
        )
        uow.concerns.record(
            concern,
            "notified",
            at=now,
            by=Actor.staff(member.id),
            detail=f"{step}: {member.name}",
        )
        uow.audit.record(
            "concern.notified",
            at=now,
            by=SYSTEM,
            hub_id=concern.hub_id,
            subject_type="staff",
            subject_id=member.id,
        )


def tell_young_person_first(
    uow: UnitOfWork,
    concern: ConcernRecord,
    council: CouncilRecord,
    told: list[StaffRecord],
    now: datetime,
) -> None:
    """What happens next, who will know, and who else to call (research SG-1)."""
    person = concern.young_person
    # Whoever is really told first: their worker, or the cover or duty worker standing in.
    first = told[0].name if told else person.key_worker.name
    worker = {"worker": first, "name": name_of(person)}
    # Before they have written anything, nothing is said about "your message".
    raised = "concern_raised" if concern.words is not None else "concern_raised_no_words"
    _to_young_person(uow, concern, raised, worker, now)
    where_else(uow, concern, council, now)


def tell_nobody_yet(
    uow: UnitOfWork, concern: ConcernRecord, council: CouncilRecord, now: datetime
) -> None:
    """Nobody can be told yet: say so, say the hub will be told, and who to call now."""
    _to_young_person(uow, concern, "concern_nobody_yet", {}, now)
    where_else(uow, concern, council, now)


def where_else(
    uow: UnitOfWork, concern: ConcernRecord, council: CouncilRecord, now: datetime
) -> None:
    """The helplines, and out of hours the council's own number."""
    _to_young_person(uow, concern, "concern_helplines", helpline_values(), now)
    if not concern.in_hours and council.out_of_hours_phone:
        number = {"number": council.out_of_hours_phone}
        _to_young_person(uow, concern, "concern_out_of_hours", number, now)


def _to_young_person(
    uow: UnitOfWork,
    concern: ConcernRecord,
    message_id: str,
    values: Mapping[str, str],
    now: datetime,
) -> None:
    uow.postbox.to_young_person(
        concern.young_person,
        message_id,
        values,
        now=now,
        lane=Lane.SAFETY,
        concern_id=concern.id,
    )


async def share_with_police_liaison(
    uow: UnitOfWork,
    concern: ConcernRecord,
    hub: HubRecord,
    now: datetime,
    *,
    about: str | None = None,
) -> None:
    """A short summary and how to talk with the young person; never their words. `about` is
    what a worry joined to the concern later is about, when that differs from the concern."""
    about = about or concern.harm or concern.category
    if not goes_to_police_liaison(council_allows=hub.council.police_liaison, category=about):
        return
    person = concern.young_person
    values = {
        "id": str(concern.id),
        "category": what_about(uow.postbox.catalogue, concern),
        "name": person.first_name,
        "hub": hub.name,
        "time": concrete_datetime(concern.raised_at, uow.postbox.zone),
        "worker": person.key_worker.name,
        "profile": profile_lines(uow.postbox.catalogue, profile_of(person)),
    }
    for liaison in await uow.staff.in_hub(hub.id, Role.POLICE_LIAISON.value):
        uow.postbox.to_staff(liaison, "concern_police_summary", values, now=now, lane=Lane.SAFETY)
        uow.concerns.record(
            concern,
            "shared_with_police_liaison",
            at=now,
            by=Actor.staff(liaison.id),
            detail=liaison.name,
        )


async def told_name(uow: UnitOfWork, concern: ConcernRecord) -> str | None:
    """Who the young person may truthfully be told has their message: whoever acknowledged
    it, else the last member of staff alerted who is still here; None if nobody was."""
    for staff_id in (concern.acknowledged_by, *await uow.concerns.told_latest_first(concern.id)):
        staff = await uow.staff.get(staff_id) if staff_id is not None else None
        if staff is not None and staff.active:
            return staff.name
    return None
