"""The console's first page, *Caseload*: a member of staff's young people (or, for a role
that may name any at its hub, the hub's), each with what they may see of them.

Which young people: bot.domain.access.sees_hub_young_people. Which facts about each:
bot.domain.console.caseload_columns, the same rules the bot follows. Every young person
shown is one audited look (who, which young person, when); no words go in the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from bot.domain.access import sees_hub_young_people
from bot.domain.actors import KnownStaff
from bot.domain.console import Columns, Page, caseload_columns, pages_for
from bot.domain.goals import GoalState
from bot.domain.people import Role
from bot.services.identity import staff_record
from bot.services.people import profile_of
from bot.services.ports import UnitOfWork
from bot.services.records import StaffRecord, YoungPersonRecord
from bot.services.session_access import viewer_of

# The most young people one page lists (a hub has a few dozen).
MOST_ROWS = 500
# Goals that are under way: suggested ones wait for the worker, so they count too.
UNDER_WAY = frozenset({GoalState.SUGGESTED, GoalState.ACTIVE, GoalState.PAUSED})


class PageNotForRole(Exception):
    """Nobody in this role opens this page."""


class Reach(StrEnum):
    """Whether Waypoint's messages reach the young person now."""

    REACHABLE = "reachable"
    # They sent /stop: nothing but replies goes to them until they come back.
    PAUSED = "paused"
    # Telegram refused the last message (they blocked the bot or deleted their account).
    UNREACHABLE = "unreachable"


@dataclass(frozen=True)
class CaseloadRow:
    """One young person as this member of staff may see them: a fact they may not see is
    None, and `columns` says which were theirs to see."""

    young_person_id: int
    first_name: str
    worker_name: str
    reach: Reach
    columns: Columns
    next_session: datetime | None
    open_concerns: int | None
    goals_under_way: int | None
    review_on: date | None


@dataclass(frozen=True)
class Caseload:
    """The page: whose caseload, whether it is the whole hub's, and the rows."""

    staff_name: str
    hub_name: str
    # The hub's time zone, for the times shown.
    zone: str
    whole_hub: bool
    rows: tuple[CaseloadRow, ...]


async def _theirs(uow: UnitOfWork, staff: StaffRecord) -> list[YoungPersonRecord]:
    """The hub's young people for a role that sees them all; else their own, as named
    worker, as life coach, or as cover for a worker who is away."""
    if sees_hub_young_people(Role(staff.role)):
        return list(await uow.young_people.in_hub(staff.hub_id, limit=MOST_ROWS))
    own = [
        *await uow.young_people.linked_to(staff.id),
        *await uow.young_people.coached_by(staff.id),
    ]
    for worker in await uow.staff.covered_by(staff.id):
        if worker.away:
            own.extend(await uow.young_people.linked_to(worker.id))
    return sorted({person.id: person for person in own}.values(), key=lambda p: p.linked_at)


def reach_of(person: YoungPersonRecord) -> Reach:
    """Whether Waypoint's messages reach them now."""
    if person.unreachable_since is not None:
        return Reach.UNREACHABLE
    return Reach.PAUSED if person.paused_at is not None else Reach.REACHABLE


async def _row(
    uow: UnitOfWork, staff: StaffRecord, person: YoungPersonRecord, concerns: dict[int, int], *,
    now: datetime,
) -> CaseloadRow:  # fmt: skip
    columns = caseload_columns(viewer_of(staff, person))
    session = None
    if columns.sessions:
        ahead = await uow.sessions.ahead_for(person.id, now=now, limit=1)
        session = ahead[0].starts_at if ahead else None
    goals = None
    if columns.goals:
        goals = len(await uow.goals.of_young_person(person.id, states=UNDER_WAY))
    return CaseloadRow(
        young_person_id=person.id,
        first_name=person.first_name,
        worker_name=person.key_worker.name,
        reach=reach_of(person),
        columns=columns,
        next_session=session,
        open_concerns=concerns.get(person.id, 0) if columns.concerns else None,
        goals_under_way=goals,
        review_on=profile_of(person).review_on if columns.profile else None,
    )


async def do_view_caseload(uow: UnitOfWork, actor: KnownStaff, *, now: datetime) -> Caseload:
    """The caseload of this member of staff, each young person's look audited."""
    if Page.CASELOAD not in pages_for(actor.role):
        raise PageNotForRole
    async with uow:
        staff = await staff_record(uow, actor)
        concerns: dict[int, int] = {}
        for concern in await uow.concerns.listed(hub_id=staff.hub_id, open_only=True):
            concerns[concern.young_person_id] = concerns.get(concern.young_person_id, 0) + 1
        rows = []
        for person in await _theirs(uow, staff):
            rows.append(await _row(uow, staff, person, concerns, now=now))
            uow.audit.record(
                "console.caseload_viewed",
                at=now,
                by=actor.actor,
                hub_id=person.hub_id,
                subject_type="young_person",
                subject_id=person.id,
            )
        await uow.commit()
    whole_hub = sees_hub_young_people(actor.role)
    return Caseload(staff.name, staff.hub.name, staff.hub.council.timezone, whole_hub, tuple(rows))
