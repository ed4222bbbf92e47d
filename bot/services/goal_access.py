"""Who may see and change a young person's goals (GL-8), and finding a goal they may.

The rule is bot.domain.access.may_see_goals: the young person's named worker and life coach.
The hub's IT operator at the command line is trusted with every hub. A goal someone may not
see is "no such goal" to them, so nobody learns that it exists; every look is audited.
"""

from __future__ import annotations

from datetime import datetime

from bot.domain.access import may_see_goals
from bot.domain.actors import KnownStaff
from bot.domain.errors import MayNotSeeGoals, NoSuchGoal
from bot.services.ports import UnitOfWork
from bot.services.records import GoalRecord, YoungPersonRecord
from bot.services.session_access import AtCommandLine, viewer_of, young_person

GoalActor = KnownStaff | AtCommandLine


async def check_may_see_goals(uow: UnitOfWork, by: GoalActor, person: YoungPersonRecord) -> None:
    """Raise MayNotSeeGoals unless `by` may see and change this young person's goals."""
    if isinstance(by, AtCommandLine):
        return
    staff = await uow.staff.get(by.staff_id)
    if staff is None or not may_see_goals(viewer_of(staff, person)):
        raise MayNotSeeGoals(name=person.first_name)


async def access_goal(
    uow: UnitOfWork, by: GoalActor, goal_id: int
) -> tuple[GoalRecord, YoungPersonRecord]:
    """A goal `by` may change, locked against a second change at the same time."""
    goal = await uow.goals.get(goal_id, for_update=True)
    if goal is None:
        raise NoSuchGoal(number=str(goal_id))
    person = await young_person(uow, goal.young_person_id)
    try:
        await check_may_see_goals(uow, by, person)
    except MayNotSeeGoals:
        raise NoSuchGoal(number=str(goal_id)) from None
    return goal, person


def audit_look(
    uow: UnitOfWork, by: GoalActor, person: YoungPersonRecord, action: str, *, now: datetime
) -> None:
    """Record that `by` looked at or changed this young person's goals."""
    uow.audit.record(
        action,
        at=now,
        by=by.actor,
        hub_id=person.hub_id,
        subject_type="young_person",
        subject_id=person.id,
    )
