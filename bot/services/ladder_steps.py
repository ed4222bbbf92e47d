"""Taking a concern up its ladder: the first alerts, then each step nobody acknowledged.

Every step runs in its own transaction on a concern locked for it, so two instances never
take the same step, and a step that fails (or a process that dies) is simply taken again by
the next round: the concern's `next_step_at` stays due until a step commits.

Each step looks again at everyone who could take the concern now: from its rung up, and when
nobody is there, from the bottom (the named worker or their cover, duty, a manager, the
out-of-hours team). So staff who come back or are added are told at the next step. When
nobody at all can be told, the young person is told the truth, the hub's operators are
alerted (and Sentry), and Waypoint looks again every minute.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Collection
from datetime import datetime, time, timedelta

from bot.content.holidays import project_holidays
from bot.domain.access import may_cover
from bot.domain.actors import SYSTEM, Actor
from bot.domain.ladder import (
    ABOVE_THE_TOP,
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
from bot.services.concern_messages import (
    alert,
    share_with_police_liaison,
    tell_nobody_yet,
    tell_young_person_first,
)
from bot.services.ports import UnitOfWork
from bot.services.records import (
    ConcernRecord,
    CouncilRecord,
    HubRecord,
    StaffRecord,
    YoungPersonRecord,
)
from bot.services.staff_words import step_name

_LOG = logging.getLogger(__name__)
# An acknowledged concern nobody has closed is raised with whoever has it after this long.
ACKNOWLEDGED_FOLLOW_UP = timedelta(hours=24)
# With nobody to tell, Waypoint looks again this often (staff may come back or be added).
LOOK_AGAIN = timedelta(minutes=1)
# "Are you OK?": asked about words that may be a worry (the lexicon unsure, or only the
# learned model heard one) before anyone is alerted.
CONCERN_CHECK = "concern_check"


def rules_of(council: CouncilRecord) -> CouncilRules:
    """A council's ladder choices as the domain sees them."""
    return CouncilRules(
        minutes_high=council.minutes_high,
        minutes_other=council.minutes_other,
        opens=time(council.office_opens_hour),
        # Closing at 24 means open until midnight.
        closes=time(council.office_closes_hour) if council.office_closes_hour < 24 else time.max,
        on_call_first=council.on_call_first,
        holidays=project_holidays(),
    )


async def hub_of(uow: UnitOfWork, hub_id: int) -> HubRecord:
    """The hub, with its council."""
    return await uow.organisations.hub_by_id(hub_id)


async def _worker_or_cover(uow: UnitOfWork, person: YoungPersonRecord) -> list[StaffRecord]:
    worker = await uow.staff.get(person.key_worker_id)
    if worker is None or not worker.active:
        return []
    if not worker.away:
        return [worker]
    cover = await uow.staff.get(worker.cover_id) if worker.cover_id is not None else None
    # A cover who is away too (or has left) is nobody: the step falls through to duty.
    if cover is not None and may_cover(
        role=Role(cover.role),
        active=cover.active,
        away=cover.away,
        same_hub=cover.hub_id == person.hub_id,
    ):
        return [cover]
    return []


async def people_for(
    uow: UnitOfWork, step: Step, person: YoungPersonRecord, hub: HubRecord
) -> list[StaffRecord]:
    """Who fills this step for this young person now (away workers pass to their cover)."""
    if step is Step.NAMED_WORKER:
        return await _worker_or_cover(uow, person)
    if step is Step.ON_CALL:
        return list(await uow.concerns.on_call(hub.council_id))
    role = Role.DUTY if step is Step.DUTY else Role.MANAGER
    return [s for s in await uow.staff.in_hub(hub.id, role.value) if not s.away]


async def who_answers(uow: UnitOfWork, person: YoungPersonRecord) -> StaffRecord | None:
    """Who stands for the young person's worker now: the worker; while away, their cover; then
    the hub's duty worker; then a manager. The young person is told this name, not a guess."""
    hub = await hub_of(uow, person.hub_id)
    for step in (Step.NAMED_WORKER, Step.DUTY, Step.MANAGER):
        people = await people_for(uow, step, person, hub)
        if people:
            return people[0]
    return None


async def answering_name(uow: UnitOfWork, person: YoungPersonRecord) -> str:
    """The name the young person is told: whoever stands for their worker now."""
    worker = person.key_worker
    if worker.active and not worker.away:
        return worker.name  # the first who_answers looks at: no need to look further
    answers = await who_answers(uow, person)
    return answers.name if answers is not None else person.key_worker.name


async def _fill(
    uow: UnitOfWork, steps: tuple[Step, ...], rung: int, person: YoungPersonRecord, hub: HubRecord
) -> tuple[int, Step, list[StaffRecord]]:
    """The first step from `rung` up that has someone in it (or a fallback that does); with
    nobody there, anyone who could take it now, from the bottom of the ladder up."""
    for index in range(rung, len(steps)):
        for step in (steps[index], fallback(steps[index])):
            if step is not None and (people := await people_for(uow, step, person, hub)):
                return index, step, people
    top = len(steps) - 1
    for step in ABOVE_THE_TOP:
        if people := await people_for(uow, step, person, hub):
            return top, step, people
    return top, steps[top], []


async def take_step(uow: UnitOfWork, concern: ConcernRecord, now: datetime) -> None:
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
    told_before = await uow.concerns.told(concern.id)
    moved = first or rung != concern.rung or (bool(staff) and not told_before)
    concern.rung = rung
    concern.state = ConcernState.OPEN
    concern.next_step_at = now + (rules.wait(Urgency(concern.urgency)) if staff else LOOK_AGAIN)
    top = rung == len(steps) - 1 and not first
    next_step = step_name(uow.postbox.catalogue, steps[next_rung(rung, steps)])
    if not staff:
        if first:
            async with guarded(uow, concern, now, missed="police_liaison_not_told"):
                await share_with_police_liaison(uow, concern, hub, now)
        await _nobody_to_tell(uow, concern, hub, now)
        return
    await alert(uow, concern, staff, step=filled_by.value, top=top, next_step=next_step, now=now)
    if first:
        extra = also_told(in_hours=concern.in_hours, on_call_first=rules.on_call_first)
        for step in extra:
            people = await people_for(uow, step, concern.young_person, hub)
            copied = [s for s in people if s not in staff]
            await alert(
                uow, concern, copied, step=step.value, top=False, next_step=next_step, now=now
            )
        async with guarded(uow, concern, now, missed="police_liaison_not_told"):
            await share_with_police_liaison(uow, concern, hub, now)
    elif moved and staff:
        uow.audit.record(
            "concern.escalated",
            at=now,
            by=SYSTEM,
            hub_id=concern.hub_id,
            subject_type="concern",
            subject_id=concern.id,
        )
    # Last, and guarded: wording for the young person must never stop the alerts going out.
    async with guarded(uow, concern, now):
        if first:
            tell_young_person_first(uow, concern, hub.council, staff, now)
        elif moved:
            # "Dee has your message too", or, if nobody could be told until now, "now".
            message = "concern_passed_on" if told_before else "concern_now_told"
            names = {"staff": staff[0].name, "worker": concern.young_person.key_worker.name}
            uow.postbox.to_young_person(
                concern.young_person,
                message,
                names,
                now=now,
                lane=Lane.SAFETY,
                concern_id=concern.id,
            )


@contextlib.asynccontextmanager
async def guarded(
    uow: UnitOfWork,
    concern: ConcernRecord,
    now: datetime,
    *,
    missed: str = "young_person_not_told",
) -> AsyncIterator[None]:
    """Queue messages in a savepoint: if their wording fails, the alerts and the words around
    them still commit, and the chronology says what was missed (`missed`)."""
    try:
        async with uow.savepoint():
            yield
    except Exception as error:
        _LOG.error("concern %s: %s (%s)", concern.id, missed, type(error).__name__, exc_info=True)
        uow.concerns.record(concern, missed, at=now, by=SYSTEM)


async def _nobody_to_tell(
    uow: UnitOfWork, concern: ConcernRecord, hub: HubRecord, now: datetime
) -> None:
    """Nobody at all can take it now: tell the young person the truth the first time, and make
    each time it happens loud for the hub's operators (and Sentry), never a log line only."""
    kinds = await uow.concerns.kinds(concern.id)
    if kinds and kinds[-1] == "nobody_to_tell":
        return  # still nobody since the last look: said already, and recorded once
    first_time = "nobody_to_tell" not in kinds
    uow.concerns.record(concern, "nobody_to_tell", at=now, by=SYSTEM)
    # Sentry (ERROR): ids only.
    _LOG.error("concern %s at hub %s has nobody who can be told", concern.id, hub.id)
    values = {"id": str(concern.id), "hub": hub.name}
    for operator in await uow.staff.operators(hub.id, hub.council_id):
        uow.postbox.to_staff(
            operator, "concern_nobody_operator", values, now=now, lane=Lane.SAFETY
        )
    uow.audit.record(
        "concern.nobody_to_tell",
        at=now,
        by=SYSTEM,
        hub_id=hub.id,
        subject_type="concern",
        subject_id=concern.id,
    )
    if first_time:
        async with guarded(uow, concern, now):
            tell_nobody_yet(uow, concern, hub.council, now)


async def _follow_up(uow: UnitOfWork, concern: ConcernRecord, now: datetime) -> None:
    """An acknowledged concern still open a day later: remind whoever has it, or, if they
    have gone or are away, put it back on the ladder so someone else picks it up."""
    holder = await uow.staff.get(concern.acknowledged_by) if concern.acknowledged_by else None
    if holder is None or not holder.active or holder.away:
        concern.state = ConcernState.OPEN
        concern.acknowledged_by = concern.acknowledged_at = None
        uow.concerns.record(
            concern, "reopened", at=now, by=SYSTEM, detail="whoever had it is away or has left"
        )
        await take_step(uow, concern, now)
        return
    values = {"id": str(concern.id), "name": concern.young_person.first_name}
    uow.postbox.to_staff(holder, "concern_follow_up", values, now=now, lane=Lane.SAFETY)
    uow.concerns.record(concern, "follow_up", at=now, by=Actor.staff(holder.id))
    concern.next_step_at = now + ACKNOWLEDGED_FOLLOW_UP


async def _step(uow: UnitOfWork, concern: ConcernRecord, now: datetime) -> bool:
    """The due step for a locked concern: asked and unanswered, followed up, or climbed."""
    if concern.state == ConcernState.ASKING:
        # No answer in time: for a worry, silence means tell (research SG-1). The question is
        # over, so what they write next is not read as its answer.
        uow.concerns.record(concern, "no_answer", at=now, by=SYSTEM)
        if concern.young_person.awaiting_choice == CONCERN_CHECK:
            concern.young_person.awaiting_choice = None
    elif concern.state == ConcernState.ACKNOWLEDGED:
        await _follow_up(uow, concern, now)
        return True
    elif concern.state != ConcernState.OPEN:
        return False
    await take_step(uow, concern, now)
    return True


async def do_take_step(uow: UnitOfWork, concern_id: int, *, now: datetime) -> bool:
    """Take the next step for one concern if it is still due; False if it was not."""
    async with uow:
        concern = await uow.concerns.get(concern_id, for_update=True)
        if concern is None or concern.next_step_at is None or concern.next_step_at > now:
            return False
        if not await _step(uow, concern, now):
            return False
        await uow.commit()
        return True


class StepFailed(Exception):
    """Taking a concern's step failed; it stays due and is tried at the next tick."""

    def __init__(self, concern_id: int) -> None:
        super().__init__(concern_id)
        self.concern_id = concern_id


async def try_take_due_step(
    uow: UnitOfWork, *, now: datetime, skip: Collection[int] = ()
) -> int | None:
    """Claim the concern that has waited longest for its due step (one that another instance
    is stepping is passed over) and take it; its id, or None when nothing is due."""
    async with uow:
        concern = await uow.concerns.next_due(now, skip=skip)
        if concern is None:
            return None
        concern_id = concern.id
        try:
            await _step(uow, concern, now)
            await uow.commit()
        except Exception as error:
            raise StepFailed(concern_id) from error
    return concern_id


async def do_take_due_steps(uow: UnitOfWork, *, now: datetime, limit: int = 100) -> int:
    """Take up to `limit` due steps, one transaction each; returns how many were taken. Its
    cost when nothing is due is one read that takes no write lock."""
    async with uow.reading():
        if not await uow.concerns.any_due(now):
            return 0
    taken, failed = 0, set[int]()
    while taken + len(failed) < limit:
        try:
            concern_id = await try_take_due_step(uow, now=now, skip=failed)
        except StepFailed as error:  # one bad concern must not stop the others; it stays due
            _LOG.error(
                "could not take the next step for concern %s", error.concern_id, exc_info=True
            )
            failed.add(error.concern_id)
            continue
        if concern_id is None:
            break
        taken += 1
    return taken
