"""`/goals` for staff: a young person's goals with their numbers, every version of each
goal's words (GL-9), its steps, and its ratings with dates and who gave them (GL-8). Every
look is audited: a goal is the young person's, shared with two people."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.access import StaffCommand, may_see_goals
from bot.domain.actors import ActorKind, KnownStaff
from bot.domain.goals import GoalState, Rating
from bot.i18n.dates import day_words
from bot.services.goal_access import audit_look, check_may_see_goals
from bot.services.goal_words import staff_rating_words
from bot.services.identity import staff_record
from bot.services.people import access_young_person
from bot.services.ports import UnitOfWork
from bot.services.records import GoalRecord, StaffRecord, YoungPersonRecord
from bot.services.session_access import viewer_of
from bot.services.staff_help import check_may_use
from bot.services.staff_words import staff_text

# Everything but a draft, which is the young person's until they have read it back.
SHOWN = frozenset(GoalState) - {GoalState.DRAFT}


async def _whose(uow: UnitOfWork, staff: StaffRecord, who: str | None) -> list[YoungPersonRecord]:
    """The young person named, or the sender's own young people whose goals they may see."""
    if who is not None:
        return [await access_young_person(uow, staff, who, command=StaffCommand.GOALS.value)]
    own = [
        *await uow.young_people.linked_to(staff.id),
        *await uow.young_people.coached_by(staff.id),
    ]
    unique = {person.id: person for person in own}.values()
    return [person for person in unique if may_see_goals(viewer_of(staff, person))]


async def do_list_goals(
    uow: UnitOfWork, actor: KnownStaff, who: str | None, *, now: datetime
) -> tuple[str, str] | None:
    """The goals of one young person (`who`) or of the sender's own, as lines, and the first
    goal's number for an example; None when there are none."""
    check_may_use(actor.role, StaffCommand.GOALS)
    async with uow:
        staff = await staff_record(uow, actor)
        zone = ZoneInfo(staff.hub.council.timezone)
        blocks: list[str] = []
        first: str | None = None
        for person in await _whose(uow, staff, who):
            await check_may_see_goals(uow, actor, person)
            audit_look(uow, actor, person, "goals.viewed", now=now)
            for goal in await uow.goals.of_young_person(person.id, states=SHOWN):
                blocks.append(await _goal_lines(uow, person, goal, zone))
                first = first or str(goal.id)
        await uow.commit()
    return None if first is None else ("\n\n".join(blocks), first)


async def _goal_lines(
    uow: UnitOfWork, person: YoungPersonRecord, goal: GoalRecord, zone: ZoneInfo
) -> str:
    """One goal: its head, its words (every version), its ratings, then its steps."""
    catalogue = uow.postbox.catalogue

    def day(at: datetime) -> str:
        return day_words(at.astimezone(zone).date(), "en")

    area = staff_text(catalogue, f"goal_area_{goal.area.value}") if goal.area else "-"
    state = staff_text(catalogue, f"goal_state_{goal.state.value}_staff")
    head = {"number": str(goal.id), "name": person.first_name, "state": state, "area": area}
    lines = [staff_text(catalogue, "goals_staff_goal", **head)]
    for version in await uow.goals.versions(goal.id):
        values = {"version": str(version.version), "day": day(version.at), "goal": version.words}
        lines.append(staff_text(catalogue, "goals_staff_version", **values))
    for rating in await uow.goals.ratings(goal.id):
        words = staff_rating_words(catalogue, Rating(rating.scale, rating.value))
        who = await _who(uow, person, rating.by_type, rating.by_id)
        values = {
            "day": day(rating.at),
            "rating": words,
            "by": who,
            "version": str(rating.version),
        }
        lines.append(staff_text(catalogue, "goals_staff_rating", **values))
    for step in await uow.goals.steps(goal.id):
        step_state = staff_text(catalogue, f"goal_step_{step.state.value}_staff")
        lines.append(staff_text(catalogue, "goals_staff_step", step=step.words, state=step_state))
    return "\n".join(lines)


async def _who(uow: UnitOfWork, person: YoungPersonRecord, kind: str, by_id: int | None) -> str:
    """Who gave a rating, by name: the young person, a member of staff, or the operator."""
    if kind == ActorKind.YOUNG_PERSON.value:
        return person.first_name
    staff = await uow.staff.get(by_id) if kind == ActorKind.STAFF.value and by_id else None
    return staff.name if staff is not None else staff_text(uow.postbox.catalogue, "goal_by_other")
