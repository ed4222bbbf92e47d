"""The unit of work and repositories the services use, as protocols.

`bot.adapters.db` implements them on SQLAlchemy; `tests/unit/fake_uow.py` implements them in
memory, so the services' rules are tested without a database. Repositories stage changes and
never commit: only a service commits, once, through the unit of work.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import date, datetime
from types import TracebackType
from typing import Protocol, Self
from zoneinfo import ZoneInfo

from bot.content.catalogue import Catalogue
from bot.content.council_detectors import CouncilDetectors
from bot.content.wordings import Wordings
from bot.domain.actors import Actor, Writer
from bot.domain.goals import Area, Cadence, GoalState, Rating
from bot.domain.guessing import Attempts
from bot.domain.ladder import ConcernState
from bot.domain.outbox import AlertButtons, Lane, StaffChoices
from bot.domain.people import Role
from bot.domain.reminders import ReminderState
from bot.domain.safety.additions import SafetyWordKind
from bot.domain.safety.worry import Urgency
from bot.domain.service_figures import (
    GoalRatingFact,
    ReminderOutcome,
    SessionOutcome,
    ToldConcern,
    Week,
)
from bot.domain.sessions import SessionState, SessionWith
from bot.domain.strangers import Answered
from bot.domain.wording import WordingStatus
from bot.services.records import (
    AuditEventRecord,
    BookingDraftRecord,
    ConcernEventRecord,
    ConcernRecord,
    ConcernWordsRecord,
    ConsoleLinkRecord,
    ConsoleSessionRecord,
    CouncilRecord,
    GoalDigestRecord,
    GoalDraftRecord,
    GoalEventRecord,
    GoalRatingRecord,
    GoalRecord,
    GoalStepRecord,
    GoalVersionRecord,
    HubRecord,
    InboxRecord,
    InviteRecord,
    OutboxRecord,
    ReminderRecord,
    SafetyWordRecord,
    SessionEventRecord,
    SessionRecord,
    StaffRecord,
    WordingVersionRecord,
    YoungPersonRecord,
)


class Organisations(Protocol):
    """Councils and their hubs."""

    async def councils(self) -> Sequence[CouncilRecord]:
        """Every council."""

    async def council(self, slug: str) -> CouncilRecord | None:
        """The council with this slug, if any."""

    async def hub(self, council_id: int, slug: str) -> HubRecord | None:
        """The hub with this slug in this council, if any."""

    async def hub_by_id(self, hub_id: int) -> HubRecord:
        """The hub with this id, with its council (it must exist)."""

    async def hubs_named(self, slug: str) -> Sequence[HubRecord]:
        """Every hub with this slug, whichever council it belongs to."""

    async def new_council(self, *, slug: str, name: str, now: datetime) -> CouncilRecord:
        """Add a council (its id is known on return)."""

    async def new_hub(
        self, council: CouncilRecord, *, slug: str, name: str, now: datetime
    ) -> HubRecord:
        """Add a hub to a council (its id is known on return)."""


class StaffMembers(Protocol):
    """Hub staff."""

    async def by_telegram_id(self, telegram_user_id: int) -> StaffRecord | None:
        """The staff member using this Telegram account, if any."""

    async def active_by_telegram_id(self, telegram_user_id: int) -> StaffRecord | None:
        """The staff member using this Telegram account, unless they have left."""

    async def get(self, staff_id: int) -> StaffRecord | None:
        """The staff member with this id."""

    async def in_hub_any_role(self, hub_id: int) -> Sequence[StaffRecord]:
        """Every active member of staff at one hub, oldest first."""

    async def operators(self, hub_id: int, council_id: int) -> Sequence[StaffRecord]:
        """The hub's operators; with none there, every operator of its council."""

    async def in_hub(self, hub_id: int, role: str) -> Sequence[StaffRecord]:
        """Active staff of one hub in one role, oldest first."""

    def move_to(self, staff: StaffRecord, hub: HubRecord) -> None:
        """Move a member of staff to another hub."""

    async def covered_by(self, staff_id: int) -> Sequence[StaffRecord]:
        """Staff whose cover this member of staff is."""

    async def new(
        self, *, hub_id: int, telegram_user_id: int, name: str, role: Role, now: datetime
    ) -> StaffRecord:
        """Add an active member of staff (their id is known on return)."""


class YoungPeople(Protocol):
    """Young people who have linked their accounts."""

    async def by_telegram_id(self, telegram_user_id: int) -> YoungPersonRecord | None:
        """The young person using this Telegram account, if any."""

    async def get(self, young_person_id: int) -> YoungPersonRecord | None:
        """The young person with this id."""

    async def in_hub_named(self, hub_id: int, first_name: str) -> Sequence[YoungPersonRecord]:
        """Young people at this hub with this first name, whatever its capitals."""

    async def in_hub(self, hub_id: int, *, limit: int) -> Sequence[YoungPersonRecord]:
        """Young people at a hub, first linked first, at most `limit`."""

    async def first_in_hub(self, hub_id: int) -> YoungPersonRecord | None:
        """The young person at this hub who linked first (for examples staff are shown)."""

    def give_worker(self, person: YoungPersonRecord, worker: StaffRecord) -> None:
        """Make `worker` the young person's named worker; their hub follows the worker's."""

    async def linked_to(self, worker_id: int) -> Sequence[YoungPersonRecord]:
        """Young people whose named worker this is, first linked first."""

    async def coached_by(self, staff_id: int) -> Sequence[YoungPersonRecord]:
        """Young people whose life coach this is."""

    async def new(
        self,
        *,
        hub_id: int,
        telegram_user_id: int,
        first_name: str,
        key_worker_id: int,
        now: datetime,
    ) -> YoungPersonRecord:
        """Link a young person (their id is known on return)."""


class Invites(Protocol):
    """Invite codes, looked up only by their hash."""

    async def by_code_hash(
        self, code_hash: str, *, for_update: bool = False
    ) -> InviteRecord | None:
        """The invite with this hash; locked when it is about to be used."""

    async def get(self, invite_id: int) -> InviteRecord | None:
        """The invite with this id."""

    async def open_at_hub(self, hub_id: int, now: datetime) -> Sequence[InviteRecord]:
        """Invites made at this hub that could still be used, oldest first."""

    async def open_by_worker(self, worker_id: int, now: datetime) -> Sequence[InviteRecord]:
        """One worker's invites that could still be used."""

    async def open_anywhere(self, now: datetime) -> Sequence[InviteRecord]:
        """Every invite that could still be used (its worker has not left), oldest first."""

    async def mark_used(self, invite_id: int, young_person_id: int, now: datetime) -> bool:
        """Use the invite up; False when someone else used it first."""

    async def new(
        self,
        *,
        code_hash: str,
        worker_id: int,
        first_name: str,
        now: datetime,
        expires_at: datetime,
    ) -> InviteRecord:
        """Add an invite (its id is known on return)."""


class CodeAttempts(Protocol):
    """Failed invite code attempts, kept only as long as rate limiting needs them."""

    async def get(self, subject: str) -> Attempts | None:
        """The attempts record for this pseudonymous subject."""

    async def put(self, subject: str, attempts: Attempts) -> None:
        """Store the new state of the record."""

    async def forget(self, subject: str) -> None:
        """Delete the record for this subject."""

    async def forget_stale(self, cutoff: datetime) -> None:
        """Delete the records whose window or last pause ended by the cutoff."""


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit trail as read back: when, and who (never any words)."""

    at: datetime
    by: Actor


@dataclass(frozen=True)
class AuditQuery:
    """Which audit lines to read: one hub's, narrowed by whoever is given."""

    hub_id: int
    limit: int
    offset: int = 0
    # A member of staff who did it.
    staff_id: int | None = None
    # Actions starting with this ("staff.", "young_person.", "invite.").
    action_prefix: str | None = None
    # About this young person.
    young_person_id: int | None = None
    # From (inclusive) and until (exclusive).
    since: datetime | None = None
    until: datetime | None = None


class AuditLog(Protocol):
    """The append-only audit trail."""

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

    async def actors(
        self, action: str, *, subject_type: str, subject_id: int, since: datetime
    ) -> list[Actor]:
        """Who did `action` to this subject since `since`, in order, each once."""

    async def latest(
        self, action: str, *, subject_type: str, subject_id: int, limit: int
    ) -> list[AuditEntry]:
        """The latest `limit` times anyone did `action` to this subject, newest first."""

    async def search(self, query: AuditQuery) -> Sequence[AuditEventRecord]:
        """One hub's lines matching `query`, newest first (its offset and limit)."""


class Identities(Protocol):
    """Who a Telegram account belongs to."""

    async def writer(self, telegram_user_id: int) -> Writer:
        """Staff who have not left first, then a linked young person, else a stranger."""


class RecentWords(Protocol):
    """A young person's last few messages that were not a worry, kept five minutes at most."""

    async def earlier(self, young_person_id: int, *, since: datetime) -> list[str]:
        """Their messages kept since `since`, oldest first."""

    async def keep(self, young_person_id: int, words: str, *, at: datetime, most: int) -> None:
        """Keep this message with their newest, up to `most` in all (older than five minutes,
        the others are never read, and are swept)."""

    async def forget(self, young_person_id: int) -> None:
        """Drop every message of theirs (heard as part of a worry, or none)."""

    async def forget_stale(self, cutoff: datetime) -> None:
        """Drop every message kept since before `cutoff`."""


class Heartbeats(Protocol):
    """When the parts that must keep running last did their work."""

    async def beat(self, name: str, now: datetime) -> None:
        """Record that `name` worked just now."""

    async def last(self, name: str) -> datetime | None:
        """When `name` last worked, if ever."""


class Outbox(Protocol):
    """Outbox rows as records."""

    async def get(self, outbox_id: int, *, for_update: bool = False) -> OutboxRecord | None:
        """One outbox row."""

    async def failed_latest(
        self, *, limit: int, hub_id: int | None = None
    ) -> Sequence[OutboxRecord]:
        """The most recent failed rows (of one hub, if given), newest first."""

    async def failed_with_words(self, *, before: datetime) -> Sequence[OutboxRecord]:
        """Failed rows older than `before` that still hold their text."""

    async def fail_later_parts(self, row: OutboxRecord) -> Sequence[OutboxRecord]:
        """Fail the parts after this one of a message cut into parts; returns them."""

    async def drop_waiting_to(self, chat_id: int, *, reason: str) -> Sequence[OutboxRecord]:
        """Stop every message still waiting to go to this chat; returns them."""

    async def failed_to(self, chat_id: int) -> Sequence[OutboxRecord]:
        """Every failed message to this chat that still holds its words."""

    async def push_back(self, *, chat_id: int, until: datetime) -> None:
        """Hold every message to one chat until `until` (Telegram asked us to wait)."""

    async def waiting_to(
        self, chat_id: int, message_keys: Collection[str]
    ) -> Sequence[OutboxRecord]:
        """Messages with these ids waiting to go to this chat, not being sent yet."""

    async def delete(self, row: OutboxRecord) -> None:
        """Remove a row that has done its work (a stranger's answer, once sent)."""


class StrangerBudgets(Protocol):
    """Answers to strangers this hour, by pseudonymous key only."""

    async def get(self, subject: str) -> Answered | None:
        """The record for this key, if any."""

    async def put(self, subject: str, answered: Answered) -> None:
        """Store the new count."""

    async def forget_stale(self, cutoff: datetime) -> None:
        """Drop records whose window began before the cutoff."""


class Inbox(Protocol):
    """Updates from Telegram as the services see them: set aside, waiting, forgotten."""

    async def set_aside_list(self) -> Sequence[InboxRecord]:
        """Every update set aside, oldest first."""

    async def put_back(self, update_id: int, *, now: datetime) -> bool:
        """Put a set-aside update back to be handled; False when there is no such update."""

    async def oldest_waiting(self) -> datetime | None:
        """When the oldest update still waiting to be handled arrived."""

    async def forget(self, *, handled_before: datetime, set_aside_before: datetime) -> None:
        """Delete handled and set-aside updates older than these times."""


class Concerns(Protocol):
    """Concerns, and the append-only chronology of each."""

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
    ) -> ConcernRecord:
        """Raise a concern, not yet on any rung (its id is known on return)."""

    async def get(self, concern_id: int, *, for_update: bool = False) -> ConcernRecord | None:
        """One concern; `for_update` holds it against a second acknowledgement or step."""

    async def any_due(self, now: datetime) -> bool:
        """Whether any concern's next step (or follow-up) is due."""

    async def next_due(self, now: datetime, *, skip: Collection[int] = ()) -> ConcernRecord | None:
        """The concern that has waited longest for its due step, locked; one another instance
        is stepping is passed over, so instances share the work."""

    async def waiting_for(self, young_person_id: int) -> ConcernRecord | None:
        """The young person's newest concern nobody has acknowledged yet (locked)."""

    def add_words(
        self, concern: ConcernRecord, words: str, *, at: datetime, message_id: int | None = None
    ) -> None:
        """Words the young person wrote after the concern was raised (only ever added)."""

    async def from_message(self, young_person_id: int, message_id: int) -> ConcernRecord | None:
        """The young person's concern that a Telegram message of theirs was heard as part of."""

    async def later_words(self, concern_id: int) -> Sequence[ConcernWordsRecord]:
        """Words added to a concern after it was raised, oldest first."""

    async def asking(self, young_person_id: int) -> ConcernRecord | None:
        """The concern Waypoint is asking this young person about, if any."""

    async def latest_without_words(
        self, young_person_id: int, *, since: datetime
    ) -> ConcernRecord | None:
        """The young person's newest concern raised by the button, still waiting for words."""

    async def told(self, concern_id: int) -> list[int]:
        """Every member of staff alerted about this concern so far."""

    async def kinds(self, concern_id: int) -> list[str]:
        """The kinds of line in one concern's chronology, oldest first."""

    async def told_latest_first(self, concern_id: int) -> list[int]:
        """Staff alerted about this concern, the most recently alerted first."""

    async def listed(
        self, *, hub_id: int | None = None, council_id: int | None = None, open_only: bool = False
    ) -> Sequence[ConcernRecord]:
        """Concerns newest first, for one hub, one council's hubs, or all."""

    async def of_young_person(
        self, young_person_id: int, *, hub_id: int, limit: int
    ) -> Sequence[ConcernRecord]:
        """One young person's concerns at one hub, newest first, at most `limit`."""

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

    async def chronology(self, concern_id: int) -> Sequence[ConcernEventRecord]:
        """Every line of one concern's chronology, oldest first."""

    async def on_call(self, council_id: int) -> Sequence[StaffRecord]:
        """The council's out-of-hours team, across all its hubs."""

    async def waiting_on(self, staff_id: int) -> Sequence[ConcernRecord]:
        """Concerns not closed that wait on this member of staff (locked)."""

    async def not_closed_for(self, young_person_id: int) -> Sequence[ConcernRecord]:
        """One young person's concerns that are not closed (locked)."""


@dataclass(frozen=True)
class NewSession:
    """What a new session row holds (bot.services.sessions fills it in)."""

    hub_id: int
    young_person_id: int
    with_kind: SessionWith
    staff_id: int | None
    companion: str | None
    place: str | None
    local_start: datetime
    zone: str
    starts_at: datetime
    minutes: int
    weekly: bool
    series_id: int | None
    reminders: str | None


class Sessions(Protocol):
    """Booked sessions, their history and their reminders."""

    async def new(self, session: NewSession, *, now: datetime) -> SessionRecord:
        """Book a session (its id is known on return)."""

    async def get(self, session_id: int, *, for_update: bool = False) -> SessionRecord | None:
        """One session; `for_update` holds it against a second change at the same time."""

    async def ahead_for(
        self, young_person_id: int, *, now: datetime, limit: int
    ) -> Sequence[SessionRecord]:
        """The young person's sessions not cancelled or marked that have not ended yet,
        soonest first."""

    async def for_young_person(
        self, young_person_id: int, *, since: datetime, limit: int
    ) -> Sequence[SessionRecord]:
        """Every session of theirs starting after `since`, whatever its state, soonest first."""

    async def before_latest_first(
        self, young_person_id: int, *, before: datetime, since: datetime, limit: int
    ) -> Sequence[SessionRecord]:
        """Their sessions starting from `since` and before `before`, whatever their state, the
        latest start first."""

    async def over_latest_first(
        self, young_person_id: int, *, now: datetime, limit: int
    ) -> Sequence[SessionState]:
        """The states of their sessions that are over: marked seen or not seen once they
        began, or cancelled (whenever they were to be), the latest start first."""

    async def ahead_in_series(self, series_id: int, *, after: datetime) -> Sequence[SessionRecord]:
        """Weeks of a weekly session still ahead that start after `after` (locked)."""

    async def to_follow(self, *, now: datetime, limit: int) -> Sequence[SessionRecord]:
        """Weekly sessions that have started whose next week is not made yet (locked; those
        another instance holds are passed over)."""

    def record(
        self,
        session: SessionRecord,
        kind: str,
        *,
        at: datetime,
        by: Actor,
        detail: str | None = None,
    ) -> None:
        """Add one line to the session's history."""

    async def history(self, session_id: int) -> Sequence[SessionEventRecord]:
        """Every line of one session's history, oldest first."""

    def add_reminder(
        self,
        session: SessionRecord,
        offset: str,
        *,
        due_at: datetime,
        state: ReminderState,
        reason: str | None = None,
        now: datetime,
    ) -> None:
        """Add one reminder of a session (a skipped one is kept, for the worker to see)."""

    async def reminders_of(self, session_id: int) -> Sequence[ReminderRecord]:
        """One session's reminders, by due time."""

    async def withdraw_reminders(self, session_id: int, *, now: datetime) -> int:
        """Withdraw every reminder of this session not sent yet, and stop any already
        handed to the outbox; returns how many."""

    async def due_reminders(self, *, now: datetime, limit: int) -> Sequence[ReminderRecord]:
        """Pending reminders whose moment has come, oldest first (locked; those another
        instance holds are passed over)."""

    async def last_reminded(self, young_person_id: int) -> SessionRecord | None:
        """The session of the young person's most recent reminder handed to the outbox."""


@dataclass(frozen=True)
class NewGoal:
    """What a new goal holds (bot.services.goals fills it in)."""

    hub_id: int
    young_person_id: int
    state: GoalState
    area: Area | None
    cadence: Cadence
    expressed_by: Actor
    words: str
    staff_words: str | None = None
    # Who typed the words in (a worker with them, the operator); None: whoever expressed it.
    entered_by: Actor | None = None


class Goals(Protocol):
    """Goals, their words, ratings, steps, history and digests."""

    async def new(self, goal: NewGoal, *, now: datetime) -> GoalRecord:
        """Add a goal with its first version of words (its id is known on return)."""

    async def get(self, goal_id: int, *, for_update: bool = False) -> GoalRecord | None:
        """One goal; `for_update` holds it against a second change at the same time."""

    async def of_young_person(
        self, young_person_id: int, *, states: Collection[GoalState]
    ) -> Sequence[GoalRecord]:
        """One young person's goals in these states, oldest first."""

    async def words(self, goal: GoalRecord) -> GoalVersionRecord:
        """The goal's words now (its latest version)."""

    async def versions(self, goal_id: int) -> Sequence[GoalVersionRecord]:
        """Every version of a goal's words, oldest first."""

    async def add_version(
        self,
        goal: GoalRecord,
        words: str,
        *,
        staff_words: str | None,
        at: datetime,
        by: Actor,
    ) -> GoalVersionRecord:
        """New words for a goal: the next version (older ratings keep theirs)."""

    def rate(
        self, goal: GoalRecord, rating: Rating, *, baseline: bool, at: datetime, by: Actor
    ) -> None:
        """Add a rating against the goal's current words."""

    async def ratings(self, goal_id: int) -> Sequence[GoalRatingRecord]:
        """Every rating of a goal, oldest first."""

    async def steps(self, goal_id: int, *, open_only: bool = False) -> Sequence[GoalStepRecord]:
        """A goal's steps, oldest first."""

    async def add_step(
        self, goal: GoalRecord, words: str, *, due_on: date | None, at: datetime, by: Actor
    ) -> GoalStepRecord:
        """Add an open step (its id is known on return)."""

    async def step(self, step_id: int, *, for_update: bool = False) -> GoalStepRecord | None:
        """One step."""

    def record(
        self,
        goal: GoalRecord,
        kind: str,
        *,
        at: datetime,
        by: Actor,
        detail: str | None = None,
    ) -> None:
        """Add one line to the goal's history."""

    async def history(self, goal_id: int) -> Sequence[GoalEventRecord]:
        """Every line of one goal's history, oldest first."""

    async def events_since(
        self, young_person_id: int, *, since: datetime, until: datetime
    ) -> Sequence[GoalEventRecord]:
        """Lines of a young person's goals' histories in [since, until), oldest first."""

    async def due_check_ins(self, *, now: datetime, limit: int) -> Sequence[GoalRecord]:
        """Goals whose check-in is due, oldest first (locked; those another instance holds
        are passed over)."""

    async def digest(self, young_person_id: int, *, now: datetime) -> GoalDigestRecord:
        """The young person's digest row, made (due in a week) if they had none."""

    async def due_digests(self, *, now: datetime, limit: int) -> Sequence[GoalDigestRecord]:
        """Digests due now (locked; those another instance holds are passed over)."""


class BookingDrafts(Protocol):
    """Sessions staff are booking with buttons, one each (bot.domain.booking)."""

    async def get(self, staff_id: int, *, now: datetime) -> BookingDraftRecord | None:
        """This member of staff's draft, locked against a second tap, unless it expired."""

    async def start(self, staff_id: int, step: str, *, expires_at: datetime) -> BookingDraftRecord:
        """A new draft for this member of staff, in place of any they had."""

    async def forget(self, staff_id: int) -> None:
        """Their draft is done with (booked or given up)."""

    async def forget_expired(self, now: datetime) -> None:
        """Drop every draft whose time ran out."""


class GoalDrafts(Protocol):
    """Goals staff are making with a young person, one each (bot.domain.goal_flow)."""

    async def get(self, staff_id: int, *, now: datetime) -> GoalDraftRecord | None:
        """This member of staff's draft, locked against a second tap, unless it expired."""

    async def start(
        self, staff_id: int, young_person_id: int, step: str, *, expires_at: datetime
    ) -> GoalDraftRecord:
        """A new draft for this member of staff, in place of any they had."""

    async def forget(self, staff_id: int) -> None:
        """Their draft is done with (saved or given up)."""

    async def forget_expired(self, now: datetime) -> None:
        """Drop every draft whose time ran out."""


class Postbox(Protocol):
    """Queues messages in the caller's transaction; nothing leaves until it commits."""

    @property
    def zone(self) -> ZoneInfo:
        """The hubs' time zone, for the times written in messages."""

    @property
    def catalogue(self) -> Catalogue:
        """The shipped wording (content/), as every council starts with it."""

    @property
    def wordings(self) -> Wordings:
        """The shipped wording and each council's, as this instance knows them now: a young
        person's or staff member's message is rendered with their council's."""

    def catalogue_for(self, person: YoungPersonRecord) -> Catalogue:
        """The wording of a young person's council, for words a service puts together for
        them itself (a menu, a date, a list of names) before queueing a message."""

    def to_young_person(
        self,
        person: YoungPersonRecord,
        message_id: str,
        values: Mapping[str, str],
        *,
        now: datetime,
        lane: Lane = ...,
        idempotency_key: str | None = None,
        concern_id: int | None = None,
        send_by: datetime | None = None,
        not_before: datetime | None = None,
        reminder_id: int | None = None,
        silent: bool = False,
        ref: int | None = None,
    ) -> Sequence[OutboxRecord]:
        """Queue a message to a young person, shaped by their profile: one row per part. One
        with `send_by` is dropped (and recorded) if it cannot be sent by then; one with
        `not_before` waits until then; a `reminder_id` is checked again at send time (its
        session may have been cancelled); a `silent` one makes no sound; `ref` says which
        thing of theirs its question is about (a goal, a step), for its buttons and for a
        written answer."""

    def to_staff(
        self,
        staff: StaffRecord,
        message_id: str,
        values: Mapping[str, str],
        *,
        now: datetime,
        lane: Lane = ...,
        idempotency_key: str | None = None,
        alert_for_id: int | None = None,
        buttons: AlertButtons | None = None,
        about: YoungPersonRecord | None = None,
        concern_id: int | None = None,
        invite_id: int | None = None,
        send_by: datetime | None = None,
        choices: StaffChoices | None = None,
    ) -> Sequence[OutboxRecord]:
        """Queue a message to a member of staff (with `choices`, buttons under it); nothing
        for staff who have left."""

    def to_stranger(
        self,
        chat_id: int,
        message_id: str,
        values: Mapping[str, str],
        *,
        now: datetime,
        lane: Lane = ...,
    ) -> None:
        """Answer someone Waypoint does not know."""


@dataclass(frozen=True)
class Leased:
    """A chat whose menu this instance is setting, and until when it holds it."""

    chat_id: int
    until: datetime


class CommandMenus(Protocol):
    """Chats whose command menu is due to be set in Telegram."""

    def due(self, chat_id: int, *, now: datetime) -> None:
        """This chat's menu is to be set again, now (whatever was due before), once the unit
        of work commits."""

    async def claim(self, *, now: datetime, until: datetime, limit: int) -> list[Leased]:
        """Lease up to `limit` chats whose menu is due, skipping any another instance holds."""

    async def done(self, leased: Leased) -> None:
        """The menu is set: forget the chat, unless it became due again meanwhile."""


class ConsoleLogins(Protocol):
    """Sign-in links and sessions of the staff console, looked up only by their hashes."""

    async def new_link(
        self, *, token_hash: str, staff_id: int, now: datetime, expires_at: datetime
    ) -> ConsoleLinkRecord:
        """Add a sign-in link (its id is known on return)."""

    async def link(self, token_hash: str) -> ConsoleLinkRecord | None:
        """The link with this hash, if any."""

    async def use_link(self, link_id: int, now: datetime) -> bool:
        """Use the link up; False when it was used already (two clicks at once)."""

    async def new_session(
        self, *, session_hash: str, staff_id: int, csrf_token: str, now: datetime
    ) -> ConsoleSessionRecord:
        """Start a session (its id is known on return)."""

    async def session(self, session_hash: str) -> ConsoleSessionRecord | None:
        """The session with this hash, if any."""

    async def end_sessions(self, staff_id: int, *, now: datetime) -> int:
        """End every session of this member of staff still open; returns how many."""

    async def forget_stale(self, *, links_before: datetime, sessions_before: datetime) -> None:
        """Delete links that stopped working by `links_before`, and sessions last used
        before `sessions_before`."""


class ServiceFigures(Protocol):
    """The facts a hub's service figures are counted from (bot.domain.service_figures): only
    times, counts, outcomes and staff names, never a young person's id, name or words."""

    async def told_concerns(
        self, hub_id: int, *, since: datetime, until: datetime
    ) -> list[ToldConcern]:
        """The hub's concerns first alerted in [since, until), with when and by whom each was
        first acknowledged and whether a "top of the ladder" alert went out."""

    async def reminder_outcomes(
        self, hub_id: int, weeks: Sequence[Week]
    ) -> dict[tuple[int, ReminderOutcome], int]:
        """How many of the hub's session reminders due in each week (by index) came to each
        outcome; reminders withdrawn with their session are not counted."""

    async def session_outcomes(
        self, hub_id: int, weeks: Sequence[Week], *, now: datetime
    ) -> dict[tuple[int, SessionOutcome], int]:
        """How many of the hub's sessions that started in each week (by index), before now,
        were seen, not seen, or not yet marked; cancelled ones are not counted."""

    async def goal_ratings(
        self, hub_id: int, *, since: datetime, until: datetime
    ) -> list[GoalRatingFact]:
        """Every rating of the hub's goals rated in [since, until), earlier ratings included
        (progress is against each goal's first rating)."""


@dataclass(frozen=True)
class NewWordingVersion:
    """A version to store (bot.services.studio makes these; the repository adds the row)."""

    council_id: int
    message_id: str
    language: str
    easy: str | None
    standard: str | None
    symbols: Sequence[str]
    buttons: Sequence[str]
    status: WordingStatus
    written_by: int | None
    written_at: datetime
    english_version_id: int | None = None
    approved_by: int | None = None
    approved_at: datetime | None = None


@dataclass(frozen=True)
class WordingStamp:
    """What a council's approved versions look like from afar: enough to tell, cheaply,
    whether an instance's catalogue for that council is out of date."""

    approved: int
    changed_at: datetime | None


class WordingVersions(Protocol):
    """Councils' versions of messages' wording (the content studio), kept for history."""

    async def add(self, version: NewWordingVersion, *, now: datetime) -> WordingVersionRecord:
        """Store a new version (its id is known on return; `changed_at` is now)."""

    async def get(self, version_id: int) -> WordingVersionRecord | None:
        """One version by id."""

    async def of_message(self, council_id: int, message_id: str) -> Sequence[WordingVersionRecord]:
        """Every version of one message for one council, every language, newest first."""

    async def of_council(self, council_id: int) -> Sequence[WordingVersionRecord]:
        """Every version for one council, every message and language, newest first."""

    async def approved(self, council_id: int) -> Sequence[WordingVersionRecord]:
        """One council's approved versions, newest first (the first per message and
        language is the live one)."""

    async def approve(self, version: WordingVersionRecord, *, by: int, now: datetime) -> None:
        """Mark a draft approved by this member of staff, now: AlreadyApproved when it is a
        draft no longer (another instance approved it first), decided by the database."""

    async def stamps(self) -> dict[int, WordingStamp]:
        """Per council with any approved version: how many, and when one last changed. One
        small grouped query, asked every few seconds by every instance."""


@dataclass(frozen=True)
class NewSafetyWord:
    """A proposed phrase or labelled example to store (bot.services.safety_words)."""

    council_id: int
    kind: SafetyWordKind
    category: str | None
    label: str
    text: str
    proposed_by: int
    proposed_at: datetime


class SafetyWords(Protocol):
    """Councils' lexicon additions and labelled examples (the studio's safety words), kept
    for history: added and approved, never otherwise changed."""

    async def add(self, word: NewSafetyWord) -> SafetyWordRecord:
        """Store a draft (its id is known on return; `changed_at` is when it was proposed)."""

    async def get(self, word_id: int) -> SafetyWordRecord | None:
        """One by id."""

    async def of_council(self, council_id: int) -> Sequence[SafetyWordRecord]:
        """Every one for one council, both kinds, newest first."""

    async def approved(self, council_id: int, kind: SafetyWordKind) -> Sequence[SafetyWordRecord]:
        """One council's approved ones of one kind, oldest first."""

    def approve(self, word: SafetyWordRecord, *, by: int, now: datetime) -> None:
        """Mark a draft approved by this member of staff, now."""

    async def stamps(self) -> dict[int, WordingStamp]:
        """Per council with any approved lexicon addition: how many, and when one last
        changed. One small grouped query, asked every few seconds by every instance."""


class UnitOfWork(Protocol):
    """`async with uow:` opens one transaction; leaving without `await uow.commit()` rolls back."""

    @property
    def organisations(self) -> Organisations:
        """Councils and hubs."""

    @property
    def staff(self) -> StaffMembers:
        """Hub staff."""

    @property
    def young_people(self) -> YoungPeople:
        """Linked young people."""

    @property
    def invites(self) -> Invites:
        """Invite codes."""

    @property
    def code_attempts(self) -> CodeAttempts:
        """Failed invite code attempts."""

    @property
    def audit(self) -> AuditLog:
        """The audit trail."""

    @property
    def concerns(self) -> Concerns:
        """Concerns and their chronologies."""

    @property
    def postbox(self) -> Postbox:
        """Messages to queue."""

    @property
    def inbox(self) -> Inbox:
        """Updates from Telegram."""

    @property
    def identities(self) -> Identities:
        """Who a Telegram account belongs to."""

    @property
    def menus(self) -> CommandMenus:
        """Chats whose command menu is due."""

    @property
    def recent_words(self) -> RecentWords:
        """Young people's last messages, for a worry split over two."""

    @property
    def heartbeats(self) -> Heartbeats:
        """Heartbeats of the parts that must keep running."""

    @property
    def outbox(self) -> Outbox:
        """Outbox rows as records."""

    @property
    def stranger_budgets(self) -> StrangerBudgets:
        """Answers to strangers."""

    @property
    def sessions(self) -> Sessions:
        """Booked sessions and their reminders."""

    @property
    def goals(self) -> Goals:
        """Goals young people own."""

    @property
    def drafts(self) -> BookingDrafts:
        """Sessions staff are booking with buttons."""

    @property
    def goal_drafts(self) -> GoalDrafts:
        """Goals staff are making with a young person."""

    @property
    def console(self) -> ConsoleLogins:
        """Sign-in links and sessions of the staff console."""

    @property
    def figures(self) -> ServiceFigures:
        """The facts behind a hub's service figures (counts, never a young person)."""

    @property
    def wording_versions(self) -> WordingVersions:
        """Councils' versions of messages' wording (the content studio)."""

    @property
    def safety_words(self) -> SafetyWords:
        """Councils' lexicon additions and labelled examples (the studio's safety words)."""

    @property
    def detectors(self) -> CouncilDetectors:
        """What hears worries for each council, as this instance knows it now (the shipped
        lexicon and model, and each council's approved additions)."""

    def reading(self) -> Self:
        """Open for reading only: no write lock on SQLite, and no commit."""

    def savepoint(self) -> AbstractAsyncContextManager[None]:
        """A nested transaction: what fails inside it is undone, the rest stays."""

    async def __aenter__(self) -> Self:
        """Open the transaction."""

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Roll back whatever was not committed, and close."""

    async def flush(self) -> None:
        """Send staged changes so generated ids are known, without committing."""

    async def commit(self) -> None:
        """Make the changes of this unit of work permanent."""

    async def rollback(self) -> None:
        """Undo every change staged so far (the unit of work stays open)."""


UnitOfWorkFactory = Callable[[], UnitOfWork]
