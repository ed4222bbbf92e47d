"""In-memory goals, their words, ratings, steps, history and digests, with the SQL
repository's filters and ordering (bot/adapters/db/goals.py)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, timedelta

from bot.domain.actors import Actor
from bot.domain.goals import GoalState, Rating, StepState
from bot.services.ports import NewGoal
from bot.services.records import GoalRecord
from tests.unit.fake_records import (
    Goal,
    GoalDigest,
    GoalEvent,
    GoalRating,
    GoalStep,
    GoalVersion,
    Tables,
)
from tests.unit.fake_repositories import Ids

# As the SQL repository: a young person's first digest goes a week after their first goal.
DIGEST_EVERY = timedelta(weeks=1)


class FakeGoals:
    """Goals young people own, in the unit of work's tables."""

    def __init__(self, tables: Tables, ids: Ids) -> None:
        self._t, self._ids = tables, ids

    async def new(self, goal: NewGoal, *, now: datetime) -> Goal:
        """Add a goal with its first version of words (its id is known on return)."""
        by = goal.expressed_by
        row = Goal(
            self._ids(), goal.hub_id, goal.young_person_id, goal.state, goal.area,
            goal.cadence, by.kind.value, by.id, created_at=now, changed_at=now,
        )  # fmt: skip
        self._t.add(self._t.goals, row)
        typed = goal.entered_by or by
        version = GoalVersion(
            self._ids(), row.id, 1, goal.words, goal.staff_words, now, typed.kind.value, typed.id
        )
        self._t.add(self._t.goal_versions, version)
        return row

    async def get(self, goal_id: int, *, for_update: bool = False) -> Goal | None:
        """One goal (there is nobody to lock it against)."""
        return next((g for g in self._t.goals if g.id == goal_id), None)

    async def of_young_person(
        self, young_person_id: int, *, states: Collection[GoalState]
    ) -> list[Goal]:
        """One young person's goals in these states, oldest first."""
        wanted = {GoalState(state) for state in states}
        found = [
            g for g in self._t.goals if g.young_person_id == young_person_id and g.state in wanted
        ]
        return sorted(found, key=lambda g: g.id)

    async def words(self, goal: GoalRecord) -> GoalVersion:
        """The goal's words now (its latest version)."""
        for version in self._t.goal_versions:
            if (version.goal_id, version.version) == (goal.id, goal.version):
                return version
        raise LookupError(f"goal {goal.id} has no version {goal.version}")

    async def versions(self, goal_id: int) -> list[GoalVersion]:
        """Every version of a goal's words, oldest first."""
        found = [v for v in self._t.goal_versions if v.goal_id == goal_id]
        return sorted(found, key=lambda v: v.version)

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
            self._ids(), goal.id, goal.version, words, staff_words, at, by.kind.value, by.id
        )
        return self._t.add(self._t.goal_versions, version)

    def rate(
        self, goal: GoalRecord, rating: Rating, *, baseline: bool, at: datetime, by: Actor
    ) -> None:
        """Add a rating against the goal's current words."""
        row = GoalRating(
            self._ids(), goal.id, goal.version, rating.scale, rating.value, baseline, at,
            by.kind.value, by.id,
        )  # fmt: skip
        self._t.add(self._t.goal_ratings, row)

    async def ratings(self, goal_id: int) -> list[GoalRating]:
        """Every rating of a goal, oldest first."""
        found = [r for r in self._t.goal_ratings if r.goal_id == goal_id]
        return sorted(found, key=lambda r: (r.at, r.id))

    async def steps(self, goal_id: int, *, open_only: bool = False) -> list[GoalStep]:
        """A goal's steps, oldest first."""
        found = [
            s
            for s in self._t.goal_steps
            if s.goal_id == goal_id and (not open_only or s.state is StepState.OPEN)
        ]
        return sorted(found, key=lambda s: s.id)

    async def add_step(
        self, goal: GoalRecord, words: str, *, due_on: date | None, at: datetime, by: Actor
    ) -> GoalStep:
        """Add an open step (its id is known on return)."""
        step = GoalStep(
            self._ids(), goal.id, words, StepState.OPEN, due_on, at, at, by.kind.value, by.id
        )
        return self._t.add(self._t.goal_steps, step)

    async def step(self, step_id: int, *, for_update: bool = False) -> GoalStep | None:
        """One step."""
        return next((s for s in self._t.goal_steps if s.id == step_id), None)

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
        event = GoalEvent(
            self._ids(), goal.id, goal.young_person_id, at, kind, by.kind.value, by.id, detail
        )
        self._t.add(self._t.goal_events, event)

    async def history(self, goal_id: int) -> list[GoalEvent]:
        """Every line of one goal's history, oldest first."""
        lines = [e for e in self._t.goal_events if e.goal_id == goal_id]
        return sorted(lines, key=lambda e: (e.at, e.id))

    async def events_since(
        self, young_person_id: int, *, since: datetime, until: datetime
    ) -> list[GoalEvent]:
        """Lines of a young person's goals' histories in [since, until), oldest first."""
        lines = [
            e
            for e in self._t.goal_events
            if e.young_person_id == young_person_id and since <= e.at < until
        ]
        return sorted(lines, key=lambda e: (e.at, e.id))

    async def due_check_ins(self, *, now: datetime, limit: int) -> list[Goal]:
        """Goals whose check-in is due, oldest first."""
        due = [
            g
            for g in self._t.goals
            if g.next_check_in_at is not None and g.next_check_in_at <= now
        ]
        return sorted(due, key=lambda g: (g.next_check_in_at or now, g.id))[:limit]

    async def digest(self, young_person_id: int, *, now: datetime) -> GoalDigest:
        """The young person's digest row, made (due in a week) if they had none."""
        for found in self._t.goal_digests:
            if found.young_person_id == young_person_id:
                if found.due_at is None:
                    found.due_at = now + DIGEST_EVERY
                return found
        row = GoalDigest(young_person_id, now + DIGEST_EVERY, now)
        return self._t.add(self._t.goal_digests, row)

    async def due_digests(self, *, now: datetime, limit: int) -> list[GoalDigest]:
        """Digests due now, soonest first."""
        due = [d for d in self._t.goal_digests if d.due_at is not None and d.due_at <= now]
        return sorted(due, key=lambda d: d.due_at or now)[:limit]
