"""Concerns and their chronology in memory, with the SQL repository's filters and ordering
(bot/adapters/db/concern_records.py). Locks have no meaning here: one test, one task."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from bot.domain.actors import Actor
from bot.domain.ladder import DONE, ConcernState, Urgency
from bot.domain.people import Role
from bot.services.records import ConcernRecord
from tests.unit.fake_records import Concern, ConcernEvent, ConcernWords, Staff, Tables
from tests.unit.fake_repositories import Ids

_OPEN, _CLOSED = ConcernState.OPEN.value, ConcernState.CLOSED.value
_DONE = {state.value for state in DONE}


def _newest(concerns: list[Concern]) -> Concern | None:
    return max(concerns, key=lambda c: c.id, default=None)


def _due(concern: Concern, now: datetime) -> bool:
    # NULL <= now is not true in SQL: an acknowledged-and-closed concern is never due.
    return (
        concern.state not in _DONE
        and concern.next_step_at is not None
        and concern.next_step_at <= now
    )


class FakeConcerns:
    """Concerns, and the append-only chronology of each."""

    def __init__(self, tables: Tables, ids: Ids) -> None:
        self._t, self._ids = tables, ids

    def _of(self, young_person_id: int) -> list[Concern]:
        return [c for c in self._t.concerns if c.young_person_id == young_person_id]

    def _events(self, concern_id: int) -> list[ConcernEvent]:
        found = [e for e in self._t.concern_events if e.concern_id == concern_id]
        return sorted(found, key=lambda e: e.id)

    async def new(
        self,
        *,
        hub_id: int,
        young_person_id: int,
        now: datetime,
        source: str,
        category: str | None,
        harm: str | None,
        urgency: Urgency,
        words: str | None,
        state: ConcernState,
        next_step_at: datetime,
        source_message_id: int | None,
    ) -> Concern:
        """Raise a concern, not yet on any rung."""
        concern = Concern(
            self._ids(), hub_id, young_person_id, now, source, category, harm, urgency, words,
            state, next_step_at, source_message_id,
        )  # fmt: skip
        return self._t.add(self._t.concerns, concern)

    async def get(self, concern_id: int, *, for_update: bool = False) -> Concern | None:
        """One concern."""
        return next((c for c in self._t.concerns if c.id == concern_id), None)

    async def any_due(self, now: datetime) -> bool:
        """Whether any concern's next step (or follow-up) is due."""
        return any(_due(c, now) for c in self._t.concerns)

    async def next_due(self, now: datetime, *, skip: Collection[int] = ()) -> Concern | None:
        """The concern that has waited longest for its due step, passing over `skip`."""
        due = [c for c in self._t.concerns if _due(c, now) and c.id not in skip]
        return min(due, key=lambda c: (c.next_step_at, c.id), default=None)

    async def waiting_for(self, young_person_id: int) -> Concern | None:
        """The young person's newest concern nobody has acknowledged yet."""
        waiting = (ConcernState.ASKING.value, _OPEN)
        return _newest([c for c in self._of(young_person_id) if c.state in waiting])

    def add_words(
        self, concern: ConcernRecord, words: str, *, at: datetime, message_id: int | None = None
    ) -> None:
        """Words the young person wrote after the concern was raised."""
        later = ConcernWords(self._ids(), concern.id, at, words, message_id)
        self._t.add(self._t.concern_words, later)

    async def from_message(self, young_person_id: int, message_id: int) -> Concern | None:
        """The young person's concern that this Telegram message was heard as part of."""
        later = {w.concern_id for w in self._t.concern_words if w.source_message_id == message_id}
        return _newest(
            [
                c
                for c in self._of(young_person_id)
                if c.source_message_id == message_id or c.id in later
            ]
        )

    async def later_words(self, concern_id: int) -> list[ConcernWords]:
        """Words added to a concern after it was raised, oldest first."""
        found = [w for w in self._t.concern_words if w.concern_id == concern_id]
        return sorted(found, key=lambda w: w.id)

    async def asking(self, young_person_id: int) -> Concern | None:
        """The concern Waypoint is asking this young person about, if any."""
        asking = ConcernState.ASKING.value
        return _newest([c for c in self._of(young_person_id) if c.state == asking])

    async def latest_without_words(
        self, young_person_id: int, *, since: datetime
    ) -> Concern | None:
        """The newest concern still waiting for words, raised since `since`."""
        return _newest(
            [
                c
                for c in self._of(young_person_id)
                if c.words is None and c.raised_at >= since and c.state not in _DONE
            ]
        )

    async def told(self, concern_id: int) -> list[int]:
        """Every member of staff alerted about this concern so far."""
        return sorted(
            {e.actor_id for e in self._events(concern_id) if e.kind == "notified" and e.actor_id}
        )

    async def kinds(self, concern_id: int) -> list[str]:
        """The kinds of line in one concern's chronology, oldest first."""
        return [e.kind for e in self._events(concern_id)]

    async def told_latest_first(self, concern_id: int) -> list[int]:
        """Staff alerted about this concern, the most recently alerted first."""
        events = reversed(self._events(concern_id))
        return list(
            dict.fromkeys(e.actor_id for e in events if e.kind == "notified" and e.actor_id)
        )

    async def listed(
        self, *, hub_id: int | None = None, council_id: int | None = None, open_only: bool = False
    ) -> list[Concern]:
        """Concerns newest first, for one hub, one council's hubs, or all."""
        hubs = {h.id for h in self._t.hubs if council_id is None or h.council_id == council_id}
        return sorted(
            (
                c
                for c in self._t.concerns
                if (hub_id is None or c.hub_id == hub_id)
                and c.hub_id in hubs
                and not (open_only and c.state == _CLOSED)
            ),
            key=lambda c: c.id,
            reverse=True,
        )

    async def of_young_person(
        self, young_person_id: int, *, hub_id: int, limit: int
    ) -> list[Concern]:
        """One young person's concerns at one hub, newest first, at most `limit`."""
        theirs = [
            c
            for c in self._t.concerns
            if c.young_person_id == young_person_id and c.hub_id == hub_id
        ]
        return sorted(theirs, key=lambda c: c.id, reverse=True)[:limit]

    def record(
        self,
        concern: ConcernRecord,
        kind: str,
        *,
        at: datetime,
        by: Actor,
        detail: str | None = None,
    ) -> None:
        """Add one line to the concern's chronology."""
        event = ConcernEvent(self._ids(), concern.id, at, kind, by.kind.value, by.id, detail)
        self._t.add(self._t.concern_events, event)

    async def chronology(self, concern_id: int) -> list[ConcernEvent]:
        """Every line of one concern's chronology, oldest first."""
        return self._events(concern_id)

    async def on_call(self, council_id: int) -> list[Staff]:
        """The council's out-of-hours team who are here, across all its hubs."""
        return [
            s
            for s in sorted(self._t.staff, key=lambda s: s.id)
            if s.hub.council_id == council_id
            and s.role == Role.ON_CALL.value
            and s.active
            and not s.away
        ]

    async def waiting_on(self, staff_id: int) -> list[Concern]:
        """Concerns not closed that wait on this member of staff: open ones still at the first
        step for a young person they are the named worker of (or cover for while the worker
        is away), open ones they were alerted to, and ones they acknowledged."""
        covered = {s.id for s in self._t.staff if s.cover_id == staff_id and s.away}
        theirs = {
            p.id
            for p in self._t.young_people
            if p.key_worker_id == staff_id or p.key_worker_id in covered
        }
        alerted = {
            e.concern_id
            for e in self._t.concern_events
            if e.kind == "notified" and e.actor_id == staff_id
        }

        def waits(c: Concern) -> bool:
            first_step = c.state == _OPEN and c.rung <= 0 and c.young_person_id in theirs
            told = c.state == _OPEN and c.id in alerted
            holding = c.state == ConcernState.ACKNOWLEDGED.value and c.acknowledged_by == staff_id
            return first_step or told or holding

        return sorted((c for c in self._t.concerns if waits(c)), key=lambda c: c.id)

    async def not_closed_for(self, young_person_id: int) -> list[Concern]:
        """One young person's concerns that are not closed."""
        found = [c for c in self._of(young_person_id) if c.state != _CLOSED]
        return sorted(found, key=lambda c: c.id)
