"""The unit of work: one transaction per service call, rolled back unless committed."""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import AsyncIterator, Callable
from types import TracebackType
from typing import Self
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.adapters.db.booking_drafts import BookingDrafts
from bot.adapters.db.concern_records import Concerns
from bot.adapters.db.console import ConsoleLogins
from bot.adapters.db.engine import READING, write_lock
from bot.adapters.db.goal_drafts import GoalDrafts
from bot.adapters.db.goals import Goals
from bot.adapters.db.inbox import AlreadyHandled, Inbox, handling
from bot.adapters.db.repositories import (
    AuditLog,
    CodeAttempts,
    CommandMenus,
    Heartbeats,
    Identities,
    Invites,
    Organisations,
    Outbox,
    RecentWordsRepository,
    StaffRepository,
    StrangerBudgets,
    YoungPeople,
)
from bot.adapters.db.safety_words import SafetyWords
from bot.adapters.db.service_figures import ServiceFigures
from bot.adapters.db.sessions import Sessions
from bot.adapters.db.wording_versions import WordingVersions
from bot.adapters.outbox.postbox import Postbox
from bot.content.catalogue import Catalogue
from bot.content.council_detectors import CouncilDetectors
from bot.content.wordings import Wordings

# As long as SQLite's busy timeout (bot.adapters.db.engine), which it replaces in-process.
WRITE_WAIT = 5.0


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
    inbox: Inbox
    heartbeats: Heartbeats
    identities: Identities
    recent_words: RecentWordsRepository
    menus: CommandMenus
    outbox: Outbox
    stranger_budgets: StrangerBudgets
    sessions: Sessions
    goals: Goals
    drafts: BookingDrafts
    goal_drafts: GoalDrafts
    console: ConsoleLogins
    figures: ServiceFigures
    wording_versions: WordingVersions
    safety_words: SafetyWords

    def __init__(self, sessions: async_sessionmaker[AsyncSession], post: PostOffice) -> None:
        self._sessions = sessions
        self._post = post
        self._session: AsyncSession | None = None
        self._reading = False
        self._holding: asyncio.Lock | None = None

    @property
    def detectors(self) -> CouncilDetectors:
        """What hears worries for each council, as this instance knows it now."""
        return self._post.detectors

    def reading(self) -> Self:
        """`async with uow.reading():` for work that only reads: on SQLite it takes no write
        lock, so it neither waits behind writers nor holds them up. It cannot commit."""
        self._reading = True
        return self

    async def __aenter__(self) -> Self:
        if self._session is not None:
            raise RuntimeError("a unit of work cannot be nested in itself")
        if not self._reading:
            await self._queue_to_write()
        if self._reading:
            session = self._sessions(bind=_reading_engine(self._sessions))
        else:
            session = self._sessions()
        self._session = session
        self.organisations = Organisations(session)
        self.staff = StaffRepository(session)
        self.young_people = YoungPeople(session)
        self.invites = Invites(session)
        self.code_attempts = CodeAttempts(session)
        self.audit = AuditLog(session)
        self.concerns = Concerns(session)
        self.postbox = Postbox(session, self._post.wordings, self._post.zone)
        self.inbox = Inbox(session)
        self.heartbeats = Heartbeats(session)
        self.identities = Identities(session)
        self.recent_words = RecentWordsRepository(session)
        self.menus = CommandMenus(session)
        self.outbox = Outbox(session)
        self.stranger_budgets = StrangerBudgets(session)
        self.sessions = Sessions(session)
        self.goals = Goals(session)
        self.drafts = BookingDrafts(session)
        self.goal_drafts = GoalDrafts(session)
        self.console = ConsoleLogins(session)
        self.figures = ServiceFigures(session)
        self.wording_versions = WordingVersions(session)
        self.safety_words = SafetyWords(session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session, self._session = self._session, None
        self._reading = False
        try:
            if session is not None:
                try:
                    await session.rollback()
                finally:
                    await session.close()
        finally:
            held, self._holding = self._holding, None
            if held is not None:
                held.release()

    async def _queue_to_write(self) -> None:
        """On SQLite, wait in this process's queue of writers (bot.adapters.db.engine)."""
        bind = self._sessions.kw.get("bind")
        lock = write_lock(bind) if isinstance(bind, AsyncEngine) else None
        if lock is None:
            return
        try:
            await asyncio.wait_for(lock.acquire(), WRITE_WAIT)
        except TimeoutError:
            # As SQLite's own busy timeout would: a writer stuck this long is a fault.
            raise RuntimeError("waited too long for the SQLite write lock") from None
        self._holding = lock

    @property
    def session(self) -> AsyncSession:
        """The open session (for flushes that need generated ids)."""
        if self._session is None:
            raise RuntimeError("the unit of work is not open")
        return self._session

    @contextlib.asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        """A nested transaction: what fails inside it is undone, the rest stays."""
        async with self.session.begin_nested():
            yield

    async def rollback(self) -> None:
        """Undo every change staged so far (the unit of work stays open)."""
        await self.session.rollback()

    async def flush(self) -> None:
        """Send staged changes so generated ids are known, without committing."""
        await self.session.flush()

    async def commit(self) -> None:
        """Make the changes of this unit of work permanent, then nudge the sender.

        While an update from Telegram is being handled, its first commit also marks it handled
        in the inbox: if another attempt got there first, nothing here is kept.
        """
        if self._reading:
            raise RuntimeError("a unit of work opened with reading() cannot commit")
        await self.postbox.take_turns()
        await self.menus.write()
        current = handling.get()
        if current is not None and not current.marked:
            if not await self.inbox.mark_handled(current.update_id, now=current.started_at):
                await self.session.rollback()
                raise AlreadyHandled(current.update_id)
            await self.session.commit()
            current.marked = True
        else:
            await self.session.commit()
        if self.postbox.queued:
            self.postbox.queued = 0
            self._post.wake()


def _reading_engine(sessions: async_sessionmaker[AsyncSession]) -> AsyncEngine:
    """The engine of a unit of work that only reads: its connections run with no transaction
    at all (on SQLite, bot.adapters.db.engine leaves out its BEGIN). Each statement sees what
    is committed when it starts, as it would in a READ COMMITTED transaction, without the two
    round trips of BEGIN and ROLLBACK. Made once per session maker: setting the options on
    each unit of work's connection cost as much as the statement it ran."""
    reading = _READING_ENGINES.get(sessions)
    if reading is None:
        bind = sessions.kw["bind"]
        options: dict[str, object] = {READING: True}
        if bind.dialect.name == "postgresql":
            options["isolation_level"] = "AUTOCOMMIT"
        reading = _READING_ENGINES[sessions] = bind.execution_options(**options)
    return reading


# Keyed by the session maker, which the reading engine does not refer to: an entry goes with
# its session maker, and the engine with both (keyed by the engine, which the reading engine
# refers to, neither would ever go).
_READING_ENGINES: weakref.WeakKeyDictionary[async_sessionmaker[AsyncSession], AsyncEngine] = (
    weakref.WeakKeyDictionary()
)


def _nobody() -> None:
    """No sender in this process to wake (the command line); others poll the database."""


class PostOffice:
    """What a unit of work needs to queue messages: wording (the shipped catalogue and each
    council's, kept up to date by the studio's refresh), time zone and the sender's bell."""

    def __init__(
        self,
        catalogue: Catalogue | Wordings | None = None,
        zone: ZoneInfo | None = None,
        wake: Callable[[], None] = _nobody,
        detectors: CouncilDetectors | None = None,
    ) -> None:
        # What hears worries, per council (the studio's safety words); kept here beside the
        # wording so the process that approves an addition hears with it at once.
        self.detectors = detectors or CouncilDetectors()
        if isinstance(catalogue, Catalogue):
            catalogue = Wordings(catalogue)
        self.wordings = catalogue
        self.zone = zone or ZoneInfo("Europe/London")
        self.wake = wake

    @property
    def catalogue(self) -> Catalogue | None:
        """The shipped wording, if this post office has any."""
        return self.wordings.shipped if self.wordings is not None else None


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
