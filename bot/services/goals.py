"""Goals a young person owns (GL-1..10), as their worker, life coach and the operator change
them: add, agree a suggested one, reword, rate, add steps, pause, resume, complete, drop.

The young person's words are kept exactly as given (GL-2) and read back to them; a reword is
a new version, and older ratings stay with their words (GL-9). The young person is told who
can see a goal when it is made (GL-8), and asked for a first rating on their own scale.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.domain.actors import Actor, ActorKind
from bot.domain.errors import GoalRefused
from bot.domain.goals import (
    COUNTED,
    OPEN,
    Area,
    Cadence,
    GoalProblem,
    GoalState,
    Rating,
    check_room,
    check_step_room,
    check_words,
    next_check_in,
)
from bot.services.goal_access import GoalActor, access_goal, audit_look, check_may_see_goals
from bot.services.goal_words import ask_rating, goal_values, seen_by
from bot.services.pausing import is_paused
from bot.services.people import profile_of
from bot.services.ports import NewGoal, UnitOfWork
from bot.services.records import GoalRecord, YoungPersonRecord
from bot.services.session_access import young_person

# What may follow what, staff's side (the young person may pause an active goal too).
_MOVES = {
    GoalState.ACTIVE: frozenset({GoalState.PAUSED, GoalState.DONE, GoalState.DROPPED}),
    GoalState.PAUSED: frozenset({GoalState.ACTIVE, GoalState.DONE, GoalState.DROPPED}),
    GoalState.SUGGESTED: frozenset({GoalState.DROPPED}),
}
# What the young person is told when their goal moves to each state.
_TOLD = {
    GoalState.PAUSED: "goal_paused",
    GoalState.ACTIVE: "goal_resumed",
    GoalState.DONE: "goal_done",
    GoalState.DROPPED: "goal_dropped",
}


@dataclass(frozen=True)
class GoalAsked:
    """A goal to add for a young person, in their own words."""

    young_person_id: int
    words: str
    area: Area | None = None
    # Staff's own wording, kept apart from the young person's (GL-2).
    staff_words: str | None = None


def _refused(problem: GoalProblem) -> GoalRefused:
    return GoalRefused(reason=problem.reason)


async def add_goal(
    uow: UnitOfWork,
    person: YoungPersonRecord,
    words: str,
    *,
    state: GoalState,
    by: Actor,
    now: datetime,
    area: Area | None = None,
    staff_words: str | None = None,
) -> GoalRecord:
    """In the caller's unit of work: store a goal in the young person's words (after the room
    for it is checked: at most 3, 1 for easy read unless their profile says), and its digest."""
    try:
        check_words(words)
        counted = await uow.goals.of_young_person(person.id, states=COUNTED)
        profile = profile_of(person)
        check_room(len(counted), profile.most_goals)
    except GoalProblem as problem:
        raise _refused(problem) from None
    goal = await uow.goals.new(
        NewGoal(
            hub_id=person.hub_id,
            young_person_id=person.id,
            state=state,
            area=area,
            cadence=profile.check_ins,
            # The goal is the young person's, whoever typed it in (FHIR's expressedBy).
            expressed_by=Actor.young_person(person.id),
            words=words,
            staff_words=staff_words,
            entered_by=by,
        ),
        now=now,
    )
    uow.goals.record(goal, state.value if state is not GoalState.ACTIVE else "made", at=now, by=by)
    await uow.goals.digest(person.id, now=now)
    return goal


async def check_room_for(uow: UnitOfWork, person: YoungPersonRecord, goal: GoalRecord) -> None:
    """Room for this goal among their others (GL-1), before it is agreed or resumed; raises
    GoalRefused offering to pause one."""
    counted = await uow.goals.of_young_person(person.id, states=COUNTED)
    others = [g for g in counted if g.id != goal.id]
    try:
        check_room(len(others), profile_of(person).most_goals)
    except GoalProblem as problem:
        raise _refused(problem) from None


async def start_goal(
    uow: UnitOfWork, person: YoungPersonRecord, goal: GoalRecord, *, now: datetime
) -> None:
    """In the caller's unit of work: an agreed goal begins: the young person hears it in their
    words, who can see it, and is asked for a first rating (GL-4, GL-8)."""
    goal.state = GoalState.ACTIVE
    goal.next_check_in_at = next_check_in(goal.cadence, after=now)
    if is_paused(person):
        # /stop: Waypoint starts nothing with them; "My goals" shows it when they are back.
        return
    values = await goal_values(uow, person, goal)
    values["who"] = await seen_by(uow, person)
    uow.postbox.to_young_person(person, "goal_made", values, now=now)
    await ask_rating(uow, person, goal, now=now)


async def do_add_goal(uow: UnitOfWork, by: GoalActor, asked: GoalAsked, *, now: datetime) -> int:
    """A coach, worker or the operator adds a goal with the young person; returns its number."""
    async with uow:
        person = await young_person(uow, asked.young_person_id)
        goal = await make_goal(uow, by, person, asked, now=now)
        await uow.commit()
        return goal.id


async def make_goal(
    uow: UnitOfWork, by: GoalActor, person: YoungPersonRecord, asked: GoalAsked, *, now: datetime
) -> GoalRecord:
    """In the caller's unit of work: a coach, worker or the operator adds a goal with the young
    person (checked first), who hears it and is asked for a first rating; audited."""
    await check_may_see_goals(uow, by, person)
    goal = await add_goal(
        uow,
        person,
        asked.words,
        state=GoalState.ACTIVE,
        by=by.actor,
        now=now,
        area=asked.area,
        staff_words=asked.staff_words,
    )
    await start_goal(uow, person, goal, now=now)
    audit_look(uow, by, person, "goal.made", now=now)
    return goal


async def do_agree_goal(uow: UnitOfWork, by: GoalActor, goal_id: int, *, now: datetime) -> None:
    """The worker or coach agrees a goal the young person suggested."""
    async with uow:
        goal, person = await access_goal(uow, by, goal_id)
        if goal.state is not GoalState.SUGGESTED:
            raise GoalRefused(reason="goal_not_suggested", number=str(goal.id))
        await check_room_for(uow, person, goal)
        uow.goals.record(goal, "agreed", at=now, by=by.actor)
        await start_goal(uow, person, goal, now=now)
        audit_look(uow, by, person, "goal.agreed", now=now)
        await uow.commit()


async def do_reword_goal(
    uow: UnitOfWork, by: GoalActor, goal_id: int, words: str, *, now: datetime
) -> None:
    """New words for a goal, as the young person gives them: a new version (GL-9)."""
    async with uow:
        goal, person = await access_goal(uow, by, goal_id)
        if goal.state not in OPEN:
            raise GoalRefused(reason="goal_not_open", number=str(goal.id))
        try:
            check_words(words)
        except GoalProblem as problem:
            raise _refused(problem) from None
        await uow.goals.add_version(goal, words, staff_words=None, at=now, by=by.actor)
        goal.changed_at = now
        uow.goals.record(goal, "reworded", at=now, by=by.actor, detail=str(goal.version))
        if not is_paused(person):
            values = await goal_values(uow, person, goal)
            uow.postbox.to_young_person(person, "goal_reworded", values, now=now)
        audit_look(uow, by, person, "goal.reworded", now=now)
        await uow.commit()


async def move_goal(
    uow: UnitOfWork,
    person: YoungPersonRecord,
    goal: GoalRecord,
    state: GoalState,
    *,
    by: Actor,
    now: datetime,
    why: str | None = None,
) -> None:
    """In the caller's unit of work: pause, resume, complete or drop a goal, recorded with
    who and why (GL-9); check-ins stop unless it is active; the young person is told."""
    if state not in _MOVES.get(goal.state, frozenset()):
        raise GoalRefused(reason="goal_not_open", number=str(goal.id))
    if state is GoalState.ACTIVE:
        await check_room_for(uow, person, goal)
    goal.state, goal.changed_at = state, now
    goal.asked_at, goal.repeats = None, 0
    active = state is GoalState.ACTIVE
    goal.next_check_in_at = next_check_in(goal.cadence, after=now) if active else None
    uow.goals.record(goal, state.value, at=now, by=by, detail=why)
    # Told unless they sent /stop; their own tap is always answered.
    if by.kind is ActorKind.YOUNG_PERSON or not is_paused(person):
        values = await goal_values(uow, person, goal)
        uow.postbox.to_young_person(person, _TOLD[state], values, now=now)


async def do_move_goal(
    uow: UnitOfWork,
    by: GoalActor,
    goal_id: int,
    state: GoalState,
    *,
    now: datetime,
    why: str | None = None,
) -> None:
    """Staff pause, resume, complete or drop a goal, with why."""
    async with uow:
        goal, person = await access_goal(uow, by, goal_id)
        if goal.state is GoalState.SUGGESTED and state is GoalState.DROPPED:
            uow.goals.record(goal, "not_agreed", at=now, by=by.actor, detail=why)
        await move_goal(uow, person, goal, state, by=by.actor, now=now, why=why)
        audit_look(uow, by, person, f"goal.{state.value}", now=now)
        await uow.commit()


async def do_add_step(
    uow: UnitOfWork,
    by: GoalActor,
    goal_id: int,
    words: str,
    *,
    now: datetime,
    due_on: date | None = None,
) -> int:
    """The next small step towards a goal (at most 3 open); the young person is told."""
    async with uow:
        goal, person = await access_goal(uow, by, goal_id)
        if goal.state is not GoalState.ACTIVE:
            raise GoalRefused(reason="goal_not_open", number=str(goal.id))
        try:
            check_words(words)
            check_step_room(len(await uow.goals.steps(goal.id, open_only=True)))
        except GoalProblem as problem:
            raise _refused(problem) from None
        step = await uow.goals.add_step(goal, words, due_on=due_on, at=now, by=by.actor)
        uow.goals.record(goal, "step_added", at=now, by=by.actor, detail=str(step.id))
        if not is_paused(person):
            values = await goal_values(uow, person, goal)
            values["step"] = words
            uow.postbox.to_young_person(person, "goal_step_added", values, now=now)
        audit_look(uow, by, person, "goal.step_added", now=now)
        await uow.commit()
        return step.id


async def do_staff_rating(
    uow: UnitOfWork, by: GoalActor, goal_id: int, value: str, *, now: datetime
) -> None:
    """A worker or coach rates a goal with the young person at a session, on the young
    person's scale (kept as theirs: `rated_by` says who, GL-8)."""
    async with uow:
        goal, person = await access_goal(uow, by, goal_id)
        if goal.state is not GoalState.ACTIVE:
            raise GoalRefused(reason="goal_not_open", number=str(goal.id))
        try:
            rating = Rating.of(profile_of(person).scale, value)
        except GoalProblem as problem:
            raise _refused(problem) from None
        await rate(uow, goal, rating, by=by.actor, now=now)
        audit_look(uow, by, person, "goal.rated", now=now)
        await uow.commit()


async def rate(
    uow: UnitOfWork, goal: GoalRecord, rating: Rating, *, by: Actor, now: datetime
) -> None:
    """In the caller's unit of work: one rating against the goal's words now; the first is the
    baseline; the next check-in is a full period away (GL-4)."""
    baseline = not await uow.goals.ratings(goal.id)
    uow.goals.rate(goal, rating, baseline=baseline, at=now, by=by)
    goal.last_rated_at = goal.changed_at = now
    goal.asked_at, goal.repeats = None, 0
    goal.next_check_in_at = next_check_in(goal.cadence, after=now)
    kind = "baseline" if baseline else "rated"
    uow.goals.record(goal, kind, at=now, by=by, detail=f"{rating.scale.value}:{rating.value}")


async def do_set_cadence(
    uow: UnitOfWork, goal: GoalRecord, cadence: Cadence, *, by: Actor, now: datetime
) -> None:
    """In the caller's unit of work: how often Waypoint asks about this goal (the young
    person's choice, GL-4)."""
    goal.cadence = cadence
    goal.asked_at, goal.repeats = None, 0
    active = goal.state is GoalState.ACTIVE
    goal.next_check_in_at = next_check_in(cadence, after=now) if active else None
    uow.goals.record(goal, "cadence", at=now, by=by, detail=cadence.value)
