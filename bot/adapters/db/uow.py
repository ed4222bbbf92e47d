"""The unit of work: one transaction per service call, rolled back unless committed."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Self
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.adapters.db.concern_records import Concerns
from bot.adapters.db.repositories import (
    AuditLog,
    CodeAttempts,
    Invites,
    Organisations,
    StaffRepository,
    YoungPeople,
)
from bot.adapters.outbox.postbox import Postbox
from bot.content.catalogue import Catalogue


class SqlUnitOfWork:
    """`async with uow:` opens a session; leaving without `await uow.commit()` rolls back."""

    organisations: Organisations
    staff: StaffRepository
    young_people: YoungPeople
    invites: Invites
    code_attempts: CodeAttempts
    audit: AuditLog
    concerns: Concerns
    postbox: Postbox

    def __init__(self, sessions: async_sessionmaker[AsyncSession], post: PostOffice) -> None:
        self._sessions = sessions
        self._post = post
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
        self.concerns = Concerns(session)
        self.postbox = Postbox(session, self._post.catalogue, self._post.zone)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session, self._session = self._session, None
        if session is not None:
            try:
                await session.rollback()
            finally:
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
        """Make the changes of this unit of work permanent, then nudge the sender."""
        await self.session.commit()
        if self.postbox.queued:
            self.postbox.queued = 0
            self._post.wake()


def _nobody() -> None:
    """No sender in this process to wake (the command line); others poll the database."""


class PostOffice:
    """What a unit of work needs to queue messages: wording, time zone and the sender's bell."""

    def __init__(
        self,
        catalogue: Catalogue | None = None,
        zone: ZoneInfo | None = None,
        wake: Callable[[], None] = _nobody,
    ) -> None:
        self.catalogue = catalogue
        self.zone = zone or ZoneInfo("Europe/London")
        self.wake = wake


class UnitOfWorkFactory:
    """Makes a fresh unit of work for each service call."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], post: PostOffice | None = None
    ) -> None:
        self.sessions = sessions
        self.post = post or PostOffice()

    def __call__(self) -> SqlUnitOfWork:
        """A new, unopened unit of work."""
        return SqlUnitOfWork(self.sessions, self.post)
