"""Queries for concerns and their chronology. They never commit, and never change an event."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import cast

from sqlalchemy import Table, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.adapters.db.models import (
    Concern,
    ConcernEvent,
    ConcernWords,
    Hub,
    Staff,
    YoungPerson,
)
from bot.domain.actors import Actor
from bot.domain.ladder import DONE, ConcernState, Urgency
from bot.services.records import ConcernRecord

_CONCERNS = cast(Table, Concern.__table__)
# Closed, or noted ("I'm OK"): no step is ever due for these.
_DONE = [state.value for state in DONE]
# Built once: it runs for nearly every message a young person writes, nearly always to find
# nothing, so it asks for the id alone (no ORM loading) and loads the concern only if found.
_WAITING_FOR_WORDS = (
    select(_CONCERNS.c.id)
    .where(
        _CONCERNS.c.young_person_id == bindparam("young_person_id"),
        _CONCERNS.c.words.is_(None),
        _CONCERNS.c.raised_at >= bindparam("since"),
        _CONCERNS.c.state.not_in(_DONE),
    )
    .order_by(_CONCERNS.c.id.desc())
    .limit(1)
)


class Concerns:
    """Concerns, and the append-only chronology of each."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

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
        """Raise a concern, not yet on any rung (its id is known on return)."""
        concern = Concern(
            hub_id=hub_id,
            young_person_id=young_person_id,
            raised_at=now,
            source=source,
            category=category,
            harm=harm,
            urgency=urgency,
            words=words,
            state=state,
            # Worked out again at every step, from the council's office hours then.
            in_hours=False,
            rung=-1,
            next_step_at=next_step_at,
            source_message_id=source_message_id,
        )
        self._session.add(concern)
        await self._session.flush()
        return concern

    async def get(self, concern_id: int, *, for_update: bool = False) -> Concern | None:
        """One concern; `for_update` holds it against a second acknowledgement or step."""
        query = select(Concern).where(Concern.id == concern_id)
        if for_update:
            query = query.with_for_update(of=Concern)
        return await self._session.scalar(query)

    async def any_due(self, now: datetime) -> bool:
        """Whether any concern's next step (or follow-up) is due."""
        query = (
            select(Concern.id)
            .where(Concern.state.not_in(_DONE), Concern.next_step_at <= now)
            .limit(1)
        )
        return await self._session.scalar(query) is not None

    async def next_due(self, now: datetime, *, skip: Collection[int] = ()) -> Concern | None:
        """The concern that has waited longest for its due step, locked; one another instance
        is already stepping is passed over (SKIP LOCKED), so instances share the work."""
        query = (
            select(Concern)
            .where(Concern.state.not_in(_DONE), Concern.next_step_at <= now)
            .order_by(Concern.next_step_at, Concern.id)
            .limit(1)
            .with_for_update(of=Concern, skip_locked=True)
        )
        if skip:
            query = query.where(Concern.id.not_in(list(skip)))
        return await self._session.scalar(query)

    async def waiting_for(self, young_person_id: int) -> Concern | None:
        """The young person's newest concern that nobody has acknowledged yet (locked): a new
        worry joins it instead of starting another."""
        query = (
            select(Concern)
            .where(
                Concern.young_person_id == young_person_id,
                Concern.state.in_([ConcernState.ASKING.value, ConcernState.OPEN.value]),
            )
            .order_by(Concern.id.desc())
            .limit(1)
            .with_for_update(of=Concern)
        )
        return await self._session.scalar(query)

    def add_words(
        self, concern: ConcernRecord, words: str, *, at: datetime, message_id: int | None = None
    ) -> None:
        """Words the young person wrote after the concern was raised (only ever added)."""
        self._session.add(
            ConcernWords(concern_id=concern.id, at=at, words=words, source_message_id=message_id)
        )

    async def from_message(self, young_person_id: int, message_id: int) -> Concern | None:
        """The young person's concern that a Telegram message of theirs was heard as part of."""
        later = select(ConcernWords.concern_id).where(ConcernWords.source_message_id == message_id)
        query = (
            select(Concern)
            .where(
                Concern.young_person_id == young_person_id,
                (Concern.source_message_id == message_id) | Concern.id.in_(later),
            )
            .order_by(Concern.id.desc())
            .limit(1)
            .with_for_update(of=Concern)
        )
        return await self._session.scalar(query)

    async def later_words(self, concern_id: int) -> list[ConcernWords]:
        """Words added to a concern after it was raised, oldest first."""
        query = (
            select(ConcernWords)
            .where(ConcernWords.concern_id == concern_id)
            .order_by(ConcernWords.id)
        )
        return list(await self._session.scalars(query))

    async def asking(self, young_person_id: int) -> Concern | None:
        """The concern Waypoint is asking this young person about, if any."""
        query = (
            select(Concern)
            .where(
                Concern.young_person_id == young_person_id,
                Concern.state == ConcernState.ASKING.value,
            )
            .order_by(Concern.id.desc())
            .limit(1)
            .with_for_update(of=Concern)
        )
        return await self._session.scalar(query)

    async def latest_without_words(
        self, young_person_id: int, *, since: datetime
    ) -> Concern | None:
        """The young person's newest concern raised by the button, still waiting for words."""
        found = await self._session.scalar(
            _WAITING_FOR_WORDS, {"young_person_id": young_person_id, "since": since}
        )
        if found is None:
            return None
        concern = await self._session.get(Concern, found, with_for_update={"of": Concern})
        # Looked at again under the row lock: closed or given words meanwhile, it is not waiting.
        if concern is None or concern.words is not None or concern.state == ConcernState.CLOSED:
            return None
        return concern

    async def told(self, concern_id: int) -> list[int]:
        """Every member of staff alerted about this concern so far."""
        query = select(ConcernEvent.actor_id).where(
            ConcernEvent.concern_id == concern_id,
            ConcernEvent.kind == "notified",
            ConcernEvent.actor_id.is_not(None),
        )
        return sorted({staff_id for staff_id in await self._session.scalars(query) if staff_id})

    async def kinds(self, concern_id: int) -> list[str]:
        """The kinds of line in one concern's chronology, oldest first."""
        query = (
            select(ConcernEvent.kind)
            .where(ConcernEvent.concern_id == concern_id)
            .order_by(ConcernEvent.id)
        )
        return list(await self._session.scalars(query))

    async def told_latest_first(self, concern_id: int) -> list[int]:
        """Staff alerted about this concern, the most recently alerted first."""
        query = (
            select(ConcernEvent.actor_id)
            .where(
                ConcernEvent.concern_id == concern_id,
                ConcernEvent.kind == "notified",
                ConcernEvent.actor_id.is_not(None),
            )
            .order_by(ConcernEvent.id.desc())
        )
        return list(dict.fromkeys(i for i in await self._session.scalars(query) if i))

    async def listed(
        self,
        *,
        hub_id: int | None = None,
        council_id: int | None = None,
        open_only: bool = False,
    ) -> list[Concern]:
        """Concerns newest first, for one hub, one council's hubs, or all."""
        query = select(Concern).order_by(Concern.id.desc())
        if hub_id is not None:
            query = query.where(Concern.hub_id == hub_id)
        if council_id is not None:
            hubs = select(Hub.id).where(Hub.council_id == council_id)
            query = query.where(Concern.hub_id.in_(hubs))
        if open_only:
            query = query.where(Concern.state != ConcernState.CLOSED.value)
        return list(await self._session.scalars(query))

    async def of_young_person(
        self, young_person_id: int, *, hub_id: int, limit: int
    ) -> list[Concern]:
        """One young person's concerns at one hub, newest first, at most `limit`."""
        query = (
            select(Concern)
            .where(Concern.young_person_id == young_person_id, Concern.hub_id == hub_id)
            .order_by(Concern.id.desc())
            .limit(limit)
        )
        return list(await self._session.scalars(query))

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
        self._session.add(
            ConcernEvent(
                concern_id=concern.id,
                at=at,
                kind=kind,
                actor_type=by.kind.value,
                actor_id=by.id,
                detail=detail,
            )
        )

    async def chronology(self, concern_id: int) -> list[ConcernEvent]:
        """Every line of one concern's chronology, oldest first."""
        query = (
            select(ConcernEvent)
            .where(ConcernEvent.concern_id == concern_id)
            .order_by(ConcernEvent.id)
        )
        return list(await self._session.scalars(query))

    async def on_call(self, council_id: int) -> list[Staff]:
        """The council's out-of-hours team, across all its hubs."""
        query = (
            select(Staff)
            .join(Hub, Hub.id == Staff.hub_id)
            .where(
                Hub.council_id == council_id,
                Staff.role == "on_call",
                Staff.active.is_(True),
                Staff.away.is_(False),
            )
            .order_by(Staff.id)
        )
        return list(await self._session.scalars(query))

    async def waiting_on(self, staff_id: int) -> list[Concern]:
        """Concerns not closed that wait on this member of staff (locked): open ones still at
        the first step for a young person they are the named worker of (or cover for), open
        ones they were alerted to (they may be the only one who was), and ones they
        acknowledged and nobody has closed."""
        # Still at the first step: once duty or above has it, it no longer waits on them.
        covered = select(Staff.id).where(Staff.cover_id == staff_id, Staff.away.is_(True))
        theirs = select(YoungPerson.id).where(
            (YoungPerson.key_worker_id == staff_id) | YoungPerson.key_worker_id.in_(covered)
        )
        alerted = select(ConcernEvent.concern_id).where(
            ConcernEvent.kind == "notified", ConcernEvent.actor_id == staff_id
        )
        first_step = (
            (Concern.state == ConcernState.OPEN.value)
            & (Concern.rung <= 0)
            & Concern.young_person_id.in_(theirs)
        )
        told = (Concern.state == ConcernState.OPEN.value) & Concern.id.in_(alerted)
        holding = (Concern.state == ConcernState.ACKNOWLEDGED.value) & (
            Concern.acknowledged_by == staff_id
        )
        query = (
            select(Concern)
            .where(first_step | told | holding)
            .order_by(Concern.id)
            .with_for_update(of=Concern)
        )
        return list(await self._session.scalars(query))

    async def not_closed_for(self, young_person_id: int) -> list[Concern]:
        """One young person's concerns that are not closed (locked)."""
        query = (
            select(Concern)
            .where(
                Concern.young_person_id == young_person_id,
                Concern.state != ConcernState.CLOSED.value,
            )
            .order_by(Concern.id)
            .with_for_update(of=Concern)
        )
        return list(await self._session.scalars(query))
