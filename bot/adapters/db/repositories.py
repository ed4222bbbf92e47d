"""Queries the services need, one small class per kind of record. They never commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.adapters.db.models import (
    AuditEvent,
    CodeAttempt,
    Council,
    Hub,
    Invite,
    Staff,
    YoungPerson,
)
from bot.domain.guessing import Attempts


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

    async def hubs_named(self, slug: str) -> list[Hub]:
        """Every hub with this slug, whichever council it belongs to."""
        return list(await self._session.scalars(select(Hub).where(Hub.slug == slug)))

    def add(self, record: Council | Hub) -> None:
        """Stage a new council or hub."""
        self._session.add(record)


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

    def add(self, staff: Staff) -> None:
        """Stage a new staff member."""
        self._session.add(staff)

    async def get(self, staff_id: int) -> Staff | None:
        """The staff member with this id."""
        return await self._session.get(Staff, staff_id)

    async def in_hub_any_role(self, hub_id: int) -> list[Staff]:
        """Every active member of staff at one hub, oldest first."""
        query = (
            select(Staff).where(Staff.hub_id == hub_id, Staff.active.is_(True)).order_by(Staff.id)
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

    def add(self, young_person: YoungPerson) -> None:
        """Stage a newly linked young person."""
        self._session.add(young_person)

    async def get(self, young_person_id: int) -> YoungPerson | None:
        """The young person with this id."""
        return await self._session.get(YoungPerson, young_person_id)

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

    def add(self, invite: Invite) -> None:
        """Stage a new invite."""
        self._session.add(invite)

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
        actor_type: str,
        actor_id: int | None = None,
        hub_id: int | None = None,
        subject_type: str | None = None,
        subject_id: int | None = None,
    ) -> None:
        """Append one event."""
        self._session.add(
            AuditEvent(
                occurred_at=at,
                action=action,
                actor_type=actor_type,
                actor_id=actor_id,
                hub_id=hub_id,
                subject_type=subject_type,
                subject_id=subject_id,
            )
        )
