"""The unit of work: one transaction per service call, rolled back unless committed."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.adapters.db.repositories import (
    AuditLog,
    CodeAttempts,
    Invites,
    Organisations,
    StaffRepository,
    YoungPeople,
)


class SqlUnitOfWork:
    """`async with uow:` opens a session; leaving without `await uow.commit()` rolls back."""

    organisations: Organisations
    staff: StaffRepository
    young_people: YoungPeople
    invites: Invites
    code_attempts: CodeAttempts
    audit: AuditLog

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._session: AsyncSession | None = None

    async def __aenter__(self) -> Self:
        if self._session is not None:
            raise RuntimeError("a unit of work cannot be nested in itself")
        session = self._sessions()
        self._session = session
        self.organisations = Organisations(session)
        self.staff = StaffRepository(session)
        self.young_people = YoungPeople(session)
        self.invites = Invites(session)
        self.code_attempts = CodeAttempts(session)
        self.audit = AuditLog(session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session, self._session = self._session, None
        if session is not None:
            await session.rollback()
            await session.close()

    @property
    def session(self) -> AsyncSession:
        """The open session (for flushes that need generated ids)."""
        if self._session is None:
            raise RuntimeError("the unit of work is not open")
        return self._session

    async def flush(self) -> None:
        """Send staged changes so generated ids are known, without committing."""
        await self.session.flush()

    async def commit(self) -> None:
        """Make the changes of this unit of work permanent."""
        await self.session.commit()


class UnitOfWorkFactory:
    """Makes a fresh unit of work for each service call."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    def __call__(self) -> SqlUnitOfWork:
        """A new, unopened unit of work."""
        return SqlUnitOfWork(self._sessions)
