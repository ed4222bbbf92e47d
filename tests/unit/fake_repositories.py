"""In-memory repositories for organisations, staff, young people and invites, with the SQL
ones' filters and ordering (bot/adapters/db/repositories.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from bot.domain.people import Role
from bot.services.records import CouncilRecord, HubRecord, StaffRecord, YoungPersonRecord
from tests.unit.fake_records import Council, Hub, Invite, Staff, Tables, YoungPerson

Ids = Callable[[], int]


class IntegrityError(Exception):
    """What the database would refuse: a second row with a value that must be unique."""


def unique(values: Iterable[object], value: object, what: str) -> None:
    """Refuse a duplicate, as a unique constraint would."""
    if value in set(values):
        raise IntegrityError(f"{what} {value!r} exists already")


class FakeOrganisations:
    """Councils and their hubs."""

    def __init__(self, tables: Tables, ids: Ids) -> None:
        self._t, self._ids = tables, ids

    async def councils(self) -> list[Council]:
        """Every council."""
        return sorted(self._t.councils, key=lambda c: c.id)

    async def council(self, slug: str) -> Council | None:
        """The council with this slug, if any."""
        return next((c for c in self._t.councils if c.slug == slug), None)

    async def hub(self, council_id: int, slug: str) -> Hub | None:
        """The hub with this slug in this council, if any."""
        return next(
            (h for h in self._t.hubs if h.council_id == council_id and h.slug == slug), None
        )

    async def hub_by_id(self, hub_id: int) -> Hub:
        """The hub with this id (it must exist)."""
        hub = next((h for h in self._t.hubs if h.id == hub_id), None)
        if hub is None:
            raise LookupError(f"hub {hub_id} is missing")
        return hub

    async def hubs_named(self, slug: str) -> list[Hub]:
        """Every hub with this slug."""
        return [h for h in self._t.hubs if h.slug == slug]

    async def new_council(self, *, slug: str, name: str, now: datetime) -> Council:
        """Add a council."""
        unique((c.slug for c in self._t.councils), slug, "council slug")
        return self._t.add(self._t.councils, Council(self._ids(), slug, name, now))

    async def new_hub(self, council: CouncilRecord, *, slug: str, name: str, now: datetime) -> Hub:
        """Add a hub to a council."""
        here = (h.slug for h in self._t.hubs if h.council_id == council.id)
        unique(here, slug, "hub slug")
        return self._t.add(self._t.hubs, Hub(self._ids(), council.id, slug, name, now))


class FakeStaffMembers:
    """Hub staff."""

    def __init__(self, tables: Tables, ids: Ids) -> None:
        self._t, self._ids = tables, ids

    def _by_id(self) -> list[Staff]:
        return sorted(self._t.staff, key=lambda s: s.id)

    async def by_telegram_id(self, telegram_user_id: int) -> Staff | None:
        """The staff member using this Telegram account, if any."""
        return next((s for s in self._t.staff if s.telegram_user_id == telegram_user_id), None)

    async def active_by_telegram_id(self, telegram_user_id: int) -> Staff | None:
        """The staff member using this account, unless they have left."""
        staff = await self.by_telegram_id(telegram_user_id)
        return staff if staff is not None and staff.active else None

    async def get(self, staff_id: int) -> Staff | None:
        """The staff member with this id."""
        return next((s for s in self._t.staff if s.id == staff_id), None)

    async def in_hub_any_role(self, hub_id: int) -> list[Staff]:
        """Every active member of staff at one hub, oldest first."""
        return [s for s in self._by_id() if s.hub_id == hub_id and s.active]

    async def operators(self, hub_id: int, council_id: int) -> list[Staff]:
        """The hub's operators; with none there, every operator of its council."""
        here = await self.in_hub(hub_id, Role.OPERATOR.value)
        if here:
            return here
        return [
            s
            for s in self._by_id()
            if s.hub.council_id == council_id and s.role == Role.OPERATOR.value and s.active
        ]

    async def in_hub(self, hub_id: int, role: str) -> list[Staff]:
        """Active staff of one hub in one role, oldest first."""
        return [s for s in self._by_id() if s.hub_id == hub_id and s.role == role and s.active]

    def move_to(self, staff: StaffRecord, hub: HubRecord) -> None:
        """Move a member of staff to another hub."""
        staff.hub_id = hub.id

    async def covered_by(self, staff_id: int) -> list[Staff]:
        """Staff whose cover this member of staff is (whether or not they are away)."""
        return [s for s in self._by_id() if s.cover_id == staff_id]

    async def new(
        self, *, hub_id: int, telegram_user_id: int, name: str, role: Role, now: datetime
    ) -> Staff:
        """Add an active member of staff."""
        unique((s.telegram_user_id for s in self._t.staff), telegram_user_id, "telegram id")
        staff = Staff(self._ids(), hub_id, telegram_user_id, name, role, now)
        return self._t.add(self._t.staff, staff)


class FakeYoungPeople:
    """Linked young people."""

    def __init__(self, tables: Tables, ids: Ids) -> None:
        self._t, self._ids = tables, ids

    def _by_id(self) -> list[YoungPerson]:
        return sorted(self._t.young_people, key=lambda p: p.id)

    async def by_telegram_id(self, telegram_user_id: int) -> YoungPerson | None:
        """The young person using this Telegram account, if any."""
        people = self._t.young_people
        return next((p for p in people if p.telegram_user_id == telegram_user_id), None)

    async def get(self, young_person_id: int) -> YoungPerson | None:
        """The young person with this id."""
        return next((p for p in self._t.young_people if p.id == young_person_id), None)

    async def first_in_hub(self, hub_id: int) -> YoungPerson | None:
        """The young person at this hub who linked first."""
        return next((p for p in self._by_id() if p.hub_id == hub_id), None)

    async def in_hub(self, hub_id: int, *, limit: int) -> list[YoungPerson]:
        """Young people at a hub, first linked first, at most `limit`."""
        return [p for p in self._by_id() if p.hub_id == hub_id][:limit]

    async def in_hub_named(self, hub_id: int, first_name: str) -> list[YoungPerson]:
        """Young people at this hub with this first name, whatever its capitals."""
        wanted = first_name.strip().lower()
        return [p for p in self._by_id() if p.hub_id == hub_id and p.first_name.lower() == wanted]

    def give_worker(self, person: YoungPersonRecord, worker: StaffRecord) -> None:
        """Make `worker` the named worker; the young person's hub follows the worker's."""
        person.key_worker_id, person.hub_id = worker.id, worker.hub_id

    async def linked_to(self, worker_id: int) -> list[YoungPerson]:
        """Young people whose named worker this is, first linked first."""
        return [p for p in self._by_id() if p.key_worker_id == worker_id]

    async def coached_by(self, staff_id: int) -> list[YoungPerson]:
        """Young people whose life coach this is."""
        return [p for p in self._by_id() if p.life_coach_id == staff_id]

    async def new(
        self,
        *,
        hub_id: int,
        telegram_user_id: int,
        first_name: str,
        key_worker_id: int,
        now: datetime,
    ) -> YoungPerson:
        """Link a young person."""
        people = self._t.young_people
        unique((p.telegram_user_id for p in people), telegram_user_id, "telegram id")
        person = YoungPerson(self._ids(), hub_id, telegram_user_id, first_name, key_worker_id, now)
        return self._t.add(people, person)


class FakeInvites:
    """Invite codes, looked up only by their hash."""

    def __init__(self, tables: Tables, ids: Ids) -> None:
        self._t, self._ids = tables, ids

    def _open(self, now: datetime) -> list[Invite]:
        return [
            i
            for i in sorted(self._t.invites, key=lambda i: i.id)
            if i.used_at is None and i.revoked_at is None and i.expires_at > now
        ]

    async def by_code_hash(self, code_hash: str, *, for_update: bool = False) -> Invite | None:
        """The invite with this hash."""
        return next((i for i in self._t.invites if i.code_hash == code_hash), None)

    async def get(self, invite_id: int) -> Invite | None:
        """The invite with this id."""
        return next((i for i in self._t.invites if i.id == invite_id), None)

    async def open_at_hub(self, hub_id: int, now: datetime) -> list[Invite]:
        """Invites made at this hub (by its staff now) that could still be used."""
        return [i for i in self._open(now) if i.worker.hub_id == hub_id]

    async def open_by_worker(self, worker_id: int, now: datetime) -> list[Invite]:
        """One worker's invites that could still be used."""
        return [i for i in self._open(now) if i.worker_id == worker_id]

    async def open_anywhere(self, now: datetime) -> list[Invite]:
        """Every invite that could still be used and whose worker has not left."""
        return [i for i in self._open(now) if i.worker.active]

    async def mark_used(self, invite_id: int, young_person_id: int, now: datetime) -> bool:
        """Use the invite up; False when it was used already."""
        invite = await self.get(invite_id)
        if invite is None or invite.used_at is not None:
            return False
        invite.used_at, invite.young_person_id = now, young_person_id
        return True

    async def new(
        self,
        *,
        code_hash: str,
        worker_id: int,
        first_name: str,
        now: datetime,
        expires_at: datetime,
    ) -> Invite:
        """Add an invite."""
        unique((i.code_hash for i in self._t.invites), code_hash, "code hash")
        invite = Invite(self._ids(), code_hash, worker_id, first_name, now, expires_at)
        return self._t.add(self._t.invites, invite)
