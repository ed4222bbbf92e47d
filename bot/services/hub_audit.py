"""The audit log in the staff console: a hub's managers and operators read who did what,
when, to whom at their hub, filtered by who, what kind, young person and dates, a page at a
time. The audit trail holds ids and action names only, so no one's words can show here.
Reading it is itself audited."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.actors import ActorKind, KnownStaff
from bot.services.hub_admin import MOST_ROWS, as_manager
from bot.services.ports import AuditQuery, UnitOfWork
from bot.services.records import AuditEventRecord, StaffRecord

PAGE_SIZE = 50
# What kind of thing was done: the start of an action's name.
KINDS = (
    "concern",
    "console",
    "goal",
    "invite",
    "outbox",
    "profile",
    "session",
    "staff",
    "talk",
    "young_person",
)


@dataclass(frozen=True)
class AuditFilter:
    """What the reader asked for; None is "any"."""

    staff_id: int | None = None
    kind: str | None = None
    young_person_id: int | None = None
    # Days at the hub, both included.
    since: date | None = None
    until: date | None = None
    page: int = 1


@dataclass(frozen=True)
class AuditLine:
    """One line as staff read it: names for ids at the hub, never anyone's words."""

    at: datetime
    action: str
    actor_kind: str
    actor: str | None
    subject_type: str | None
    subject: str | None


@dataclass(frozen=True)
class Choice:
    """An option in a filter."""

    id: int
    name: str


@dataclass(frozen=True)
class AuditPage:
    """One page of lines, the choices for the filters, and whether more pages follow."""

    hub_name: str
    zone: str
    lines: tuple[AuditLine, ...]
    page: int
    more: bool
    staff: tuple[Choice, ...]
    young_people: tuple[Choice, ...]


def _query(hub_id: int, zone: ZoneInfo, asked: AuditFilter) -> AuditQuery:
    since = datetime.combine(asked.since, time(), zone) if asked.since else None
    until = (
        datetime.combine(asked.until + timedelta(days=1), time(), zone) if asked.until else None
    )
    return AuditQuery(
        hub_id=hub_id,
        limit=PAGE_SIZE + 1,
        offset=(asked.page - 1) * PAGE_SIZE,
        staff_id=asked.staff_id,
        action_prefix=asked.kind if asked.kind in KINDS else None,
        young_person_id=asked.young_person_id,
        since=since,
        until=until,
    )


def _line(
    event: AuditEventRecord, staff: dict[int, str], young_people: dict[int, str]
) -> AuditLine:
    names = {"staff": staff, "young_person": young_people}
    actor = None
    if event.actor_id is not None:
        actor = names.get(event.actor_type, {}).get(event.actor_id, f"#{event.actor_id}")
    subject = None
    if event.subject_type is not None and event.subject_id is not None:
        found = names.get(event.subject_type, {})
        subject = found.get(event.subject_id, f"#{event.subject_id}")
    return AuditLine(
        event.occurred_at, event.action, ActorKind(event.actor_type).value, actor,
        event.subject_type, subject,
    )  # fmt: skip


def _ids(events: Sequence[AuditEventRecord]) -> set[tuple[str, int]]:
    """Whoever each line names, as (kind, id)."""
    named = {(e.actor_type, e.actor_id) for e in events if e.actor_id is not None}
    named |= {(e.subject_type, e.subject_id) for e in events if e.subject_type and e.subject_id}
    return {(kind, number) for kind, number in named if kind and number is not None}


async def do_view_audit(
    uow: UnitOfWork, actor: KnownStaff, asked: AuditFilter, *, now: datetime
) -> AuditPage:
    """One page of the hub's audit log, newest first (reading it is audited)."""

    async def act(manager: StaffRecord) -> AuditPage:
        hub = manager.hub
        zone = ZoneInfo(hub.council.timezone)
        events = await uow.audit.search(_query(hub.id, zone, asked))
        here = await uow.staff.in_hub_any_role(hub.id)
        people = await uow.young_people.in_hub(hub.id, limit=MOST_ROWS)
        staff = {s.id: s.name for s in here}
        young_people = {p.id: p.first_name for p in people}
        # Staff who have left, or moved, still have their name in the log.
        for kind, number in _ids(events):
            if kind == "staff" and number not in staff:
                other = await uow.staff.get(number)
                if other is not None:
                    staff[other.id] = other.name
        lines = tuple(_line(event, staff, young_people) for event in events[:PAGE_SIZE])
        return AuditPage(
            hub.name,
            hub.council.timezone,
            lines,
            asked.page,
            len(events) > PAGE_SIZE,
            tuple(Choice(s.id, s.name) for s in here),
            tuple(Choice(p.id, p.first_name) for p in people),
        )

    return await as_manager(uow, actor, act, audit="console.audit_viewed", now=now)
