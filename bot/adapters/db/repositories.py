"""Queries the services need, one small class per kind of record. They never commit."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    CompoundSelect,
    Table,
    bindparam,
    delete,
    func,
    insert,
    literal,
    null,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.adapters.db.models import (
    AuditEvent,
    CodeAttempt,
    CommandMenu,
    Council,
    Heartbeat,
    Hub,
    Invite,
    OutboxMessage,
    RecentWords,
    Staff,
    StrangerAnswers,
    YoungPerson,
)
from bot.adapters.outbox.claims import push_back
from bot.domain.actors import Actor, ActorKind, KnownStaff, KnownYoungPerson, Stranger, Writer
from bot.domain.guessing import Attempts
from bot.domain.outbox import DeliveryState
from bot.domain.people import Role
from bot.domain.strangers import Answered
from bot.services.ports import AuditEntry, AuditQuery, Leased
from bot.services.records import (
    CouncilRecord,
    HubRecord,
    OutboxRecord,
    StaffRecord,
    YoungPersonRecord,
)


class Organisations:
    """Councils and their hubs."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def councils(self) -> list[Council]:
        """Every council."""
        return list(await self._session.scalars(select(Council).order_by(Council.id)))

    async def council(self, slug: str) -> Council | None:
        """The council with this slug, if any."""
        return await self._session.scalar(select(Council).where(Council.slug == slug))

    async def hub(self, council_id: int, slug: str) -> Hub | None:
        """The hub with this slug in this council, if any."""
        return await self._session.scalar(
            select(Hub).where(Hub.council_id == council_id, Hub.slug == slug)
        )

    async def hub_by_id(self, hub_id: int) -> Hub:
        """The hub with this id, with its council (it must exist: foreign keys say so)."""
        hub = await self._session.get(Hub, hub_id)
        if hub is None:
            raise LookupError(f"hub {hub_id} is missing")
        return hub

    async def hubs_named(self, slug: str) -> list[Hub]:
        """Every hub with this slug, whichever council it belongs to."""
        return list(await self._session.scalars(select(Hub).where(Hub.slug == slug)))

    async def new_council(self, *, slug: str, name: str, now: datetime) -> Council:
        """Add a council (its id is known on return)."""
        council = Council(slug=slug, name=name, created_at=now)
        self._session.add(council)
        await self._session.flush()
        return council

    async def new_hub(self, council: CouncilRecord, *, slug: str, name: str, now: datetime) -> Hub:
        """Add a hub to a council (its id is known on return)."""
        hub = Hub(
            council_id=council.id,
            slug=slug,
            name=name,
            created_at=now,
            council=cast(Council, council),
        )
        self._session.add(hub)
        await self._session.flush()
        return hub


class StaffRepository:
    """Hub staff."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def by_telegram_id(self, telegram_user_id: int) -> Staff | None:
        """The staff member using this Telegram account, if any."""
        return await self._session.scalar(
            select(Staff).where(Staff.telegram_user_id == telegram_user_id)
        )

    async def active_by_telegram_id(self, telegram_user_id: int) -> Staff | None:
        """The staff member using this Telegram account, unless they have left."""
        staff = await self.by_telegram_id(telegram_user_id)
        return staff if staff is not None and staff.active else None

    async def new(
        self, *, hub_id: int, telegram_user_id: int, name: str, role: Role, now: datetime
    ) -> Staff:
        """Add an active member of staff (their id is known on return)."""
        staff = Staff(
            hub_id=hub_id,
            telegram_user_id=telegram_user_id,
            name=name,
            role=role,
            active=True,
            created_at=now,
        )
        self._session.add(staff)
        await self._session.flush()
        return staff

    def move_to(self, staff: StaffRecord, hub: HubRecord) -> None:
        """Move a member of staff to another hub."""
        row = cast(Staff, staff)
        row.hub_id, row.hub = hub.id, cast(Hub, hub)

    async def covered_by(self, staff_id: int) -> list[Staff]:
        """Staff whose cover this member of staff is."""
        query = select(Staff).where(Staff.cover_id == staff_id).order_by(Staff.id)
        return list(await self._session.scalars(query))

    async def get(self, staff_id: int) -> Staff | None:
        """The staff member with this id."""
        return await self._session.get(Staff, staff_id)

    async def in_hub_any_role(self, hub_id: int) -> list[Staff]:
        """Every active member of staff at one hub, oldest first."""
        query = (
            select(Staff).where(Staff.hub_id == hub_id, Staff.active.is_(True)).order_by(Staff.id)
        )
        return list(await self._session.scalars(query))

    async def operators(self, hub_id: int, council_id: int) -> list[Staff]:
        """The hub's operators; with none there, every operator of its council."""
        here = await self.in_hub(hub_id, Role.OPERATOR.value)
        if here:
            return here
        query = (
            select(Staff)
            .join(Hub, Hub.id == Staff.hub_id)
            .where(
                Hub.council_id == council_id,
                Staff.role == Role.OPERATOR.value,
                Staff.active.is_(True),
            )
            .order_by(Staff.id)
        )
        return list(await self._session.scalars(query))

    async def in_hub(self, hub_id: int, role: str) -> list[Staff]:
        """Active staff of one hub in one role, oldest first."""
        query = (
            select(Staff)
            .where(Staff.hub_id == hub_id, Staff.role == role, Staff.active.is_(True))
            .order_by(Staff.id)
        )
        return list(await self._session.scalars(query))


class YoungPeople:
    """Young people who have linked their accounts."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def by_telegram_id(self, telegram_user_id: int) -> YoungPerson | None:
        """The young person using this Telegram account, if any."""
        return await self._session.scalar(
            select(YoungPerson).where(YoungPerson.telegram_user_id == telegram_user_id)
        )

    async def new(
        self,
        *,
        hub_id: int,
        telegram_user_id: int,
        first_name: str,
        key_worker_id: int,
        now: datetime,
    ) -> YoungPerson:
        """Link a young person (their id is known on return)."""
        person = YoungPerson(
            hub_id=hub_id,
            telegram_user_id=telegram_user_id,
            first_name=first_name,
            key_worker_id=key_worker_id,
            language="en",
            linked_at=now,
        )
        self._session.add(person)
        await self._session.flush()
        return person

    def give_worker(self, person: YoungPersonRecord, worker: StaffRecord) -> None:
        """Make `worker` the young person's named worker; their hub follows the worker's."""
        row = cast(YoungPerson, person)
        row.key_worker_id, row.key_worker, row.hub_id = (
            worker.id,
            cast(Staff, worker),
            worker.hub_id,
        )

    async def linked_to(self, worker_id: int) -> list[YoungPerson]:
        """Young people whose named worker this is, first linked first."""
        query = select(YoungPerson).where(YoungPerson.key_worker_id == worker_id)
        return list(await self._session.scalars(query.order_by(YoungPerson.id)))

    async def in_hub(self, hub_id: int, *, limit: int) -> list[YoungPerson]:
        """Young people at a hub, first linked first, at most `limit`."""
        query = select(YoungPerson).where(YoungPerson.hub_id == hub_id).order_by(YoungPerson.id)
        return list(await self._session.scalars(query.limit(limit)))

    async def coached_by(self, staff_id: int) -> list[YoungPerson]:
        """Young people whose life coach this is."""
        query = select(YoungPerson).where(YoungPerson.life_coach_id == staff_id)
        return list(await self._session.scalars(query.order_by(YoungPerson.id)))

    async def get(self, young_person_id: int) -> YoungPerson | None:
        """The young person with this id."""
        return await self._session.get(YoungPerson, young_person_id)

    async def first_in_hub(self, hub_id: int) -> YoungPerson | None:
        """The young person at this hub who linked first (for examples staff are shown)."""
        query = select(YoungPerson).where(YoungPerson.hub_id == hub_id)
        return await self._session.scalar(query.order_by(YoungPerson.id).limit(1))

    async def in_hub_named(self, hub_id: int, first_name: str) -> list[YoungPerson]:
        """Young people at this hub with this first name, whatever its capitals."""
        found = await self._session.scalars(
            select(YoungPerson)
            .where(
                YoungPerson.hub_id == hub_id,
                func.lower(YoungPerson.first_name) == first_name.strip().lower(),
            )
            .order_by(YoungPerson.id)
        )
        return list(found)


class Invites:
    """Invite codes, looked up only by their hash."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def by_code_hash(self, code_hash: str, *, for_update: bool = False) -> Invite | None:
        """The invite with this hash; locked when it is about to be used."""
        query = select(Invite).where(Invite.code_hash == code_hash)
        if for_update:
            query = query.with_for_update(of=Invite)
        return await self._session.scalar(query)

    async def new(
        self,
        *,
        code_hash: str,
        worker_id: int,
        first_name: str,
        now: datetime,
        expires_at: datetime,
    ) -> Invite:
        """Add an invite (its id is known on return)."""
        invite = Invite(
            code_hash=code_hash,
            worker_id=worker_id,
            first_name=first_name,
            created_at=now,
            expires_at=expires_at,
        )
        self._session.add(invite)
        await self._session.flush()
        return invite

    async def open_anywhere(self, now: datetime) -> list[Invite]:
        """Every invite that could still be used (its worker has not left), oldest first."""
        return await self._open(now, Staff.active.is_(True))

    async def get(self, invite_id: int) -> Invite | None:
        """The invite with this id."""
        return await self._session.get(Invite, invite_id)

    async def open_at_hub(self, hub_id: int, now: datetime) -> list[Invite]:
        """Invites made at this hub that could still be used, oldest first."""
        return await self._open(now, Staff.hub_id == hub_id)

    async def open_by_worker(self, worker_id: int, now: datetime) -> list[Invite]:
        """One worker's invites that could still be used."""
        return await self._open(now, Invite.worker_id == worker_id)

    async def _open(self, now: datetime, *which: ColumnElement[bool]) -> list[Invite]:
        query = (
            select(Invite)
            .join(Staff, Staff.id == Invite.worker_id)
            .where(
                *which,
                Invite.used_at.is_(None),
                Invite.revoked_at.is_(None),
                Invite.expires_at > now,
            )
            .order_by(Invite.id)
        )
        return list(await self._session.scalars(query))

    async def mark_used(self, invite_id: int, young_person_id: int, now: datetime) -> bool:
        """Use the invite up; False when someone else used it first (a race between two taps)."""
        result = await self._session.execute(
            update(Invite)
            .where(Invite.id == invite_id, Invite.used_at.is_(None))
            .values(used_at=now, young_person_id=young_person_id)
        )
        return bool(getattr(result, "rowcount", 0) == 1)


class CodeAttempts:
    """Failed invite code attempts, kept only as long as rate limiting needs them."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, subject: str) -> Attempts | None:
        """The attempts record for this pseudonymous subject."""
        row = await self._session.get(CodeAttempt, subject)
        if row is None:
            return None
        return Attempts(row.failures, row.window_started_at, row.blocked_until)

    async def put(self, subject: str, attempts: Attempts) -> None:
        """Store the new state of the record."""
        await self._session.merge(
            CodeAttempt(
                subject=subject,
                failures=attempts.failures,
                window_started_at=attempts.window_started_at,
                blocked_until=attempts.blocked_until,
            )
        )

    async def forget(self, subject: str) -> None:
        """Delete the record for this subject."""
        await self._session.execute(delete(CodeAttempt).where(CodeAttempt.subject == subject))

    async def forget_stale(self, cutoff: datetime) -> None:
        """Delete the records `is_forgotten` would: window or last pause ended by the cutoff."""
        await self._session.execute(
            delete(CodeAttempt).where(
                (CodeAttempt.blocked_until.is_(None) & (CodeAttempt.window_started_at <= cutoff))
                | (CodeAttempt.blocked_until <= cutoff)
            )
        )


class AuditLog:
    """The append-only audit trail."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def record(
        self,
        action: str,
        *,
        at: datetime,
        by: Actor,
        hub_id: int | None = None,
        subject_type: str | None = None,
        subject_id: int | None = None,
    ) -> None:
        """Append one event."""
        self._session.add(
            AuditEvent(
                occurred_at=at,
                action=action,
                actor_type=by.kind.value,
                actor_id=by.id,
                hub_id=hub_id,
                subject_type=subject_type,
                subject_id=subject_id,
            )
        )

    async def actors(
        self, action: str, *, subject_type: str, subject_id: int, since: datetime
    ) -> list[Actor]:
        """Who did `action` to this subject since `since`, in order, each once."""
        rows = await self._session.execute(
            select(AuditEvent.actor_type, AuditEvent.actor_id)
            .where(
                AuditEvent.action == action,
                AuditEvent.subject_type == subject_type,
                AuditEvent.subject_id == subject_id,
                AuditEvent.occurred_at >= since,
            )
            .order_by(AuditEvent.occurred_at, AuditEvent.id)
        )
        found = [Actor(ActorKind(kind), actor_id) for kind, actor_id in rows]
        return list(dict.fromkeys(found))

    async def latest(
        self, action: str, *, subject_type: str, subject_id: int, limit: int
    ) -> list[AuditEntry]:
        """The latest `limit` times anyone did `action` to this subject, newest first."""
        rows = await self._session.execute(
            select(AuditEvent.occurred_at, AuditEvent.actor_type, AuditEvent.actor_id)
            .where(
                AuditEvent.action == action,
                AuditEvent.subject_type == subject_type,
                AuditEvent.subject_id == subject_id,
            )
            .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
            .limit(limit)
        )
        return [AuditEntry(at, Actor(ActorKind(kind), by)) for at, kind, by in rows]

    async def search(self, query: AuditQuery) -> list[AuditEvent]:
        """One hub's lines matching `query`, newest first (its offset and limit)."""
        found = select(AuditEvent).where(AuditEvent.hub_id == query.hub_id)
        if query.staff_id is not None:
            found = found.where(
                AuditEvent.actor_type == ActorKind.STAFF.value,
                AuditEvent.actor_id == query.staff_id,
            )
        if query.action_prefix:
            found = found.where(AuditEvent.action.startswith(query.action_prefix, autoescape=True))
        if query.young_person_id is not None:
            found = found.where(
                AuditEvent.subject_type == "young_person",
                AuditEvent.subject_id == query.young_person_id,
            )
        if query.since is not None:
            found = found.where(AuditEvent.occurred_at >= query.since)
        if query.until is not None:
            found = found.where(AuditEvent.occurred_at < query.until)
        found = found.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        return list(await self._session.scalars(found.offset(query.offset).limit(query.limit)))


# Who a Telegram account belongs to, in one statement built once (it runs for every update):
# staff who have not left, else a linked young person. Columns a young person has not are null.
_ACCOUNT = bindparam("telegram_user_id", type_=BigInteger)
_WRITER: CompoundSelect[tuple[str, int, int, int | None, str | None, str | None]] = union_all(
    select(
        literal("staff").label("kind"),
        Staff.id,
        Staff.hub_id,
        Hub.council_id,
        Staff.role,
        Staff.name,
    )
    .join(Hub, Hub.id == Staff.hub_id)
    .where(Staff.telegram_user_id == _ACCOUNT, Staff.active.is_(True)),
    select(
        literal("young_person"),
        YoungPerson.id,
        YoungPerson.hub_id,
        null(),
        null(),
        null(),
    ).where(YoungPerson.telegram_user_id == _ACCOUNT),
)


class Identities:
    """Who a Telegram account belongs to, read as plain values (no records are loaded: this
    runs for every update)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def writer(self, telegram_user_id: int) -> Writer:
        """Staff who have not left first, then a linked young person, else a stranger."""
        rows = (await self._session.execute(_WRITER, {"telegram_user_id": telegram_user_id})).all()
        staff = next((row for row in rows if row.kind == "staff"), None)
        if staff is not None:
            return KnownStaff(
                staff.id,
                telegram_user_id,
                staff.hub_id,
                staff.council_id,
                Role(staff.role),
                staff.name,
            )
        if not rows:
            return Stranger(telegram_user_id)
        return KnownYoungPerson(rows[0].id, telegram_user_id, rows[0].hub_id)


_RECENT = cast(Table, RecentWords.__table__)
# Built once, and on the table rather than the mapped class: they run for nearly every
# message a young person writes, and no RecentWords object is ever loaded to keep up to date.
_THEIRS = (
    select(_RECENT.c.id, _RECENT.c.words, _RECENT.c.at)
    .where(_RECENT.c.young_person_id == bindparam("young_person_id"))
    .order_by(_RECENT.c.at, _RECENT.c.id)
)
_KEEP_WORDS = insert(_RECENT).values(
    young_person_id=bindparam("person"), words=bindparam("said"), at=bindparam("said_at")
)
_IN_PLACE_OF = (
    update(_RECENT)
    .where(_RECENT.c.id == bindparam("oldest"))
    .values(words=bindparam("said"), at=bindparam("said_at"))
)
_DROP = delete(_RECENT).where(_RECENT.c.id.in_(bindparam("ids", expanding=True)))
_FORGET = delete(_RECENT).where(_RECENT.c.young_person_id == bindparam("young_person_id"))


class RecentWordsRepository:
    """A young person's last few messages, for five minutes; read with the next one."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        # Their rows as `earlier` read them (id and time, oldest first), so that `keep` needs
        # one statement.
        self._rows: dict[int, list[tuple[int, datetime]]] = {}

    async def earlier(self, young_person_id: int, *, since: datetime) -> list[str]:
        """Their messages kept since `since`, oldest first."""
        rows = (await self._session.execute(_THEIRS, {"young_person_id": young_person_id})).all()
        self._rows[young_person_id] = [(row.id, row.at) for row in rows]
        return [row.words for row in rows if row.at >= since]

    async def keep(self, young_person_id: int, words: str, *, at: datetime, most: int) -> None:
        """Keep this message with their newest, up to `most` in all: in place of their oldest
        once they have that many. Older than five minutes, the messages `earlier` leaves out
        are swept within a minute (`forget_stale`), or taken for the next message first."""
        rows = self._rows.pop(young_person_id, None)
        if rows is None:
            found = await self._session.execute(_THEIRS, {"young_person_id": young_person_id})
            rows = [(row.id, row.at) for row in found]
        if rows:
            # A message taken over keeps its id, so the order is the time's: never the same.
            at = max(at, rows[-1][1] + timedelta(microseconds=1))
        said = {"said": words, "said_at": at}
        if len(rows) < most:
            await self._session.execute(_KEEP_WORDS, {"person": young_person_id, **said})
            return
        *extra, (oldest, _) = rows[: len(rows) - most + 1]
        await self._session.execute(_IN_PLACE_OF, {"oldest": oldest, **said})
        if extra:
            await self._session.execute(_DROP, {"ids": [row_id for row_id, _ in extra]})

    async def forget(self, young_person_id: int) -> None:
        """Drop every message of theirs (heard as part of a worry, or none)."""
        self._rows.pop(young_person_id, None)
        await self._session.execute(_FORGET, {"young_person_id": young_person_id})

    async def forget_stale(self, cutoff: datetime) -> None:
        """Drop every message kept since before `cutoff` (nobody wrote again in time)."""
        await self._session.execute(delete(RecentWords).where(RecentWords.at < cutoff))


class Heartbeats:
    """When the parts that must keep running (the poller) last did their work."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def beat(self, name: str, now: datetime) -> None:
        """Record that `name` worked just now."""
        await self._session.merge(Heartbeat(name=name, at=now))

    async def last(self, name: str) -> datetime | None:
        """When `name` last worked, if ever."""
        row = await self._session.get(Heartbeat, name)
        return row.at if row is not None else None


class Outbox:
    """Outbox rows as records (claiming and sending live in bot.adapters.outbox)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, outbox_id: int, *, for_update: bool = False) -> OutboxMessage | None:
        """One outbox row."""
        return await self._session.get(OutboxMessage, outbox_id, with_for_update=for_update)

    async def failed_latest(self, *, limit: int, hub_id: int | None = None) -> list[OutboxMessage]:
        """The most recent failed rows (of one hub, if given), newest first."""
        query = select(OutboxMessage).where(OutboxMessage.state == DeliveryState.FAILED.value)
        if hub_id is not None:
            query = query.where(OutboxMessage.hub_id == hub_id)
        query = query.order_by(OutboxMessage.id.desc()).limit(limit)
        return list(await self._session.scalars(query))

    async def push_back(self, *, chat_id: int, until: datetime) -> None:
        """Hold every message to one chat, and the whole budget, until `until`."""
        await push_back(self._session, chat_id=chat_id, until=until)

    async def waiting_to(self, chat_id: int, message_keys: Collection[str]) -> list[OutboxMessage]:
        """Messages with these ids waiting to go to this chat, not being sent yet."""
        query = select(OutboxMessage).where(
            OutboxMessage.chat_id == chat_id,
            OutboxMessage.state == DeliveryState.PENDING.value,
            OutboxMessage.message_key.in_(list(message_keys)),
        )
        return list(await self._session.scalars(query.order_by(OutboxMessage.id)))

    async def delete(self, row: OutboxRecord) -> None:
        """Remove a row that has done its work (a stranger's answer, once sent)."""
        await self._session.delete(row)

    async def failed_with_words(self, *, before: datetime) -> list[OutboxMessage]:
        """Failed rows older than `before` that still hold their text."""
        query = select(OutboxMessage).where(
            OutboxMessage.state == DeliveryState.FAILED.value,
            OutboxMessage.created_at < before,
            OutboxMessage.text != "",
        )
        return list(await self._session.scalars(query))

    async def fail_later_parts(self, row: OutboxRecord) -> list[OutboxMessage]:
        """Fail the parts after this one of a message cut into parts (they would make no
        sense on their own); returns them, in order."""
        query = (
            select(OutboxMessage)
            .where(
                OutboxMessage.part_of == row.part_of,
                OutboxMessage.part > row.part,
                OutboxMessage.state.in_(
                    [DeliveryState.PENDING.value, DeliveryState.SENDING.value]
                ),
            )
            .order_by(OutboxMessage.part)
        )
        later = list(await self._session.scalars(query))
        for part in later:
            part.state, part.last_error = DeliveryState.FAILED, "an earlier part failed"
            part.lease_owner = part.lease_until = None
        return later

    async def failed_to(self, chat_id: int) -> list[OutboxMessage]:
        """Every failed message to this chat that still holds its words."""
        query = select(OutboxMessage).where(
            OutboxMessage.chat_id == chat_id,
            OutboxMessage.state == DeliveryState.FAILED.value,
            OutboxMessage.text != "",
        )
        return list(await self._session.scalars(query))

    async def drop_waiting_to(self, chat_id: int, *, reason: str) -> list[OutboxMessage]:
        """Stop every message still waiting to go to this chat; returns them."""
        query = select(OutboxMessage).where(
            OutboxMessage.chat_id == chat_id,
            OutboxMessage.state.in_([DeliveryState.PENDING.value, DeliveryState.SENDING.value]),
        )
        rows = list(await self._session.scalars(query))
        for row in rows:
            row.state, row.last_error = DeliveryState.FAILED, reason[:64]
            row.lease_owner = row.lease_until = None
        return rows


class StrangerBudgets:
    """Answers to strangers this hour, by pseudonymous key only."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, subject: str) -> Answered | None:
        """The record for this key, if any."""
        row = await self._session.get(StrangerAnswers, subject)
        return None if row is None else Answered(row.count, row.window_started_at)

    async def put(self, subject: str, answered: Answered) -> None:
        """Store the new count."""
        await self._session.merge(
            StrangerAnswers(
                subject=subject, count=answered.count, window_started_at=answered.window_started_at
            )
        )

    async def forget_stale(self, cutoff: datetime) -> None:
        """Drop records whose window began before the cutoff."""
        await self._session.execute(
            delete(StrangerAnswers).where(StrangerAnswers.window_started_at < cutoff)
        )


class CommandMenus:
    """Chats whose command menu is due to be set in Telegram."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._staged: dict[int, datetime] = {}

    def due(self, chat_id: int, *, now: datetime) -> None:
        """This chat's menu is to be set again, now (whatever was due before); written when
        the unit of work commits (`write`), so any rule can say so without awaiting."""
        self._staged[chat_id] = now

    async def write(self) -> None:
        """Before commit: store the chats marked due in this unit of work."""
        staged, self._staged = self._staged, {}
        dialect = self._session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        for chat_id, now in staged.items():
            upsert = insert(CommandMenu).values(chat_id=chat_id, due_at=now)
            await self._session.execute(
                upsert.on_conflict_do_update(index_elements=["chat_id"], set_={"due_at": now})
            )

    async def claim(self, *, now: datetime, until: datetime, limit: int) -> list[Leased]:
        """Lease up to `limit` chats whose menu is due, skipping any another instance holds."""
        query = (
            select(CommandMenu)
            .where(CommandMenu.due_at <= now)
            .order_by(CommandMenu.due_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        rows = list(await self._session.scalars(query))
        for row in rows:
            row.due_at = until
        return [Leased(row.chat_id, until) for row in rows]

    async def done(self, leased: Leased) -> None:
        """The menu is set: forget the chat, unless it became due again meanwhile."""
        await self._session.execute(
            delete(CommandMenu).where(
                CommandMenu.chat_id == leased.chat_id, CommandMenu.due_at == leased.until
            )
        )
