"""A council in memory for service tests: two hubs, every role, Sam linked to Jo, and the
clock from tests/conftest.py (it moves only when a test moves it; nothing ever sleeps)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.clock import ManualClock
from bot.domain.actors import KnownStaff
from bot.domain.ladder import Urgency
from bot.domain.people import Role
from bot.domain.safety.worry import Worry
from bot.services.concerns import do_raise_concern
from bot.services.identity import writer_of
from bot.services.ladder_steps import do_take_due_steps
from tests.unit.fake_records import AuditEvent, Concern, Queued, Staff
from tests.unit.fake_uow import FakeUnitOfWork, Store

# Telegram ids. Everyone is at Harrogate except the out-of-hours team and Ash (Scarborough).
JO, LEE, DEE, MAX, PAT, SUE, CAL, OTTO, OONA, ASH, ZOE = range(1001, 1012)
SAM = 2001
STRANGER = 9001
STAFF = (
    (JO, "Jo", Role.KEY_WORKER, "harrogate"),
    (LEE, "Lee", Role.KEY_WORKER, "harrogate"),
    (DEE, "Dee", Role.DUTY, "harrogate"),
    (MAX, "Max", Role.MANAGER, "harrogate"),
    (PAT, "Pat", Role.POLICE_LIAISON, "harrogate"),
    (SUE, "Sue", Role.SLT, "harrogate"),
    (CAL, "Cal", Role.LIFE_COACH, "harrogate"),
    (OTTO, "Otto", Role.OPERATOR, "harrogate"),
    (OONA, "Oona", Role.ON_CALL, "scarborough"),
    (ASH, "Ash", Role.KEY_WORKER, "scarborough"),
    (ZOE, "Zoe", Role.SLT, "scarborough"),
)
# Tuesday 3 March 2026 in London (GMT): office hours, then the evening, then a Saturday.
TUESDAY_MORNING = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
TUESDAY_EVENING = datetime(2026, 3, 3, 20, 0, tzinfo=UTC)
SATURDAY = datetime(2026, 3, 7, 11, 0, tzinfo=UTC)


@dataclass
class World:
    """The store, the clock, and who is who; helpers read what was committed."""

    store: Store
    clock: ManualClock
    ids: dict[int, int] = field(default_factory=dict)  # Telegram id -> record id

    def uow(self) -> FakeUnitOfWork:
        """A fresh unit of work, as the real factory gives one per service call."""
        return FakeUnitOfWork(self.store)

    def now(self) -> datetime:
        """What the clock shows."""
        return self.clock()

    async def raise_concern(self, worry: Worry | None = None, *, by: int = SAM) -> int:
        """A young person raises a concern (tapping "I'm worried" unless told otherwise)."""
        raised = await do_raise_concern(
            self.uow(), by, worry or Worry("button", Urgency.HIGH), now=self.now()
        )
        assert raised is not None
        return raised

    async def tick(self, minutes: float = 0) -> int:
        """Move the clock on and take every ladder step that fell due."""
        self.clock.advance(timedelta(minutes=minutes))
        return await do_take_due_steps(self.uow(), now=self.now())

    async def staff_actor(self, telegram_id: int) -> KnownStaff:
        """A member of staff as a channel hands them to the services: looked up once, by
        their Telegram id, before the service is called."""
        writer = await writer_of(self.uow(), telegram_id)
        assert isinstance(writer, KnownStaff), writer
        return writer

    def staff(self, telegram_id: int) -> Staff:
        """A member of staff as committed."""
        [staff] = [s for s in self.store.tables.staff if s.telegram_user_id == telegram_id]
        return staff

    def change_staff(self, telegram_id: int, **changes: Any) -> None:
        """Set up a member of staff (away, cover, active) straight in the committed store."""
        staff = self.staff(telegram_id)
        for name, value in changes.items():
            setattr(staff, name, value)

    def change_council(self, **changes: Any) -> None:
        """Set up the council's ladder choices straight in the committed store."""
        [council] = self.store.tables.councils
        for name, value in changes.items():
            setattr(council, name, value)

    def queued(self, telegram_id: int) -> list[Queued]:
        """Everything committed for one chat, oldest first."""
        return self.store.queued(telegram_id)

    def keys(self, telegram_id: int) -> list[str]:
        """The message ids committed for one chat, oldest first."""
        return self.store.message_ids(telegram_id)

    def audited(self, action: str) -> list[AuditEvent]:
        """The committed audit lines for one action, oldest first."""
        return [e for e in self.store.tables.audit if e.action == action]

    def concern(self, concern_id: int) -> Concern:
        """The concern as committed."""
        [concern] = [c for c in self.store.tables.concerns if c.id == concern_id]
        return concern

    def alerted(self) -> list[str]:
        """Who has been alerted, in order, as "step: name"."""
        events = self.store.tables.concern_events
        return [e.detail or "" for e in events if e.kind == "notified"]

    def events(self, concern_id: int) -> list[str]:
        """One concern's chronology, as kinds, oldest first."""
        return [e.kind for e in self.store.tables.concern_events if e.concern_id == concern_id]


async def build_world(clock: ManualClock) -> World:
    """North Yorkshire with its Harrogate and Scarborough hubs, all staff, and Sam linked to
    Jo; nothing queued yet."""
    clock.now = TUESDAY_MORNING
    world = World(Store(), clock)
    async with world.uow() as uow:
        council = await uow.organisations.new_council(
            slug="north-yorkshire", name="North Yorkshire", now=clock()
        )
        hubs = {
            slug: await uow.organisations.new_hub(
                council, slug=slug, name=slug.title(), now=clock()
            )
            for slug in ("harrogate", "scarborough")
        }
        for telegram_id, name, role, hub in STAFF:
            staff = await uow.staff.new(
                hub_id=hubs[hub].id, telegram_user_id=telegram_id, name=name, role=role,
                now=clock(),
            )  # fmt: skip
            world.ids[telegram_id] = staff.id
        sam = await uow.young_people.new(
            hub_id=hubs["harrogate"].id, telegram_user_id=SAM, first_name="Sam",
            key_worker_id=world.ids[JO], now=clock(),
        )  # fmt: skip
        world.ids[SAM] = sam.id
        await uow.commit()
    return world


@pytest.fixture
async def world(clock: ManualClock) -> World:
    """The council in memory on Tuesday morning, office hours."""
    return await build_world(clock)
