"""The console's *Concerns* list (issue 15): the open concerns a member of staff may see,
each with its urgency, the ladder's step, who has it and how long since it was raised (one
concern's own page is bot.services.concern_view).

Who sees what is bot.domain.access's: a hub's managers and duty workers list its concerns
(the out-of-hours team, its council's), anyone else who reads concerns lists the ones they
may read (their young people's, the ones they were alerted to), and police liaison see the
summary Waypoint shared with them, never the words. Acknowledging and closing are the same
services Telegram's buttons and `/close` call (bot.services.concerns, concern_records).
Each list is audited as `/concerns` is; no words go in the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.access import (
    may_list_concerns,
    may_read_concern,
    may_read_concern_summary,
    role_reads_concerns,
)
from bot.domain.actors import KnownStaff
from bot.domain.ladder import DONE, ConcernState, Step, Urgency, ladder
from bot.domain.people import Role
from bot.services.caseload import PageNotForRole
from bot.services.concern_access import viewer_of
from bot.services.identity import staff_record
from bot.services.ladder_steps import hub_of
from bot.services.ports import UnitOfWork
from bot.services.records import ConcernRecord, HubRecord, StaffRecord
from bot.services.staff_words import what_about

# The chronology's line for a summary shared with police liaison (bot.services.concern_messages).
SHARED_WITH_POLICE = "shared_with_police_liaison"


@dataclass(frozen=True)
class ConcernRow:
    """One open concern in the list: never the young person's words."""

    concern_id: int
    first_name: str
    hub_name: str
    what: str
    urgency: Urgency
    state: ConcernState
    # The ladder's step now (None before anyone is told: "Are you OK?", or noted).
    step: Step | None
    # Who acknowledged it, if anyone has.
    holder: str | None
    raised_at: datetime
    waiting: timedelta


@dataclass(frozen=True)
class ConcernList:
    """The page: whose, which concerns, and whether they are summaries (police liaison)."""

    hub_name: str
    zone: str
    # "hub", "council" (the out-of-hours team), "theirs" (the ones they may read) or
    # "shared" (police liaison: the summaries shared with them).
    scope: str
    rows: tuple[ConcernRow, ...]


async def staff_name(uow: UnitOfWork, staff_id: int | None) -> str | None:
    """A member of staff's name, if there is one (None for nobody)."""
    staff = await uow.staff.get(staff_id) if staff_id is not None else None
    return staff.name if staff else None


async def row_of(
    uow: UnitOfWork, concern: ConcernRecord, hub: HubRecord, *, now: datetime
) -> ConcernRow:
    """One concern as a row of the list (and the head of its own page)."""
    state = ConcernState(concern.state)
    step = None
    if concern.rung >= 0 and state not in DONE:
        steps = ladder(in_hours=concern.in_hours, on_call_first=hub.council.on_call_first)
        step = steps[min(concern.rung, len(steps) - 1)]
    return ConcernRow(
        concern_id=concern.id,
        first_name=concern.young_person.first_name,
        hub_name=hub.name,
        what=what_about(uow.postbox.catalogue, concern),
        urgency=Urgency(concern.urgency),
        state=state,
        step=step,
        holder=await staff_name(uow, concern.acknowledged_by),
        raised_at=concern.raised_at,
        waiting=max(now - concern.raised_at, timedelta(0)),
    )


async def shared_with(uow: UnitOfWork, concern: ConcernRecord, staff: StaffRecord) -> bool:
    """Whether Waypoint shared this concern's summary with this member of staff."""
    return any(
        event.kind == SHARED_WITH_POLICE and event.actor_id == staff.id
        for event in await uow.concerns.chronology(concern.id)
    )


async def _listed(uow: UnitOfWork, staff: StaffRecord) -> tuple[str, list[ConcernRecord]]:
    """Which concerns this member of staff sees listed, and why (the page's scope)."""
    role = Role(staff.role)
    if may_list_concerns(role) and role is Role.ON_CALL:
        return "council", list(
            await uow.concerns.listed(council_id=staff.hub.council_id, open_only=True)
        )
    at_hub = list(await uow.concerns.listed(hub_id=staff.hub_id, open_only=True))
    if may_list_concerns(role):
        return "hub", at_hub
    if role_reads_concerns(role):
        council_id = staff.hub.council_id
        return "theirs", [
            c for c in at_hub if may_read_concern(await viewer_of(uow, staff, c, council_id))
        ]
    if may_read_concern_summary(role=role, active=staff.active, same_hub=True, shared=True):
        return "shared", [c for c in at_hub if await shared_with(uow, c, staff)]
    raise PageNotForRole


async def do_view_concerns(uow: UnitOfWork, actor: KnownStaff, *, now: datetime) -> ConcernList:
    """The open concerns this member of staff may see, most recent first (audited as
    `/concerns` is: one list, no words)."""
    async with uow:
        staff = await staff_record(uow, actor)
        scope, concerns = await _listed(uow, staff)
        hubs: dict[int, HubRecord] = {}
        rows = []
        for concern in concerns:
            if concern.hub_id not in hubs:
                hubs[concern.hub_id] = await hub_of(uow, concern.hub_id)
            rows.append(await row_of(uow, concern, hubs[concern.hub_id], now=now))
        uow.audit.record("concern.listed", at=now, by=actor.actor, hub_id=staff.hub_id)
        await uow.commit()
    zone = staff.hub.council.timezone
    return ConcernList(staff.hub.name, zone, scope, tuple(rows))
