"""A unit of work in memory, for testing the services with no database and no network.

A `Store` is the database: committed tables that survive from one unit of work to the next.
Each `FakeUnitOfWork(store)` is one service call's transaction, as the real factory makes
them: entering it copies the committed tables; `commit()` makes the copy the committed state;
leaving without committing throws it away. Within one unit of work every query hands out the
same record objects, so a service's changes to them stick until the end.

The postbox renders nothing: it keeps each message as a `Queued` record (recipient, message
id, values, lane, buttons, concern, about, ref), which is what tests assert on.
"""

from __future__ import annotations

import contextlib
import copy
import functools
from collections.abc import AsyncIterator, Mapping
from datetime import datetime
from types import TracebackType
from typing import Self
from zoneinfo import ZoneInfo

from bot.content.catalogue import Catalogue
from bot.content.council_detectors import CouncilDetectors
from bot.content.wordings import Wordings
from bot.domain.outbox import AlertButtons, Lane, Recipient, StaffChoices
from bot.services.ladder_steps import CONCERN_CHECK
from bot.services.ports import UnitOfWork, UnitOfWorkFactory
from bot.services.records import StaffRecord, YoungPersonRecord
from tests.unit.fake_concerns import FakeConcerns
from tests.unit.fake_console import FakeConsoleLogins
from tests.unit.fake_edges import (
    FakeAuditLog,
    FakeCodeAttempts,
    FakeCommandMenus,
    FakeHeartbeats,
    FakeIdentities,
    FakeInbox,
    FakeOutbox,
    FakeRecentWords,
    FakeStrangerBudgets,
)
from tests.unit.fake_figures import FakeServiceFigures, FigureFacts
from tests.unit.fake_goals import FakeGoals
from tests.unit.fake_records import Queued, Tables
from tests.unit.fake_repositories import (
    FakeInvites,
    FakeOrganisations,
    FakeStaffMembers,
    FakeYoungPeople,
    unique,
)
from tests.unit.fake_safety_words import FakeSafetyWords
from tests.unit.fake_sessions import FakeBookingDrafts, FakeGoalDrafts, FakeSessions
from tests.unit.fake_wordings import FakeWordingVersions

LONDON = ZoneInfo("Europe/London")


@functools.cache
def content() -> Catalogue:
    """The real wording from content/ (local files), read once: services read labels from it."""
    return Catalogue.load(allow_drafts=True)


class Store:
    """What survives between units of work: the committed tables and the id sequence (which,
    like a database sequence, is never rolled back)."""

    def __init__(self, *, catalogue: Catalogue | None = None, zone: ZoneInfo = LONDON) -> None:
        self.tables = Tables()
        self.catalogue = catalogue or content()
        # Each council's wording, as one instance knows it (the studio replaces a council's).
        self.wordings = Wordings(self.catalogue)
        # What hears worries per council (the project's lexicon, read when first needed).
        self.detectors = CouncilDetectors()
        self.zone = zone
        self.commits = 0
        self._last_id = 0
        # Seeded by tests of the service figures (read only: no transaction changes them).
        self.figure_facts = FigureFacts()

    def next_id(self) -> int:
        """A fresh id, unique across every table (so one kind of id cannot pass for another)."""
        self._last_id += 1
        return self._last_id

    def queued(self, chat_id: int | None = None) -> list[Queued]:
        """Committed messages, oldest first; only those to one chat if given."""
        return [m for m in self.tables.outbox if chat_id is None or m.chat_id == chat_id]

    def message_ids(self, chat_id: int) -> list[str]:
        """The message ids committed for one chat, oldest first."""
        return [m.message_key for m in self.queued(chat_id)]

    def audit_actions(self) -> list[str]:
        """The committed audit trail's actions, oldest first."""
        return [event.action for event in self.tables.audit]


class FakePostbox:
    """Keeps queued messages as records, with the real postbox's choices about who gets what."""

    def __init__(self, tables: Tables, store: Store) -> None:
        self._t, self._store = tables, store

    @property
    def zone(self) -> ZoneInfo:
        """The hubs' time zone."""
        return self._store.zone

    @property
    def catalogue(self) -> Catalogue:
        """The real wording (for labels services read themselves)."""
        return self._store.catalogue

    @property
    def wordings(self) -> Wordings:
        """The shipped wording and each council's (nothing is rendered with them here)."""
        return self._store.wordings

    def catalogue_for(self, person: YoungPersonRecord) -> Catalogue:
        """The wording of the young person's council."""
        return self.wordings.for_council(person.key_worker.hub.council_id)

    def _queue(self, message: Queued, idempotency_key: str | None) -> list[Queued]:
        # An unknown message id fails here, as rendering it would in the real postbox.
        self.catalogue.message(message.message_key)
        if idempotency_key is not None:
            unique((m.idempotency_key for m in self._t.outbox), idempotency_key, "key")
        message.idempotency_key = idempotency_key
        message.text = message.message_key  # not the wording: nothing is rendered
        return [self._t.add(self._t.outbox, message)]

    def to_young_person(
        self,
        person: YoungPersonRecord,
        message_id: str,
        values: Mapping[str, str],
        *,
        now: datetime,
        lane: Lane = Lane.REPLY,
        idempotency_key: str | None = None,
        concern_id: int | None = None,
        send_by: datetime | None = None,
        not_before: datetime | None = None,
        reminder_id: int | None = None,
        silent: bool = False,
        ref: int | None = None,
    ) -> list[Queued]:
        """Queue a message to a young person (one record, however long it would be); `ref`
        is kept on the record, as the real postbox puts it on the buttons."""
        asking = person.awaiting_choice == CONCERN_CHECK
        if self.catalogue.message(message_id).buttons and not asking:
            # As the real postbox does: a written answer is matched to the last choice asked,
            # and to what it was about; "Are you safe now?" is never replaced.
            person.awaiting_choice, person.choice_ref = message_id, ref
        message = Queued(
            self._store.next_id(), person.telegram_user_id, Recipient.YOUNG_PERSON,
            person.id, person.hub_id, message_id, dict(values), int(lane), now,
            not_before or now, about_id=person.id, concern_id=concern_id, send_by=send_by,
            reminder_id=reminder_id, silent=silent, ref=ref,
        )  # fmt: skip
        return self._queue(message, idempotency_key)

    def to_staff(
        self,
        staff: StaffRecord,
        message_id: str,
        values: Mapping[str, str],
        *,
        now: datetime,
        lane: Lane = Lane.REPLY,
        idempotency_key: str | None = None,
        alert_for_id: int | None = None,
        buttons: AlertButtons | None = None,
        about: YoungPersonRecord | None = None,
        concern_id: int | None = None,
        invite_id: int | None = None,
        send_by: datetime | None = None,
        choices: StaffChoices | None = None,
    ) -> list[Queued]:
        """Queue a message to a member of staff; nothing for staff who have left."""
        if not staff.active:
            return []
        message = Queued(
            self._store.next_id(), staff.telegram_user_id, Recipient.STAFF, staff.id,
            about.hub_id if about is not None else staff.hub_id, message_id, dict(values),
            int(lane), now, now, buttons=buttons, about_id=about.id if about else None,
            concern_id=concern_id, invite_id=invite_id, alert_for_id=alert_for_id,
            send_by=send_by, choices=choices,
        )  # fmt: skip
        return self._queue(message, idempotency_key)

    def to_stranger(
        self,
        chat_id: int,
        message_id: str,
        values: Mapping[str, str],
        *,
        now: datetime,
        lane: Lane = Lane.REPLY,
    ) -> None:
        """Answer someone Waypoint does not know."""
        message = Queued(
            self._store.next_id(), chat_id, Recipient.STRANGER, 0, None, message_id,
            dict(values), int(lane), now, now,
        )  # fmt: skip
        self._queue(message, None)


class _Open:
    """The repositories of one open unit of work, all over its own copy of the tables."""

    def __init__(self, store: Store) -> None:
        self.tables = tables = copy.deepcopy(store.tables)
        ids = store.next_id
        self.organisations = FakeOrganisations(tables, ids)
        self.staff = FakeStaffMembers(tables, ids)
        self.young_people = FakeYoungPeople(tables, ids)
        self.invites = FakeInvites(tables, ids)
        self.code_attempts = FakeCodeAttempts(tables)
        self.audit = FakeAuditLog(tables, ids)
        self.concerns = FakeConcerns(tables, ids)
        self.postbox = FakePostbox(tables, store)
        self.inbox = FakeInbox(tables)
        self.heartbeats = FakeHeartbeats(tables)
        self.recent_words = FakeRecentWords(tables)
        self.menus = FakeCommandMenus(tables)
        self.identities = FakeIdentities(tables)
        self.outbox = FakeOutbox(tables)
        self.stranger_budgets = FakeStrangerBudgets(tables)
        self.sessions = FakeSessions(tables, ids)
        self.drafts = FakeBookingDrafts(tables)
        self.goal_drafts = FakeGoalDrafts(tables)
        self.goals = FakeGoals(tables, ids)
        self.console = FakeConsoleLogins(tables, ids)
        self.figures = FakeServiceFigures(store.figure_facts)
        self.wording_versions = FakeWordingVersions(tables, ids)
        self.safety_words = FakeSafetyWords(tables, ids)


class FakeUnitOfWork:
    """`async with uow:` copies the store; leaving without `await uow.commit()` rolls back."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._open: _Open | None = None
        self._reading = False

    @property
    def _work(self) -> _Open:
        if self._open is None:
            raise RuntimeError("the unit of work is not open")
        return self._open

    @property
    def organisations(self) -> FakeOrganisations:
        """Councils and hubs."""
        return self._work.organisations

    @property
    def staff(self) -> FakeStaffMembers:
        """Hub staff."""
        return self._work.staff

    @property
    def young_people(self) -> FakeYoungPeople:
        """Linked young people."""
        return self._work.young_people

    @property
    def invites(self) -> FakeInvites:
        """Invite codes."""
        return self._work.invites

    @property
    def code_attempts(self) -> FakeCodeAttempts:
        """Failed invite code attempts."""
        return self._work.code_attempts

    @property
    def audit(self) -> FakeAuditLog:
        """The audit trail."""
        return self._work.audit

    @property
    def concerns(self) -> FakeConcerns:
        """Concerns and their chronologies."""
        return self._work.concerns

    @property
    def postbox(self) -> FakePostbox:
        """Messages to queue."""
        return self._work.postbox

    @property
    def inbox(self) -> FakeInbox:
        """Updates from Telegram."""
        return self._work.inbox

    @property
    def identities(self) -> FakeIdentities:
        """Who a Telegram account belongs to."""
        return self._work.identities

    @property
    def menus(self) -> FakeCommandMenus:
        """Chats whose command menu is due."""
        return self._work.menus

    @property
    def recent_words(self) -> FakeRecentWords:
        """Young people's last messages."""
        return self._work.recent_words

    @property
    def heartbeats(self) -> FakeHeartbeats:
        """Heartbeats."""
        return self._work.heartbeats

    @property
    def outbox(self) -> FakeOutbox:
        """Outbox rows."""
        return self._work.outbox

    @property
    def stranger_budgets(self) -> FakeStrangerBudgets:
        """Answers to strangers."""
        return self._work.stranger_budgets

    @property
    def sessions(self) -> FakeSessions:
        """Booked sessions and their reminders."""
        return self._work.sessions

    @property
    def goals(self) -> FakeGoals:
        """Goals young people own."""
        return self._work.goals

    @property
    def drafts(self) -> FakeBookingDrafts:
        """Sessions staff are booking with buttons."""
        return self._work.drafts

    @property
    def goal_drafts(self) -> FakeGoalDrafts:
        """Goals staff are making with a young person."""
        return self._work.goal_drafts

    @property
    def console(self) -> FakeConsoleLogins:
        """Sign-in links and sessions of the staff console."""
        return self._work.console

    @property
    def figures(self) -> FakeServiceFigures:
        """The facts behind a hub's service figures."""
        return self._work.figures

    @property
    def wording_versions(self) -> FakeWordingVersions:
        """Councils' versions of messages' wording."""
        return self._work.wording_versions

    @property
    def safety_words(self) -> FakeSafetyWords:
        """Councils' lexicon additions and labelled examples."""
        return self._work.safety_words

    @property
    def detectors(self) -> CouncilDetectors:
        """What hears worries for each council, as this store's instance knows it."""
        return self.store.detectors

    def reading(self) -> Self:
        """Open for reading only: committing is refused."""
        self._reading = True
        return self

    @contextlib.asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        """What fails inside is undone (records keep their identity); the rest stays."""
        tables = self._work.tables
        before = copy.deepcopy(tables)
        try:
            yield
        except BaseException:
            tables.restore(before)
            raise

    async def __aenter__(self) -> Self:
        if self._open is not None:
            raise RuntimeError("a unit of work cannot be nested in itself")
        self._open = _Open(self.store)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._open, self._reading = None, False

    async def flush(self) -> None:
        """Nothing to send: ids are given when records are made."""
        _ = self._work  # still refuses a unit of work that is not open

    async def commit(self) -> None:
        """Make this unit of work's tables the committed ones (the unit stays open)."""
        if self._reading:
            raise RuntimeError("a unit of work opened with reading() cannot commit")
        self.store.tables = copy.deepcopy(self._work.tables)
        self.store.commits += 1

    async def rollback(self) -> None:
        """Undo everything since the last commit (the unit of work stays open)."""
        self._work.tables.restore(self.store.tables)


def fake_factory(store: Store) -> UnitOfWorkFactory:
    """A fresh fake unit of work per service call, typed as the services see it (so mypy
    checks the fake against the `UnitOfWork` protocol)."""

    def make() -> UnitOfWork:
        return FakeUnitOfWork(store)

    return make
