"""Taking a concern up its ladder: the first alerts, then each step nobody acknowledged.

Every step runs in its own transaction on a concern locked for it, so two instances never
take the same step, and a step that fails (or a process that dies) is simply taken again by
the next round: the concern's `next_step_at` stays due until a step commits.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from typing import Any

from bot.adapters.db.models import Concern, Council, Hub, Staff, YoungPerson
from bot.adapters.db.uow import SqlUnitOfWork
from bot.adapters.outbox.postbox import name_of, profile_of
from bot.adapters.telegram.keyboards import alert_keyboard
from bot.content.helplines import helpline_values
from bot.domain.access import goes_to_police_liaison
from bot.domain.ladder import (
    ConcernState,
    CouncilRules,
    Step,
    Urgency,
    also_told,
    fallback,
    ladder,
    next_rung,
)
from bot.domain.outbox import Lane
from bot.domain.people import Role
from bot.i18n.dates import concrete_datetime

_LOG = logging.getLogger(__name__)
ALERT_WORDS = 3000
# An acknowledged concern nobody has closed is raised with whoever has it after this long.
ACKNOWLEDGED_FOLLOW_UP = timedelta(hours=24)
STEP_NAMES = {
    Step.NAMED_WORKER: "their worker",
    Step.DUTY: "the hub's duty worker",
    Step.ON_CALL: "the council's out-of-hours team",
    Step.MANAGER: "a hub manager",
}
CATEGORY_LABELS = {
    None: 'tapped "I\'m worried"',
    "self_harm": "self-harm",
    "suicide": "suicide",
    "abuse": "abuse",
    "unsafe": "feeling unsafe",
    "missing": "going missing",
    "exploitation": "exploitation",
    "bullying": "bullying",
    "substances": "drugs or alcohol",
    "other_child": "worried about another young person",
}


def what_about(concern: Concern) -> str:
    """The concern's category in words, and for a friend what the worry is."""
    what = CATEGORY_LABELS.get(concern.category, concern.category or "")
    if concern.harm:
        what += f": {CATEGORY_LABELS.get(concern.harm, concern.harm)}"
    return what


def rules_of(council: Council) -> CouncilRules:
    """A council's ladder choices as the domain sees them."""
    return CouncilRules(
        minutes_high=council.minutes_high,
        minutes_other=council.minutes_other,
        opens=time(council.office_opens_hour),
        # Closing at 24 means open until midnight.
        closes=time(council.office_closes_hour) if council.office_closes_hour < 24 else time.max,
        on_call_first=council.on_call_first,
        police_liaison=council.police_liaison,
    )


async def hub_of(uow: SqlUnitOfWork, hub_id: int) -> Hub:
    """The hub, with its council."""
    hub = await uow.session.get(Hub, hub_id)
    if hub is None:
        raise LookupError(f"hub {hub_id} is missing")
    return hub


def _alert_keyboard(uow: SqlUnitOfWork, concern_id: int) -> dict[str, Any]:
    text = uow.postbox.catalogue.text
    return alert_keyboard(
        concern_id, acknowledge=text("button_acknowledge"), call_me=text("button_call_me")
    )


async def people_for(uow: SqlUnitOfWork, step: Step, person: YoungPerson, hub: Hub) -> list[Staff]:
    """Who fills this step for this young person now (away workers pass to their cover)."""
    if step is Step.NAMED_WORKER:
        worker = await uow.staff.get(person.key_worker_id)
        if worker is not None and worker.away and worker.cover_id is not None:
            worker = await uow.staff.get(worker.cover_id)
        return [worker] if worker is not None and worker.active and not worker.away else []
    if step is Step.ON_CALL:
        return await uow.concerns.on_call(hub.council_id)
    role = Role.DUTY if step is Step.DUTY else Role.MANAGER
    return [s for s in await uow.staff.in_hub(hub.id, role.value) if not s.away]


async def who_answers(uow: SqlUnitOfWork, person: YoungPerson) -> Staff | None:
    """Who stands for the young person's worker now: the worker; while away, their cover; then
    the hub's duty worker; then a manager. The young person is told this name, not a guess."""
    hub = await hub_of(uow, person.hub_id)
    for step in (Step.NAMED_WORKER, Step.DUTY, Step.MANAGER):
        people = await people_for(uow, step, person, hub)
        if people:
            return people[0]
    return None


async def _fill(
    uow: SqlUnitOfWork, steps: tuple[Step, ...], rung: int, person: YoungPerson, hub: Hub
) -> tuple[int, Step, list[Staff]]:
    """The first step from `rung` up that has someone in it (or a fallback that does)."""
    for index in range(rung, len(steps)):
        for step in (steps[index], fallback(steps[index])):
            if step is not None and (people := await people_for(uow, step, person, hub)):
                return index, step, people
    # Nobody at the top: the council's out-of-hours team, whatever the time.
    return len(steps) - 1, Step.ON_CALL, await people_for(uow, Step.ON_CALL, person, hub)


def _values(uow: SqlUnitOfWork, concern: Concern, person: YoungPerson) -> dict[str, str]:
    zone = uow.postbox.zone
    words = concern.words or uow.postbox.catalogue.text("concern_no_words")
    if len(words) > ALERT_WORDS:
        # Telegram takes 4096 characters; the whole text is in the record.
        words = f"{words[:ALERT_WORDS]}… (the rest: /concern {concern.id})"
    return {
        "name": person.first_name,
        "category": what_about(concern),
        "urgency": concern.urgency,
        "time": concrete_datetime(concern.raised_at, zone),
        "words": words,
        "worker": person.key_worker.name,
    }


async def _alert(
    uow: SqlUnitOfWork,
    concern: Concern,
    staff: list[Staff],
    *,
    step: str,
    top: bool,
    next_step: str,
    now: datetime,
) -> None:
    person = concern.young_person
    values = _values(uow, concern, person)
    deadline = concern.next_step_at or now
    values |= {"deadline": concrete_datetime(deadline, uow.postbox.zone), "next": next_step}
    for member in staff:
        uow.postbox.to_staff(
            member, "concern_alert_top" if top else "concern_alert", values, now=now,
            lane=Lane.SAFETY, reply_markup=_alert_keyboard(uow, concern.id),
        )  # fmt: skip
        uow.concerns.record(
            concern, "notified", at=now, actor_type="staff", actor_id=member.id,
            detail=f"{step}: {member.name}",
        )  # fmt: skip
        uow.audit.record(
            "concern.notified", at=now, actor_type="system", hub_id=concern.hub_id,
            subject_type="staff", subject_id=member.id,
        )  # fmt: skip


def _tell_young_person_first(
    uow: SqlUnitOfWork, concern: Concern, council: Council, told: list[Staff], now: datetime
) -> None:
    """What happens next, who will know, and who else to call (research SG-1)."""
    person = concern.young_person
    # Whoever is really told first: their worker, or the cover or duty worker standing in.
    first = told[0].name if told else person.key_worker.name
    worker = {"worker": first, "name": name_of(person)}
    post = uow.postbox
    post.to_young_person(person, "concern_raised", worker, now=now, lane=Lane.SAFETY)
    if concern.words is None:
        post.to_young_person(person, "concern_tell_more", worker, now=now, lane=Lane.SAFETY)
    helplines = helpline_values()
    post.to_young_person(person, "concern_helplines", helplines, now=now, lane=Lane.SAFETY)
    if not concern.in_hours and council.out_of_hours_phone:
        number = {"number": council.out_of_hours_phone}
        post.to_young_person(person, "concern_out_of_hours", number, now=now, lane=Lane.SAFETY)


async def _police_liaison(uow: SqlUnitOfWork, concern: Concern, hub: Hub, now: datetime) -> None:
    """A short summary and how to talk with the young person; never their words."""
    about = concern.harm or concern.category
    if not goes_to_police_liaison(council_allows=hub.council.police_liaison, category=about):
        return
    from bot.services.profiles import summary  # noqa: PLC0415  (avoids an import cycle)

    person = concern.young_person
    values = {
        "id": str(concern.id),
        "category": what_about(concern),
        "name": person.first_name,
        "hub": hub.name,
        "time": concrete_datetime(concern.raised_at, uow.postbox.zone),
        "worker": person.key_worker.name,
        "profile": summary(profile_of(person)),
    }
    for liaison in await uow.staff.in_hub(hub.id, Role.POLICE_LIAISON.value):
        uow.postbox.to_staff(liaison, "concern_police_summary", values, now=now, lane=Lane.SAFETY)
        uow.concerns.record(
            concern, "shared_with_police_liaison", at=now, actor_type="staff",
            actor_id=liaison.id, detail=liaison.name,
        )  # fmt: skip


async def take_step(uow: SqlUnitOfWork, concern: Concern, now: datetime) -> None:
    """Tell the next people on the ladder (the first step also answers the young person)."""
    hub = await hub_of(uow, concern.hub_id)
    rules = rules_of(hub.council)
    # Office hours as they are now: a concern raised at 16:55 on a Friday goes to the
    # out-of-hours team once the hub has closed.
    concern.in_hours = rules.in_hours(now.astimezone(uow.postbox.zone))
    steps = ladder(in_hours=concern.in_hours, on_call_first=rules.on_call_first)
    first = concern.rung < 0
    start = 0 if first else next_rung(min(concern.rung, len(steps) - 1), steps)
    rung, filled_by, staff = await _fill(uow, steps, start, concern.young_person, hub)
    if not staff:
        # Nobody at all: keep reminding everyone told so far, every wait.
        staff = [s for s in [await uow.staff.get(i) for i in await uow.concerns.told(concern.id)]
                 if s is not None and s.active]  # fmt: skip
    moved = first or rung != concern.rung
    concern.rung = rung
    concern.state = ConcernState.OPEN.value
    concern.next_step_at = now + rules.wait(Urgency(concern.urgency))
    top = rung == len(steps) - 1 and not first
    next_step = STEP_NAMES[steps[next_rung(rung, steps)]]
    if not staff:
        _LOG.error("concern %s has nobody to tell at hub %s", concern.id, hub.id)
        uow.concerns.record(concern, "nobody_to_tell", at=now, actor_type="system")
    await _alert(uow, concern, staff, step=filled_by.value, top=top, next_step=next_step, now=now)
    if first:
        extra = also_told(in_hours=concern.in_hours, on_call_first=rules.on_call_first)
        for step in extra:
            people = await people_for(uow, step, concern.young_person, hub)
            copied = [s for s in people if s not in staff]
            await _alert(
                uow, concern, copied, step=step.value, top=False, next_step=next_step, now=now
            )
        await _police_liaison(uow, concern, hub, now)
    elif moved and staff:
        uow.audit.record(
            "concern.escalated", at=now, actor_type="system", hub_id=concern.hub_id,
            subject_type="concern", subject_id=concern.id,
        )  # fmt: skip
    # Last, and guarded: wording for the young person must never stop the alerts going out.
    try:
        async with uow.session.begin_nested():
            if first:
                _tell_young_person_first(uow, concern, hub.council, staff, now)
            elif moved and staff:
                names = {"staff": staff[0].name, "worker": concern.young_person.key_worker.name}
                uow.postbox.to_young_person(
                    concern.young_person, "concern_passed_on", names, now=now, lane=Lane.SAFETY
                )
    except Exception:  # the alerts above still commit; the record says what was missed
        _LOG.exception("concern %s: could not queue the young person's reply", concern.id)
        uow.concerns.record(concern, "young_person_not_told", at=now, actor_type="system")


async def _follow_up(uow: SqlUnitOfWork, concern: Concern, now: datetime) -> None:
    """An acknowledged concern still open a day later: remind whoever has it, or, if they
    have gone or are away, put it back on the ladder so someone else picks it up."""
    holder = await uow.staff.get(concern.acknowledged_by) if concern.acknowledged_by else None
    if holder is None or not holder.active or holder.away:
        concern.state = ConcernState.OPEN.value
        concern.acknowledged_by = concern.acknowledged_at = None
        uow.concerns.record(concern, "reopened", at=now, actor_type="system",
                            detail="whoever had it is away or has left")  # fmt: skip
        await take_step(uow, concern, now)
        return
    values = {"id": str(concern.id), "name": concern.young_person.first_name}
    uow.postbox.to_staff(holder, "concern_follow_up", values, now=now, lane=Lane.SAFETY)
    uow.concerns.record(concern, "follow_up", at=now, actor_type="staff", actor_id=holder.id)
    concern.next_step_at = now + ACKNOWLEDGED_FOLLOW_UP


async def do_take_step(uow: SqlUnitOfWork, concern_id: int, *, now: datetime) -> bool:
    """Take the next step for one concern if it is still due; False if it was not."""
    async with uow:
        concern = await uow.concerns.get(concern_id, for_update=True)
        if concern is None or concern.next_step_at is None or concern.next_step_at > now:
            return False
        if concern.state == ConcernState.ASKING.value:
            # No answer in time: for a worry, silence means tell (research SG-1).
            uow.concerns.record(concern, "no_answer", at=now, actor_type="system")
        elif concern.state == ConcernState.ACKNOWLEDGED.value:
            await _follow_up(uow, concern, now)
            await uow.commit()
            return True
        elif concern.state != ConcernState.OPEN.value:
            return False
        await take_step(uow, concern, now)
        await uow.commit()
        return True


async def do_take_due_steps(uow: SqlUnitOfWork, *, now: datetime, limit: int = 100) -> int:
    """Every concern whose next step is due, one transaction each; returns how many moved."""
    async with uow:
        due = await uow.concerns.due_ids(now, limit)
    moved = 0
    for concern_id in due:
        try:
            moved += await do_take_step(uow, concern_id, now=now)
        except Exception:  # one bad concern must not stop the others; it stays due
            _LOG.exception("could not take the next step for concern %s", concern_id)
    return moved
