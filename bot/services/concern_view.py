"""One concern on the console (issue 15): its words and chronology for those who may read
it, the summary Waypoint shared for police liaison, and its case-file record to download.
The look, each refusal and each export are audited; no words go in the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.access import (
    may_close_concern,
    may_read_concern_summary,
    role_reads_concerns,
)
from bot.domain.actors import Actor, KnownStaff
from bot.domain.errors import NoSuchConcern
from bot.domain.ladder import ConcernState
from bot.domain.people import Role
from bot.services.concern_access import access_concern, viewer_of
from bot.services.concern_pages import ConcernRow, row_of, shared_with, staff_name
from bot.services.concern_records import record_text
from bot.services.identity import staff_record
from bot.services.ladder_steps import hub_of
from bot.services.people import profile_of
from bot.services.ports import UnitOfWork
from bot.services.records import ConcernRecord, HubRecord, StaffRecord
from bot.services.staff_words import profile_lines, staff_text

# A closing outcome is a few sentences for the case file; the form refuses an essay.
LONGEST_OUTCOME = 2000


@dataclass(frozen=True)
class ChronologyLine:
    """One line of a concern's chronology: when, what, who, and its detail."""

    at: datetime
    kind: str
    who: str
    detail: str | None


@dataclass(frozen=True)
class ConcernPage:
    """One concern as this member of staff may see it. For police liaison (`summary_only`),
    the words, later words and chronology are empty and `profile` says how to talk with them."""

    row: ConcernRow
    zone: str
    worker_name: str
    summary_only: bool
    words: str | None
    later_words: tuple[tuple[datetime, str], ...]
    chronology: tuple[ChronologyLine, ...]
    told: tuple[str, ...]
    acknowledged_at: datetime | None
    closed_at: datetime | None
    closed_by: str | None
    outcome: str | None
    profile: str | None
    may_acknowledge: bool
    may_close: bool


@dataclass(frozen=True)
class ConcernExport:
    """The case-file record (as `waypoint concerns export` writes it), named for saving."""

    filename: str
    text: str


def outcome_problem(outcome: str) -> str | None:
    """What is wrong with a closing outcome typed in the console: "missing", "too_long", or
    None. The case file needs what was done, in words (as `/close 12 what was done`)."""
    if not outcome.strip():
        return "missing"
    return "too_long" if len(outcome) > LONGEST_OUTCOME else None


_ACTORS = {
    "young_person": "case_file_by_young_person",
    "system": "case_file_by_waypoint",
    "cli": "case_file_by_operator",
    "operator": "case_file_by_operator",
}


async def _chronology(uow: UnitOfWork, concern: ConcernRecord) -> tuple[ChronologyLine, ...]:
    """The chronology as the case file words it (its labels from content/)."""
    catalogue, lines = uow.postbox.catalogue, []
    for event in await uow.concerns.chronology(concern.id):
        if event.actor_type == "staff":
            who = await staff_name(uow, event.actor_id) or staff_text(
                catalogue, "case_file_by_unknown_staff", id=str(event.actor_id)
            )
        elif event.actor_type in _ACTORS:
            who = staff_text(catalogue, _ACTORS[event.actor_type])
        else:
            who = event.actor_type
        lines.append(ChronologyLine(event.at, event.kind.replace("_", " "), who, event.detail))
    return tuple(lines)


async def _summary_of(
    uow: UnitOfWork, staff: StaffRecord, concern_id: int, *, now: datetime
) -> ConcernRecord:
    """For police liaison: the concern if its summary was shared with them; else the refusal
    is audited and raised (no such concern, as far as they may learn)."""
    concern = await uow.concerns.get(concern_id)
    if concern is not None and may_read_concern_summary(
        role=Role(staff.role),
        active=staff.active,
        same_hub=concern.hub_id == staff.hub_id,
        shared=await shared_with(uow, concern, staff),
    ):
        return concern
    uow.audit.record(
        "concern.refused",
        at=now,
        by=Actor.staff(staff.id),
        hub_id=staff.hub_id,
        subject_type="concern",
        subject_id=concern_id,
    )
    await uow.commit()
    raise NoSuchConcern(id=str(concern_id))


def _reads_summaries(staff: StaffRecord) -> bool:
    role = Role(staff.role)
    return not role_reads_concerns(role) and may_read_concern_summary(
        role=role, active=staff.active, same_hub=True, shared=True
    )


async def do_view_concern(
    uow: UnitOfWork, actor: KnownStaff, concern_id: int, *, now: datetime
) -> ConcernPage:
    """One concern's page: its words and chronology for those who may read it, the summary
    for police liaison it was shared with; the look (or the refusal) audited."""
    async with uow:
        staff = await staff_record(uow, actor)
        summary_only = _reads_summaries(staff)
        if summary_only:
            concern = await _summary_of(uow, staff, concern_id, now=now)
        else:
            concern = await access_concern(uow, staff, concern_id, now)
        hub = await hub_of(uow, concern.hub_id)
        page = await (_summary if summary_only else _whole)(uow, staff, concern, hub, now=now)
        uow.audit.record(
            "concern.summary_viewed" if summary_only else "concern.viewed",
            at=now,
            by=actor.actor,
            hub_id=concern.hub_id,
            subject_type="concern",
            subject_id=concern.id,
        )
        await uow.commit()
        return page


async def _summary(
    uow: UnitOfWork, staff: StaffRecord, concern: ConcernRecord, hub: HubRecord, *, now: datetime
) -> ConcernPage:
    person = concern.young_person
    return ConcernPage(
        row=await row_of(uow, concern, hub, now=now),
        zone=hub.council.timezone,
        worker_name=person.key_worker.name,
        summary_only=True,
        words=None,
        later_words=(),
        chronology=(),
        told=(),
        acknowledged_at=None,
        closed_at=None,
        closed_by=None,
        outcome=None,
        profile=profile_lines(uow.postbox.catalogue, profile_of(person)),
        may_acknowledge=False,
        may_close=False,
    )


async def _whole(
    uow: UnitOfWork, staff: StaffRecord, concern: ConcernRecord, hub: HubRecord, *, now: datetime
) -> ConcernPage:
    state = ConcernState(concern.state)
    chronology = await _chronology(uow, concern)
    closed = [line for line in chronology if line.kind == "closed"]
    told = [await staff_name(uow, staff_id) for staff_id in await uow.concerns.told(concern.id)]
    viewer = await viewer_of(uow, staff, concern, staff.hub.council_id)
    acknowledged_it = concern.acknowledged_by == staff.id
    return ConcernPage(
        row=await row_of(uow, concern, hub, now=now),
        zone=hub.council.timezone,
        worker_name=concern.young_person.key_worker.name,
        summary_only=False,
        words=concern.words,
        later_words=tuple((w.at, w.words) for w in await uow.concerns.later_words(concern.id)),
        chronology=chronology,
        told=tuple(name for name in told if name),
        acknowledged_at=concern.acknowledged_at,
        closed_at=concern.closed_at,
        closed_by=await staff_name(uow, concern.closed_by),
        outcome=closed[-1].detail if closed else None,
        profile=None,
        # Acknowledging stops the ladder: for a concern nobody has yet, that is not closed.
        may_acknowledge=concern.acknowledged_by is None and state is not ConcernState.CLOSED,
        may_close=state is not ConcernState.CLOSED
        and may_close_concern(viewer, acknowledged_it=acknowledged_it),
    )


async def do_export_concern(
    uow: UnitOfWork, actor: KnownStaff, concern_id: int, *, now: datetime
) -> ConcernExport:
    """The case-file record `waypoint concerns export` writes, for staff who may read the
    concern (police liaison never: it holds the words); the export is audited."""
    async with uow:
        staff = await staff_record(uow, actor)
        # Refused (and the refusal audited) for a role that never reads concerns, as in /concern.
        concern = await access_concern(uow, staff, concern_id, now)
        text = await record_text(uow, concern)
        uow.audit.record(
            "concern.exported",
            at=now,
            by=actor.actor,
            hub_id=concern.hub_id,
            subject_type="concern",
            subject_id=concern.id,
        )
        await uow.commit()
    return ConcernExport(f"waypoint-concern-{concern.id}.txt", text + "\n")
