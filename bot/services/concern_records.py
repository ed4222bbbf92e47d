"""Reading, closing and exporting concerns. Every look at a concern is audited."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.content.catalogue import Catalogue
from bot.domain.access import COVER_ROLES, LISTERS, may_close_concern
from bot.domain.errors import SetupError
from bot.domain.ladder import ConcernState
from bot.domain.numbers import whole_number
from bot.domain.people import Role
from bot.i18n.dates import concrete_datetime, record_datetime
from bot.services.concern_access import viewer_of, visible_concern
from bot.services.ladder_steps import hub_of
from bot.services.ports import UnitOfWork
from bot.services.records import ConcernEventRecord, ConcernRecord
from bot.services.staff_words import staff_text, what_about


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
        catalogue, "case_file_line", at=record_datetime(event.at, zone),
        kind=event.kind.replace("_", " "), who=who,
        detail=f": {event.detail}" if event.detail else "",
    )  # fmt: skip


async def record_text(uow: UnitOfWork, concern: ConcernRecord) -> str:
    """One concern as a readable record for the case file: words, then the chronology."""
    zone, catalogue = uow.postbox.zone, uow.postbox.catalogue
    events = await uow.concerns.chronology(concern.id)
    names = await _names(
        uow, {e.actor_id for e in events if e.actor_type == "staff" and e.actor_id}
    )
    hub = await hub_of(uow, concern.hub_id)
    later = "".join(
        "\n" + staff_text(catalogue, "case_file_then", at=record_datetime(entry.at, zone),
                          words=entry.words)
        for entry in await uow.concerns.later_words(concern.id)
    )  # fmt: skip
    return staff_text(
        catalogue, "case_file", id=str(concern.id), name=concern.young_person.first_name,
        hub=hub.name, council=hub.council.name, raised=record_datetime(concern.raised_at, zone),
        what=what_about(catalogue, concern), urgency=concern.urgency, state=concern.state,
        words=concern.words or staff_text(catalogue, "case_file_no_words"), later=later,
        chronology="\n".join(_event_line(catalogue, event, names, zone) for event in events),
    )  # fmt: skip


def _audit_view(
    uow: UnitOfWork, concern: ConcernRecord, actor: tuple[str, int], now: datetime
) -> None:
    uow.audit.record(
        "concern.viewed", at=now, actor_type=actor[0], actor_id=actor[1],
        hub_id=concern.hub_id, subject_type="concern", subject_id=concern.id,
    )  # fmt: skip


async def do_show_concern(
    uow: UnitOfWork, staff_telegram_id: int, concern_id: int, *, now: datetime
) -> bool:
    """`/concern 12`: the record, to staff who may see it; False if the sender is not staff."""
    async with uow:
        staff = await uow.staff.active_by_telegram_id(staff_telegram_id)
        if staff is None:
            return False
        concern = await visible_concern(uow, staff, concern_id, now)
        if concern is not None:
            _audit_view(uow, concern, ("staff", staff.id), now)
            record = {"record": await record_text(uow, concern)}
            uow.postbox.to_staff(staff, "concern_record", record, now=now)
        await uow.commit()
        return True


async def do_list_concerns(uow: UnitOfWork, staff_telegram_id: int, *, now: datetime) -> bool:
    """`/concerns`: concerns not closed, for a hub's managers and duty staff, and for the
    out-of-hours team across their council."""
    async with uow:
        staff = await uow.staff.active_by_telegram_id(staff_telegram_id)
        if staff is None or Role(staff.role) not in LISTERS:
            return False
        if staff.role == Role.ON_CALL.value:
            concerns = await uow.concerns.listed(council_id=staff.hub.council_id, open_only=True)
        else:
            concerns = await uow.concerns.listed(hub_id=staff.hub_id, open_only=True)
        uow.audit.record(
            "concern.listed", at=now, actor_type="staff", actor_id=staff.id, hub_id=staff.hub_id
        )
        if not concerns:
            uow.postbox.to_staff(staff, "concern_list_empty", {}, now=now)
        else:
            lines = "\n".join(
                _summary_line(uow.postbox.catalogue, c, uow.postbox.zone) for c in concerns
            )
            uow.postbox.to_staff(staff, "concern_list", {"lines": lines}, now=now)
        await uow.commit()
        return True


def _summary_line(catalogue: Catalogue, concern: ConcernRecord, zone: ZoneInfo) -> str:
    return staff_text(
        catalogue, "concern_list_line", id=str(concern.id),
        name=concern.young_person.first_name, what=what_about(catalogue, concern),
        urgency=concern.urgency, state=concern.state,
        time=concrete_datetime(concern.raised_at, zone),
    )  # fmt: skip


async def do_close_concern(
    uow: UnitOfWork, staff_telegram_id: int, words: list[str], *, now: datetime
) -> bool:
    """`/close 12 what was done`: by a manager, duty worker, or whoever acknowledged it."""
    async with uow:
        staff = await uow.staff.active_by_telegram_id(staff_telegram_id)
        if staff is None:
            return False
        number = whole_number(words[0]) if len(words) >= 2 else None
        if number is None:
            uow.postbox.to_staff(staff, "concern_close_usage", {}, now=now)
            await uow.commit()
            return True
        concern = await visible_concern(uow, staff, number, now)
        allowed = concern is not None and may_close_concern(
            await viewer_of(uow, staff, concern, staff.hub.council_id),
            acknowledged_it=concern.acknowledged_by == staff.id,
        )
        if concern is not None and not allowed:
            uow.postbox.to_staff(staff, "concern_close_not_allowed", {"id": words[0]}, now=now)
        elif concern is not None:
            close(uow, concern, " ".join(words[1:]), actor=("staff", staff.id), now=now)
            uow.postbox.to_staff(staff, "concern_closed", {"id": str(concern.id)}, now=now)
        await uow.commit()
        return True


def close(
    uow: UnitOfWork, concern: ConcernRecord, outcome: str, *, actor: tuple[str, int], now: datetime
) -> None:
    """Close a concern with the outcome in its chronology; the ladder stops."""
    concern.state = ConcernState.CLOSED.value
    concern.closed_at = now
    concern.closed_by = actor[1] if actor[0] == "staff" else None
    concern.next_step_at = None
    uow.concerns.record(
        concern, "closed", at=now, actor_type=actor[0], actor_id=actor[1], detail=outcome
    )
    uow.audit.record(
        "concern.closed", at=now, actor_type=actor[0], actor_id=actor[1],
        hub_id=concern.hub_id, subject_type="concern", subject_id=concern.id,
    )  # fmt: skip


async def concerns_table(uow: UnitOfWork, *, now: datetime) -> str:
    """For `waypoint concerns list`: one line per concern, newest first (audited)."""
    async with uow:
        concerns = await uow.concerns.listed()
        uow.audit.record("concern.listed", at=now, actor_type="cli")
        await uow.commit()
        lines = [_summary_line(uow.postbox.catalogue, c, uow.postbox.zone) for c in concerns]
        return "\n".join(lines) or "No concerns."


async def concern_export(uow: UnitOfWork, concern_id: int, *, now: datetime) -> str:
    """For `waypoint concerns show ID`: the readable record (audited)."""
    async with uow:
        concern = await uow.concerns.get(concern_id)
        if concern is None:
            raise SetupError(f"there is no concern {concern_id}")
        _audit_view(uow, concern, ("cli", 0), now)
        text = await record_text(uow, concern)
        await uow.commit()
        return text


async def do_away(
    uow: UnitOfWork, staff_telegram_id: int, cover: str | None, *, now: datetime
) -> bool:
    """`/away Lee` passes new alerts for your young people to Lee; `/back` ends it."""
    async with uow:
        staff = await uow.staff.active_by_telegram_id(staff_telegram_id)
        if staff is None:
            return False
        if cover is None:
            staff.away, staff.cover_id = False, None
            uow.postbox.to_staff(staff, "away_back", {}, now=now)
        else:
            found = [
                s for s in await uow.staff.in_hub_any_role(staff.hub_id)
                if s.name.split()[0].lower() == cover.lower() and s.id != staff.id
                and Role(s.role) in COVER_ROLES
            ]  # fmt: skip
            if len(found) != 1:
                uow.postbox.to_staff(staff, "away_usage", {}, now=now)
            elif found[0].away:
                # Two workers covering for each other would leave a concern with nobody.
                uow.postbox.to_staff(staff, "away_cover_away", {"cover": found[0].name}, now=now)
            else:
                staff.away, staff.cover_id = True, found[0].id
                uow.postbox.to_staff(staff, "away_set", {"cover": found[0].name}, now=now)
        uow.audit.record(
            "staff.away" if cover else "staff.back", at=now, actor_type="staff",
            actor_id=staff.id, hub_id=staff.hub_id,
        )  # fmt: skip
        await uow.commit()
        return True
