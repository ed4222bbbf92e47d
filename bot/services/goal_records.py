"""Reading goals as a record: a list, one goal with everything that happened to it, and the
same as an export for a case system (GL-9, GL-10). Every look is audited (`goals.viewed`,
`goals.exported`), and only the young person's worker and life coach, or the operator at the
command line, may look (GL-8)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.errors import MayNotSeeGoals, NoSuchGoal, YoungPersonNotFound
from bot.domain.goals import GoalState
from bot.services.goal_access import GoalActor, audit_look, check_may_see_goals
from bot.services.ports import UnitOfWork
from bot.services.records import (
    GoalEventRecord,
    GoalRatingRecord,
    GoalRecord,
    GoalStepRecord,
    GoalVersionRecord,
    YoungPersonRecord,
)
from bot.services.session_access import young_person

# A list longer than this is asked for one young person at a time.
MOST_LISTED = 200
# Every goal but a draft, which only the young person sees while it is read back (GL-2).
_LISTED = frozenset(GoalState) - {GoalState.DRAFT}


@dataclass(frozen=True)
class GoalLine:
    """One goal in a list: its number, whose it is, where it is, and its words now."""

    goal: GoalRecord
    young_person_id: int
    first_name: str
    words: str


@dataclass(frozen=True)
class GoalFile:
    """One goal and everything that happened to it, for reading or for export."""

    goal: GoalRecord
    young_person_id: int
    first_name: str
    zone: ZoneInfo
    versions: Sequence[GoalVersionRecord]
    ratings: Sequence[GoalRatingRecord]
    steps: Sequence[GoalStepRecord]
    history: Sequence[GoalEventRecord]
    # Staff who appear in it, by their Waypoint number.
    staff_names: dict[int, str]


async def do_list_goals(
    uow: UnitOfWork,
    by: GoalActor,
    young_person_ids: Sequence[int],
    *,
    now: datetime,
    named: bool = False,
) -> list[GoalLine]:
    """These young people's goals, oldest first, but drafts (still being read back to them);
    each young person whose goals are listed is an audited look. `named`: the ids were asked
    for, and each must be there and visible to `by`; otherwise those `by` may not see are
    left out."""
    async with uow:
        for young_person_id in young_person_ids if named else ():
            await check_may_see_goals(uow, by, await young_person(uow, young_person_id))
        lines = []
        for young_person_id in young_person_ids:
            goals = await uow.goals.of_young_person(young_person_id, states=_LISTED)
            person = await _seen(uow, by, young_person_id, now=now) if goals else None
            if person is None:
                continue
            for goal in goals:
                words = await uow.goals.words(goal)
                lines.append(GoalLine(goal, person.id, person.first_name, words.words))
            if len(lines) >= MOST_LISTED:
                break
        await uow.commit()
        return lines[:MOST_LISTED]


async def _seen(
    uow: UnitOfWork, by: GoalActor, young_person_id: int, *, now: datetime
) -> YoungPersonRecord | None:
    """The young person, if `by` may see their goals (the look audited), else None."""
    try:
        person = await young_person(uow, young_person_id)
        await check_may_see_goals(uow, by, person)
    except (YoungPersonNotFound, MayNotSeeGoals):
        return None
    audit_look(uow, by, person, "goals.viewed", now=now)
    return person


async def do_read_goal(
    uow: UnitOfWork, by: GoalActor, goal_id: int, *, now: datetime, export: bool = False
) -> GoalFile:
    """One goal with its versions, steps, ratings and history, audited as viewed (or
    exported); NoSuchGoal when there is none that `by` may see."""
    async with uow:
        goal = await uow.goals.get(goal_id)
        # A draft is still being read back to the young person: nobody else sees it (GL-2).
        if goal is None or goal.state is GoalState.DRAFT:
            raise NoSuchGoal(number=str(goal_id))
        person = await young_person(uow, goal.young_person_id)
        try:
            await check_may_see_goals(uow, by, person)
        except MayNotSeeGoals:
            # A goal someone may not see does not exist for them (nobody learns it does).
            raise NoSuchGoal(number=str(goal_id)) from None
        hub = await uow.organisations.hub_by_id(person.hub_id)
        versions = await uow.goals.versions(goal.id)
        ratings = await uow.goals.ratings(goal.id)
        steps = await uow.goals.steps(goal.id)
        history = await uow.goals.history(goal.id)
        ids = {v.by_id for v in versions if v.by_type == "staff"}
        ids |= {r.by_id for r in ratings if r.by_type == "staff"}
        ids |= {s.by_id for s in steps if s.by_type == "staff"}
        ids |= {e.actor_id for e in history if e.actor_type == "staff"}
        names = {}
        for staff_id in {i for i in ids if i is not None}:
            staff = await uow.staff.get(staff_id)
            names[staff_id] = staff.name if staff is not None else f"staff {staff_id}"
        audit_look(uow, by, person, "goals.exported" if export else "goals.viewed", now=now)
        await uow.commit()
        return GoalFile(
            goal=goal,
            young_person_id=person.id,
            first_name=person.first_name,
            zone=ZoneInfo(hub.council.timezone),
            versions=versions,
            ratings=ratings,
            steps=steps,
            history=history,
            staff_names=names,
        )
