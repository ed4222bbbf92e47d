"""Plain records for the fake unit of work, and the tables that hold them.

Each record satisfies its protocol in `bot.services.records`. Relationships (`hub.council`,
`person.key_worker`, ...) are looked up by id in the tables the record lives in, so they
always agree with the ids, whoever changed them.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any, Protocol, TypeVar

from bot.domain.goals import Area, Cadence, GoalState, Scale, StepState
from bot.domain.guessing import Attempts
from bot.domain.ladder import ConcernState
from bot.domain.outbox import AlertButtons, DeliveryState, Recipient, StaffChoices
from bot.domain.people import Role
from bot.domain.reminders import ReminderState
from bot.domain.safety.additions import SafetyWordKind
from bot.domain.safety.worry import Urgency
from bot.domain.sessions import SessionState, SessionWith
from bot.domain.strangers import Answered
from bot.domain.wording import WordingStatus


class _Row:
    """A stored record: it finds its relations in the tables it lives in."""

    _tables: Tables


class _HasId(Protocol):
    id: int


_R = TypeVar("_R", bound=_Row)
_I = TypeVar("_I", bound=_HasId)


def _one(rows: list[_I], row_id: int, what: str) -> _I:
    for row in rows:
        if row.id == row_id:
            return row
    # A foreign key would have refused this in the database.
    raise LookupError(f"{what} {row_id} is missing")


@dataclass(eq=False)
class Council(_Row):
    """A council: its ladder rules and out-of-hours number (defaults as in the table)."""

    id: int
    slug: str
    name: str
    created_at: datetime
    out_of_hours_phone: str | None = None
    minutes_high: int = 10
    minutes_other: int = 60
    office_opens_hour: int = 9
    office_closes_hour: int = 17
    on_call_first: bool = False
    police_liaison: bool = False
    quiet_from_hour: int = 21
    quiet_until_hour: int = 8
    timezone: str = "Europe/London"


@dataclass(eq=False)
class Hub(_Row):
    """A hub within a council."""

    id: int
    council_id: int
    slug: str
    name: str
    created_at: datetime

    @property
    def council(self) -> Council:
        """The council the hub belongs to."""
        return _one(self._tables.councils, self.council_id, "council")


@dataclass(eq=False)
class Staff(_Row):
    """A member of a hub's staff."""

    id: int
    hub_id: int
    telegram_user_id: int
    name: str
    role: Role
    created_at: datetime
    active: bool = True
    away: bool = False
    cover_id: int | None = None

    @property
    def hub(self) -> Hub:
        """Their hub."""
        return _one(self._tables.hubs, self.hub_id, "hub")


@dataclass(eq=False)
class YoungPerson(_Row):
    """A linked young person."""

    id: int
    hub_id: int
    telegram_user_id: int
    first_name: str
    key_worker_id: int
    linked_at: datetime
    life_coach_id: int | None = None
    language: str = "en"
    communication_profile: dict[str, Any] | None = None
    unreachable_since: datetime | None = None
    awaiting_choice: str | None = None
    talking_until: datetime | None = None
    kept_words: str | None = None
    kept_since: datetime | None = None
    paused_at: datetime | None = None
    reminders_paused_until: datetime | None = None
    born_on: date | None = None
    # What the open question is about (a goal, a step), for a written answer.
    choice_ref: int | None = None

    @property
    def key_worker(self) -> Staff:
        """Their named worker."""
        return _one(self._tables.staff, self.key_worker_id, "staff")


@dataclass(eq=False)
class Invite(_Row):
    """An invite; only the code's hash is kept."""

    id: int
    code_hash: str
    worker_id: int
    first_name: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    young_person_id: int | None = None
    revoked_at: datetime | None = None

    @property
    def worker(self) -> Staff:
        """The worker who made it."""
        return _one(self._tables.staff, self.worker_id, "staff")


@dataclass(eq=False)
class Concern(_Row):
    """A concern and where it is on its ladder."""

    id: int
    hub_id: int
    young_person_id: int
    raised_at: datetime
    source: str
    category: str | None
    harm: str | None
    urgency: Urgency
    words: str | None
    state: ConcernState
    next_step_at: datetime | None
    source_message_id: int | None
    # Worked out again at every step; -1 until the first step is taken.
    in_hours: bool = False
    rung: int = -1
    acknowledged_at: datetime | None = None
    acknowledged_by: int | None = None
    closed_at: datetime | None = None
    closed_by: int | None = None

    @property
    def young_person(self) -> YoungPerson:
        """Whose concern it is."""
        return _one(self._tables.young_people, self.young_person_id, "young person")


@dataclass(eq=False)
class ConcernEvent(_Row):
    """One line of a concern's chronology."""

    id: int
    concern_id: int
    at: datetime
    kind: str
    actor_type: str
    actor_id: int | None = None
    detail: str | None = None


@dataclass(eq=False)
class ConcernWords(_Row):
    """Words added to a concern after it was raised."""

    id: int
    concern_id: int
    at: datetime
    words: str
    source_message_id: int | None = None


@dataclass(eq=False)
class AuditEvent(_Row):
    """One line of the audit trail."""

    id: int
    occurred_at: datetime
    action: str
    actor_type: str
    actor_id: int | None = None
    hub_id: int | None = None
    subject_type: str | None = None
    subject_id: int | None = None


@dataclass(eq=False)
class Queued(_Row):
    """A message the postbox queued: who to, which message id with which values, and how.

    Nothing is rendered: `text` holds the message id only so that "still holds its words"
    queries have something to see. `values` and `buttons` are what the real postbox renders.
    """

    id: int
    chat_id: int
    recipient_type: Recipient
    recipient_id: int
    hub_id: int | None
    message_key: str
    values: dict[str, str]
    lane: int
    created_at: datetime
    not_before: datetime
    send_by: datetime | None = None
    buttons: AlertButtons | None = None
    choices: StaffChoices | None = None
    about_id: int | None = None
    concern_id: int | None = None
    invite_id: int | None = None
    alert_for_id: int | None = None
    idempotency_key: str | None = None
    text: str = ""
    reply_markup: dict[str, Any] | None = None
    part_of: str | None = None
    part: int = 0
    turn: int = 0
    state: DeliveryState = DeliveryState.PENDING
    attempts: int = 0
    lease_owner: str | None = None
    lease_until: datetime | None = None
    sent_at: datetime | None = None
    telegram_message_id: int | None = None
    last_error: str | None = None
    reminder_id: int | None = None
    silent: bool = False
    # What the message's question is about (a goal, a step), carried on its buttons.
    ref: int | None = None


@dataclass(eq=False)
class Session(_Row):
    """One booked session (one week of a weekly one)."""

    id: int
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
    created_at: datetime
    changed_at: datetime
    followed: bool = False
    state: SessionState = SessionState.BOOKED


@dataclass(eq=False)
class SessionEvent(_Row):
    """One line of a session's history."""

    id: int
    session_id: int
    at: datetime
    kind: str
    actor_type: str
    actor_id: int | None = None
    detail: str | None = None


@dataclass(eq=False)
class Reminder(_Row):
    """One reminder of one session."""

    id: int
    session_id: int
    offset: str
    due_at: datetime
    state: ReminderState
    done_at: datetime | None = None
    reason: str | None = None


@dataclass(eq=False)
class InboxUpdate(_Row):
    """One update from Telegram as the inbox keeps it."""

    update_id: int
    chat_id: int | None
    received_at: datetime
    payload: str | None = None
    state: str = "pending"
    attempts: int = 0
    lease_owner: str | None = None
    lease_until: datetime | None = None
    handled_at: datetime | None = None
    problem: str | None = None


@dataclass(eq=False)
class Goal(_Row):
    """A goal a young person owns (defaults as in the table)."""

    id: int
    hub_id: int
    young_person_id: int
    state: GoalState
    area: Area | None
    cadence: Cadence
    expressed_by_type: str
    expressed_by_id: int | None
    created_at: datetime
    changed_at: datetime
    version: int = 1
    last_rated_at: datetime | None = None
    next_check_in_at: datetime | None = None
    asked_at: datetime | None = None
    repeats: int = 0
    review_asked_at: datetime | None = None


@dataclass(eq=False)
class GoalVersion(_Row):
    """One version of a goal's words."""

    id: int
    goal_id: int
    version: int
    words: str
    staff_words: str | None
    at: datetime
    by_type: str
    by_id: int | None = None


@dataclass(eq=False)
class GoalRating(_Row):
    """One rating, on its own scale, against one version of the words."""

    id: int
    goal_id: int
    version: int
    scale: Scale
    value: str
    baseline: bool
    at: datetime
    by_type: str
    by_id: int | None = None


@dataclass(eq=False)
class GoalStep(_Row):
    """A small step towards a goal."""

    id: int
    goal_id: int
    words: str
    state: StepState
    due_on: date | None
    created_at: datetime
    changed_at: datetime
    by_type: str
    by_id: int | None = None


@dataclass(eq=False)
class GoalEvent(_Row):
    """One line of a goal's history."""

    id: int
    goal_id: int
    young_person_id: int
    at: datetime
    kind: str
    actor_type: str
    actor_id: int | None = None
    detail: str | None = None


@dataclass(eq=False)
class GoalDigest(_Row):
    """When a young person's weekly goal digest is next due (keyed by young person)."""

    young_person_id: int
    due_at: datetime | None
    since: datetime


def _key(row: _Row) -> object:
    """A record's primary key (the inbox is keyed by Telegram's update id, a digest by its
    young person, a booking draft by its member of staff)."""
    if isinstance(row, InboxUpdate):
        return row.update_id
    if isinstance(row, GoalDigest):
        return row.young_person_id
    if isinstance(row, BookingDraft):
        return row.staff_id
    return vars(row)["id"]


@dataclass(eq=False)
class BookingDraft(_Row):
    """A session a member of staff is booking with buttons."""

    staff_id: int
    step: str
    expires_at: datetime
    young_person_id: int | None = None
    day: date | None = None
    minute: int | None = None
    place: str | None = None


@dataclass(eq=False)
class GoalDraft(_Row):
    """A goal a member of staff is making with a young person."""

    staff_id: int
    step: str
    young_person_id: int
    expires_at: datetime
    words: str | None = None


@dataclass(eq=False)
class ConsoleLink(_Row):
    """A sign-in link to the staff console (only its token's hash)."""

    id: int
    token_hash: str
    staff_id: int
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None


@dataclass(eq=False)
class ConsoleSession(_Row):
    """A console session (only its id's hash), with its CSRF token."""

    id: int
    session_hash: str
    staff_id: int
    csrf_token: str
    created_at: datetime
    last_seen_at: datetime
    ended_at: datetime | None = None


@dataclass(eq=False)
class WordingVersion(_Row):
    """A council's version of a message's wording (the content studio)."""

    id: int
    council_id: int
    message_id: str
    language: str
    easy: str | None
    standard: str | None
    symbols: list[str]
    buttons: list[str]
    status: WordingStatus
    written_by: int | None
    written_at: datetime
    approved_by: int | None
    approved_at: datetime | None
    english_version_id: int | None
    changed_at: datetime


@dataclass(eq=False)
class SafetyWord(_Row):
    """A council's lexicon addition or labelled example (the studio's safety words)."""

    id: int
    council_id: int
    kind: SafetyWordKind
    category: str | None
    label: str
    text: str
    status: WordingStatus
    proposed_by: int
    proposed_at: datetime
    approved_by: int | None
    approved_at: datetime | None
    changed_at: datetime


@dataclass(eq=False)
class Tables:
    """Everything a transaction can change: one copy is committed, one per open unit of work."""

    councils: list[Council] = field(default_factory=list)
    hubs: list[Hub] = field(default_factory=list)
    staff: list[Staff] = field(default_factory=list)
    young_people: list[YoungPerson] = field(default_factory=list)
    invites: list[Invite] = field(default_factory=list)
    concerns: list[Concern] = field(default_factory=list)
    concern_events: list[ConcernEvent] = field(default_factory=list)
    concern_words: list[ConcernWords] = field(default_factory=list)
    audit: list[AuditEvent] = field(default_factory=list)
    outbox: list[Queued] = field(default_factory=list)
    sessions: list[Session] = field(default_factory=list)
    session_events: list[SessionEvent] = field(default_factory=list)
    reminders: list[Reminder] = field(default_factory=list)
    drafts: list[BookingDraft] = field(default_factory=list)
    goal_drafts: list[GoalDraft] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    goal_versions: list[GoalVersion] = field(default_factory=list)
    goal_ratings: list[GoalRating] = field(default_factory=list)
    goal_steps: list[GoalStep] = field(default_factory=list)
    goal_events: list[GoalEvent] = field(default_factory=list)
    goal_digests: list[GoalDigest] = field(default_factory=list)
    inbox: list[InboxUpdate] = field(default_factory=list)
    console_links: list[ConsoleLink] = field(default_factory=list)
    console_sessions: list[ConsoleSession] = field(default_factory=list)
    wording_versions: list[WordingVersion] = field(default_factory=list)
    safety_words: list[SafetyWord] = field(default_factory=list)
    code_attempts: dict[str, Attempts] = field(default_factory=dict)
    stranger_budgets: dict[str, Answered] = field(default_factory=dict)
    heartbeats: dict[str, datetime] = field(default_factory=dict)
    # A young person's last message: (words, when), by young person id.
    recent_words: dict[int, list[tuple[str, datetime]]] = field(default_factory=dict)
    # Chats whose command menu is due, and when (pushed on while leased).
    menus: dict[int, datetime] = field(default_factory=dict)
    # The send budget and per-chat pacing that a 429 pushes back.
    budget_free_at: datetime | None = None
    chat_free_at: dict[int, datetime] = field(default_factory=dict)

    def add(self, rows: list[_R], row: _R) -> _R:
        """Put a new record in one of these tables."""
        row._tables = self
        rows.append(row)
        return row

    def restore(self, snapshot: Tables) -> None:
        """Become `snapshot` again, in place: records handed out keep their identity (as a
        session's objects do after a rollback) but get their old values back; records added
        since are gone."""
        memo: dict[int, Any] = {id(snapshot): self}
        pairs = []
        for table in fields(self):
            ours = getattr(self, table.name)
            if not isinstance(ours, list):
                continue
            alive = {_key(row): row for row in ours}
            for old in getattr(snapshot, table.name):
                kept = alive.get(_key(old))
                if kept is not None:
                    memo[id(old)] = kept
                    pairs.append((old, kept))
        for old, kept in pairs:
            kept.__dict__.update(copy.deepcopy(vars(old), memo))
        for table in fields(self):
            setattr(self, table.name, copy.deepcopy(getattr(snapshot, table.name), memo))
