"""Reading, closing and exporting concerns. Every look at a concern is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.content.catalogue import Catalogue
from bot.domain.access import COVER_ROLES, may_close_concern, may_go_away, may_list_concerns
from bot.domain.actors import OPERATOR, Actor, ActorKind, KnownStaff
from bot.domain.errors import (
    CoverCannotCover,
    CoverIsAway,
    MayNotCloseConcern,
    MayNotGoAway,
    MayNotList,
    NoSuchCover,
    SetupError,
    SeveralStaff,
)
from bot.domain.ladder import ConcernState
from bot.domain.people import Role
from bot.i18n.dates import concrete_datetime, record_datetime
from bot.services.concern_access import access_concern, viewer_of
from bot.services.identity import staff_record
from bot.services.ladder_steps import hub_of
from bot.services.ports import UnitOfWork
from bot.services.records import ConcernEventRecord, ConcernRecord, StaffRecord
from bot.services.staff_help import examples_at
from bot.services.staff_words import role_name, staff_text, what_about


async def _names(uow: UnitOfWork, ids: set[int]) -> dict[int, str]:
    found = {}
    for staff_id in ids:
        staff = await uow.staff.get(staff_id)
        found[staff_id] = staff.name if staff else f"staff {staff_id}"
    return found


_ACTORS = {
    "young_person": "case_file_by_young_person",
    "system": "case_file_by_waypoint",
    "cli": "case_file_by_operator",
    "operator": "case_file_by_operator",
}


def _event_line(
    catalogue: Catalogue, event: ConcernEventRecord, names: dict[int, str], zone: ZoneInfo
) -> str:
    if event.actor_type == "staff":
        staff_id = event.actor_id or 0
        who = names.get(staff_id) or staff_text(
            catalogue, "case_file_by_unknown_staff", id=str(staff_id)
        )
    elif event.actor_type in _ACTORS:
        who = staff_text(catalogue, _ACTORS[event.actor_type])
    else:
        who = event.actor_type
    return staff_text(
        catalogue,
        "case_file_line",
        at=record_datetime(event.at, zone),
        kind=event.kind.replace("_", " "),
        who=who,
        detail=f": {event.detail}" if event.detail else "",
    )


async def record_text(uow: UnitOfWork, concern: ConcernRecord) -> str:
    """One concern as a readable record for the case file: words, then the chronology."""
    zone, catalogue = uow.postbox.zone, uow.postbox.catalogue
    events = await uow.concerns.chronology(concern.id)
    names = await _names(
        uow, {e.actor_id for e in events if e.actor_type == "staff" and e.actor_id}
    )
    hub = await hub_of(uow, concern.hub_id)
    later = "".join(
        "\n"
        + staff_text(
            catalogue, "case_file_then", at=record_datetime(entry.at, zone), words=entry.words
        )
        for entry in await uow.concerns.later_words(concern.id)
    )
    return staff_text(
        catalogue,
        "case_file",
        id=str(concern.id),
        name=concern.young_person.first_name,
        hub=hub.name,
        council=hub.council.name,
        raised=record_datetime(concern.raised_at, zone),
        what=what_about(catalogue, concern),
        urgency=concern.urgency,
        state=concern.state,
        words=concern.words or staff_text(catalogue, "case_file_no_words"),
        later=later,
        chronology="\n".join(_event_line(catalogue, event, names, zone) for event in events),
    )


def _audit_view(uow: UnitOfWork, concern: ConcernRecord, actor: Actor, now: datetime) -> None:
    uow.audit.record(
        "concern.viewed",
        at=now,
        by=actor,
        hub_id=concern.hub_id,
        subject_type="concern",
        subject_id=concern.id,
    )


@dataclass(frozen=True)
class ConcernShown:
    """One concern's case-file record, as a member of staff may read it."""

    concern_id: int
    record: str


@dataclass(frozen=True)
class ConcernLine:
    """One concern in a list: never the young person's words."""

    concern_id: int
    first_name: str
    what: str
    urgency: str
    state: str
    raised_at: datetime


@dataclass(frozen=True)
class CloseConcern:
    """Close concern `concern_id`, saying what was done."""

    concern_id: int
    outcome: str


async def do_show_concern(
    uow: UnitOfWork, actor: KnownStaff, concern_id: int, *, now: datetime
) -> ConcernShown:
    """`/concern 12`: the record, to staff who may see it (every look is audited)."""
    async with uow:
        staff = await staff_record(uow, actor)
        concern = await access_concern(uow, staff, concern_id, now)
        _audit_view(uow, concern, actor.actor, now)
        shown = ConcernShown(concern.id, await record_text(uow, concern))
        await uow.commit()
        return shown


async def do_list_concerns(
    uow: UnitOfWork, actor: KnownStaff, *, now: datetime
) -> list[ConcernLine]:
    """`/concerns`: concerns not closed, for a hub's managers and duty staff, and for the
    out-of-hours team across their council (the list is audited)."""
    async with uow:
        staff = await staff_record(uow, actor)
        # Their role now, not when they wrote: a role changed since then counts.
        if not may_list_concerns(Role(staff.role)):
            raise MayNotList
        if staff.role == Role.ON_CALL:
            concerns = await uow.concerns.listed(council_id=staff.hub.council_id, open_only=True)
        else:
            concerns = await uow.concerns.listed(hub_id=staff.hub_id, open_only=True)
        uow.audit.record("concern.listed", at=now, by=actor.actor, hub_id=staff.hub_id)
        lines = [_line(uow.postbox.catalogue, c) for c in concerns]
        await uow.commit()
        return lines


def _line(catalogue: Catalogue, concern: ConcernRecord) -> ConcernLine:
    return ConcernLine(
        concern.id,
        concern.young_person.first_name,
        what_about(catalogue, concern),
        concern.urgency,
        concern.state,
        concern.raised_at,
    )


def listed_text(catalogue: Catalogue, line: ConcernLine, zone: ZoneInfo) -> str:
    """One concern as a line of a list staff read (`/concerns`, `waypoint concerns list`)."""
    return staff_text(
        catalogue,
        "concern_list_line",
        id=str(line.concern_id),
        name=line.first_name,
        what=line.what,
        urgency=line.urgency,
        state=line.state,
        time=concrete_datetime(line.raised_at, zone),
    )


def listed_lines(catalogue: Catalogue, lines: list[ConcernLine], zone: ZoneInfo) -> str:
    """Concerns one a line; the noted ones ("I'm OK", never alerted) apart, after the rest."""
    noted = [line for line in lines if line.state == ConcernState.NOTED]
    rest = [listed_text(catalogue, line, zone) for line in lines if line not in noted]
    if noted:
        shown = "\n".join(listed_text(catalogue, line, zone) for line in noted)
        rest.append(staff_text(catalogue, "concern_list_noted", lines=shown))
    return "\n".join(rest)


async def do_close_concern(
    uow: UnitOfWork, actor: KnownStaff, command: CloseConcern, *, now: datetime
) -> int:
    """`/close 12 what was done`: by a manager, duty worker, or whoever acknowledged it."""
    async with uow:
        staff = await staff_record(uow, actor)
        concern = await access_concern(uow, staff, command.concern_id, now)
        if not may_close_concern(
            await viewer_of(uow, staff, concern, staff.hub.council_id),
            acknowledged_it=concern.acknowledged_by == staff.id,
        ):
            raise MayNotCloseConcern(id=str(concern.id))
        close(uow, concern, command.outcome, actor=actor.actor, now=now)
        await uow.commit()
        return concern.id


def close(
    uow: UnitOfWork, concern: ConcernRecord, outcome: str, *, actor: Actor, now: datetime
) -> None:
    """Close a concern with the outcome in its chronology; the ladder stops."""
    concern.state = ConcernState.CLOSED
    concern.closed_at = now
    concern.closed_by = actor.id if actor.kind is ActorKind.STAFF else None
    concern.next_step_at = None
    uow.concerns.record(concern, "closed", at=now, by=actor, detail=outcome)
    uow.audit.record(
        "concern.closed",
        at=now,
        by=actor,
        hub_id=concern.hub_id,
        subject_type="concern",
        subject_id=concern.id,
    )


async def concerns_table(uow: UnitOfWork, *, now: datetime) -> str:
    """For `waypoint concerns list`: one line per concern, newest first (audited)."""
    async with uow:
        concerns = await uow.concerns.listed()
        uow.audit.record("concern.listed", at=now, by=OPERATOR)
        await uow.commit()
        catalogue, zone = uow.postbox.catalogue, uow.postbox.zone
        lines = [_line(catalogue, c) for c in concerns]
        return listed_lines(catalogue, lines, zone) or "No concerns."


async def concern_export(uow: UnitOfWork, concern_id: int, *, now: datetime) -> str:
    """For `waypoint concerns show ID`: the readable record (audited)."""
    async with uow:
        concern = await uow.concerns.get(concern_id)
        if concern is None:
            raise SetupError(f"there is no concern {concern_id}")
        _audit_view(uow, concern, OPERATOR, now)
        text = await record_text(uow, concern)
        await uow.commit()
        return text


def check_may_go_away(actor: KnownStaff) -> None:
    """Refuse `/away` to a role the ladder never alerts, before its words are even read."""
    if not may_go_away(actor.role):
        raise MayNotGoAway


async def do_away(
    uow: UnitOfWork, actor: KnownStaff, cover: str | None, *, now: datetime
) -> str | None:
    """`/away Lee` passes new alerts for your young people to Lee (whose name is returned);
    `/back` (no cover) ends it."""
    async with uow:
        staff = await staff_record(uow, actor)
        if not may_go_away(Role(staff.role)):
            raise MayNotGoAway
        if cover is None:
            staff.away, staff.cover_id = False, None
            covered_by = None
        else:
            found = await _cover(uow, staff, cover)
            if found.away:
                # Two workers covering for each other would leave a concern with nobody.
                raise CoverIsAway(cover=found.name)
            staff.away, staff.cover_id = True, found.id
            covered_by = found.name
        uow.audit.record(
            "staff.away" if cover else "staff.back",
            at=now,
            by=actor.actor,
            hub_id=staff.hub_id,
        )
        await uow.commit()
        return covered_by


async def _cover(uow: UnitOfWork, staff: StaffRecord, name: str) -> StaffRecord:
    """The colleague at the hub who answers to this first (or full) name and may cover; the
    refusal says which it is not, with a colleague who could as the example."""
    wanted = " ".join(name.split()).casefold()
    here = [s for s in await uow.staff.in_hub_any_role(staff.hub_id) if s.id != staff.id]
    named = [s for s in here if s.name.casefold() == wanted] or [
        s for s in here if s.name.split()[0].casefold() == wanted
    ]
    able = [s for s in named if Role(s.role) in COVER_ROLES]
    if len(able) == 1:
        return able[0]
    if len(able) > 1:
        raise SeveralStaff(name=name, choices=", ".join(s.name for s in able))
    example = (await examples_at(uow, staff)).cover
    if not named:
        raise NoSuchCover(name=name, cover=example)
    role = role_name(uow.postbox.catalogue, Role(named[0].role))
    raise CoverCannotCover(name=named[0].name, cover_role=role, cover=example)
