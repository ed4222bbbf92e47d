"""Goals, their words, ratings, steps, history and digests, on SQLAlchemy."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.adapters.db.models import (
    Goal,
    GoalDigest,
    GoalEvent,
    GoalRating,
    GoalStep,
    GoalVersion,
)
from bot.domain.actors import Actor
from bot.domain.goals import GoalState, Rating, StepState
from bot.services.ports import NewGoal
from bot.services.records import GoalRecord

# A new young person's first digest goes a week after their first goal.
DIGEST_EVERY = timedelta(weeks=1)


class Goals:
    """Goals young people own; staged in the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def new(self, goal: NewGoal, *, now: datetime) -> Goal:
        """Add a goal with its first version of words (its id is known on return)."""
        row = Goal(
            hub_id=goal.hub_id,
            young_person_id=goal.young_person_id,
            state=goal.state,
            area=goal.area,
            cadence=goal.cadence,
            version=1,
            expressed_by_type=goal.expressed_by.kind.value,
            expressed_by_id=goal.expressed_by.id,
            created_at=now,
            changed_at=now,
            repeats=0,
        )
        self._session.add(row)
        await self._session.flush()
        self._session.add(
            GoalVersion(
                goal_id=row.id,
                version=1,
                words=goal.words,
                staff_words=goal.staff_words,
                at=now,
                by_type=(goal.entered_by or goal.expressed_by).kind.value,
                by_id=(goal.entered_by or goal.expressed_by).id,
            )
        )
        return row

    async def get(self, goal_id: int, *, for_update: bool = False) -> Goal | None:
        """One goal; `for_update` holds it against a second change at the same time."""
        if for_update:
            return await self._session.scalar(
                select(Goal).where(Goal.id == goal_id).with_for_update()
            )
        return await self._session.get(Goal, goal_id)

    async def of_young_person(
        self, young_person_id: int, *, states: Collection[GoalState]
    ) -> Sequence[Goal]:
        """One young person's goals in these states, oldest first."""
        query = (
            select(Goal)
            .where(
                Goal.young_person_id == young_person_id,
                Goal.state.in_([state.value for state in states]),
            )
            .order_by(Goal.id)
        )
        return list(await self._session.scalars(query))

    async def owners(self, *, limit: int) -> Sequence[int]:
        """The young people who have goals, by number, at most `limit` (for the operator's
        list of every goal)."""
        query = (
            select(Goal.young_person_id)
            .group_by(Goal.young_person_id)
            .order_by(Goal.young_person_id)
            .limit(limit)
        )
        return list(await self._session.scalars(query))

    async def words(self, goal: GoalRecord) -> GoalVersion:
        """The goal's words now (its latest version)."""
        query = select(GoalVersion).where(
            GoalVersion.goal_id == goal.id, GoalVersion.version == goal.version
        )
        found = await self._session.scalar(query)
        if found is None:
            raise LookupError(f"goal {goal.id} has no version {goal.version}")
        return found

    async def versions(self, goal_id: int) -> Sequence[GoalVersion]:
        """Every version of a goal's words, oldest first."""
        query = (
            select(GoalVersion).where(GoalVersion.goal_id == goal_id).order_by(GoalVersion.version)
        )
        return list(await self._session.scalars(query))

    async def add_version(
        self,
        goal: GoalRecord,
        words: str,
        *,
        staff_words: str | None,
        at: datetime,
        by: Actor,
    ) -> GoalVersion:
        """New words for a goal: the next version (older ratings keep theirs)."""
        goal.version += 1
        version = GoalVersion(
            goal_id=goal.id,
            version=goal.version,
            words=words,
            staff_words=staff_words,
            at=at,
            by_type=by.kind.value,
            by_id=by.id,
        )
        self._session.add(version)
        return version

    def rate(
        self, goal: GoalRecord, rating: Rating, *, baseline: bool, at: datetime, by: Actor
    ) -> None:
        """Add a rating against the goal's current words."""
        self._session.add(
            GoalRating(
                goal_id=goal.id,
                version=goal.version,
                scale=rating.scale,
                value=rating.value,
                baseline=baseline,
                at=at,
                by_type=by.kind.value,
                by_id=by.id,
            )
        )

    async def ratings(self, goal_id: int) -> Sequence[GoalRating]:
        """Every rating of a goal, oldest first."""
        query = (
            select(GoalRating)
            .where(GoalRating.goal_id == goal_id)
            .order_by(GoalRating.at, GoalRating.id)
        )
        return list(await self._session.scalars(query))

    async def steps(self, goal_id: int, *, open_only: bool = False) -> Sequence[GoalStep]:
        """A goal's steps, oldest first."""
        query = select(GoalStep).where(GoalStep.goal_id == goal_id)
        if open_only:
            query = query.where(GoalStep.state == StepState.OPEN.value)
        return list(await self._session.scalars(query.order_by(GoalStep.id)))

    async def add_step(
        self, goal: GoalRecord, words: str, *, due_on: date | None, at: datetime, by: Actor
    ) -> GoalStep:
        """Add an open step (its id is known on return)."""
        step = GoalStep(
            goal_id=goal.id,
            words=words,
            state=StepState.OPEN,
            due_on=due_on,
            created_at=at,
            changed_at=at,
            by_type=by.kind.value,
            by_id=by.id,
        )
        self._session.add(step)
        await self._session.flush()
        return step

    async def step(self, step_id: int, *, for_update: bool = False) -> GoalStep | None:
        """One step."""
        if for_update:
            return await self._session.scalar(
                select(GoalStep).where(GoalStep.id == step_id).with_for_update()
            )
        return await self._session.get(GoalStep, step_id)

    def record(
        self,
        goal: GoalRecord,
        kind: str,
        *,
        at: datetime,
        by: Actor,
        detail: str | None = None,
    ) -> None:
        """Add one line to the goal's history."""
        self._session.add(
            GoalEvent(
                goal_id=goal.id,
                young_person_id=goal.young_person_id,
                at=at,
                kind=kind,
                actor_type=by.kind.value,
                actor_id=by.id,
                detail=detail,
            )
        )

    async def history(self, goal_id: int) -> Sequence[GoalEvent]:
        """Every line of one goal's history, oldest first."""
        query = select(GoalEvent).where(GoalEvent.goal_id == goal_id)
        return list(await self._session.scalars(query.order_by(GoalEvent.at, GoalEvent.id)))

    async def events_since(
        self, young_person_id: int, *, since: datetime, until: datetime
    ) -> Sequence[GoalEvent]:
        """Lines of a young person's goals' histories in [since, until), oldest first."""
        query = (
            select(GoalEvent)
            .where(
                GoalEvent.young_person_id == young_person_id,
                GoalEvent.at >= since,
                GoalEvent.at < until,
            )
            .order_by(GoalEvent.at, GoalEvent.id)
        )
        return list(await self._session.scalars(query))

    async def due_check_ins(self, *, now: datetime, limit: int) -> Sequence[Goal]:
        """Goals whose check-in is due, oldest first (locked, SKIP LOCKED)."""
        query = (
            select(Goal)
            .where(Goal.next_check_in_at.is_not(None), Goal.next_check_in_at <= now)
            .order_by(Goal.next_check_in_at, Goal.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return list(await self._session.scalars(query))

    async def digest(self, young_person_id: int, *, now: datetime) -> GoalDigest:
        """The young person's digest row, made (due in a week) if they had none."""
        found = await self._session.get(GoalDigest, young_person_id)
        if found is not None:
            if found.due_at is None:
                found.due_at = now + DIGEST_EVERY
            return found
        row = GoalDigest(young_person_id=young_person_id, due_at=now + DIGEST_EVERY, since=now)
        self._session.add(row)
        await self._session.flush()
        return row

    async def due_digests(self, *, now: datetime, limit: int) -> Sequence[GoalDigest]:
        """Digests due now (locked, SKIP LOCKED)."""
        query = (
            select(GoalDigest)
            .where(GoalDigest.due_at.is_not(None), GoalDigest.due_at <= now)
            .order_by(GoalDigest.due_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return list(await self._session.scalars(query))
