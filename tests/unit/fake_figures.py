"""The facts behind a hub's service figures, in memory: tests seed them directly (one list a
measure, each fact with its hub), and the fake counts them as the SQL does."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.domain.service_figures import (
    GoalRatingFact,
    ReminderOutcome,
    SessionOutcome,
    ToldConcern,
    Week,
    week_index,
)


@dataclass
class FigureFacts:
    """What a test says happened, by hub id."""

    concerns: list[tuple[int, ToldConcern]] = field(default_factory=list)
    reminders: list[tuple[int, datetime, ReminderOutcome]] = field(default_factory=list)
    sessions: list[tuple[int, datetime, SessionOutcome]] = field(default_factory=list)
    ratings: list[tuple[int, GoalRatingFact]] = field(default_factory=list)


class FakeServiceFigures:
    """bot.services.ports.ServiceFigures over seeded facts."""

    def __init__(self, facts: FigureFacts) -> None:
        self._facts = facts

    async def told_concerns(
        self, hub_id: int, *, since: datetime, until: datetime
    ) -> list[ToldConcern]:
        """Concerns first alerted in the range, oldest first."""
        found = [c for hub, c in self._facts.concerns if hub == hub_id]
        return sorted((c for c in found if since <= c.told_at < until), key=lambda c: c.told_at)

    async def reminder_outcomes(
        self, hub_id: int, weeks: Sequence[Week]
    ) -> dict[tuple[int, ReminderOutcome], int]:
        """Reminders due in each week, by outcome."""
        counts: dict[tuple[int, ReminderOutcome], int] = {}
        for hub, due_at, outcome in self._facts.reminders:
            index = week_index(weeks, due_at)
            if hub == hub_id and index is not None:
                counts[index, outcome] = counts.get((index, outcome), 0) + 1
        return counts

    async def session_outcomes(
        self, hub_id: int, weeks: Sequence[Week], *, now: datetime
    ) -> dict[tuple[int, SessionOutcome], int]:
        """Sessions that started in each week, by outcome."""
        counts: dict[tuple[int, SessionOutcome], int] = {}
        for hub, starts_at, outcome in self._facts.sessions:
            index = week_index(weeks, starts_at)
            if hub == hub_id and index is not None and starts_at <= now:
                counts[index, outcome] = counts.get((index, outcome), 0) + 1
        return counts

    async def goal_ratings(
        self, hub_id: int, *, since: datetime, until: datetime
    ) -> list[GoalRatingFact]:
        """Every rating of the hub's goals that were rated in the range."""
        theirs = [r for hub, r in self._facts.ratings if hub == hub_id and r.at < until]
        rated = {r.goal_id for r in theirs if since <= r.at}
        return sorted((r for r in theirs if r.goal_id in rated), key=lambda r: r.at)
