"""What the services read and change on stored records, as protocols.

The database adapter's rows satisfy these, and so do the plain objects of the fake unit of
work in `tests/unit`: the services depend on neither. Relationships are read-only here.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Protocol

from bot.domain.goals import Area, Cadence, GoalState, Scale, StepState
from bot.domain.ladder import ConcernState
from bot.domain.outbox import DeliveryState, Recipient
from bot.domain.people import Role
from bot.domain.reminders import ReminderState
from bot.domain.safety.additions import SafetyWordKind
from bot.domain.safety.worry import Urgency
from bot.domain.sessions import SessionState, SessionWith
from bot.domain.wording import WordingStatus


class CouncilRecord(Protocol):
    """A council: its ladder rules and out-of-hours number."""

    id: int
    slug: str
    name: str
    created_at: datetime
    out_of_hours_phone: str | None
    minutes_high: int
    minutes_other: int
    office_opens_hour: int
    office_closes_hour: int
    on_call_first: bool
    police_liaison: bool
    quiet_from_hour: int
    quiet_until_hour: int
    timezone: str


class HubRecord(Protocol):
    """A No Wrong Door hub within a council."""

    id: int
    council_id: int
    slug: str
    name: str
    created_at: datetime

    @property
    def council(self) -> CouncilRecord:
        """The council the hub belongs to."""


class StaffRecord(Protocol):
    """A member of a hub's staff."""

    id: int
    hub_id: int
    telegram_user_id: int
    name: str
    role: Role
    active: bool
    created_at: datetime
    away: bool
    cover_id: int | None

    @property
    def hub(self) -> HubRecord:
        """Their hub."""


class YoungPersonRecord(Protocol):
    """A young person who has linked their Telegram account."""

    id: int
    hub_id: int
    telegram_user_id: int
    first_name: str
    key_worker_id: int
    life_coach_id: int | None
    language: str
    communication_profile: dict[str, Any] | None
    linked_at: datetime
    unreachable_since: datetime | None
    awaiting_choice: str | None
    talking_until: datetime | None
    kept_words: str | None
    kept_since: datetime | None
    paused_at: datetime | None
    reminders_paused_until: datetime | None
    born_on: date | None
    choice_ref: int | None

    @property
    def key_worker(self) -> StaffRecord:
        """Their named worker."""


class AuditEventRecord(Protocol):
    """One line of the audit trail: ids and an action's name, never anyone's words."""

    id: int
    occurred_at: datetime
    hub_id: int | None
    actor_type: str
    actor_id: int | None
    action: str
    subject_type: str | None
    subject_id: int | None


class InviteRecord(Protocol):
    """An invite code a worker made for one young person (only its hash is kept)."""

    id: int
    code_hash: str
    worker_id: int
    first_name: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None
    young_person_id: int | None
    revoked_at: datetime | None

    @property
    def worker(self) -> StaffRecord:
        """The worker who made it."""


class ConcernRecord(Protocol):
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
    in_hours: bool
    rung: int
    next_step_at: datetime | None
    acknowledged_at: datetime | None
    acknowledged_by: int | None
    source_message_id: int | None
    closed_at: datetime | None
    closed_by: int | None

    @property
    def young_person(self) -> YoungPersonRecord:
        """Whose concern it is."""


class ConcernEventRecord(Protocol):
    """One line of a concern's chronology (never changed once written)."""

    id: int
    concern_id: int
    at: datetime
    kind: str
    actor_type: str
    actor_id: int | None
    detail: str | None


class ConcernWordsRecord(Protocol):
    """Words a young person added to a concern after it was raised."""

    id: int
    concern_id: int
    at: datetime
    words: str
    source_message_id: int | None


class OutboxRecord(Protocol):
    """One message on its way out."""

    id: int
    lane: int
    chat_id: int
    recipient_type: Recipient
    recipient_id: int
    hub_id: int | None
    message_key: str
    text: str
    reply_markup: dict[str, Any] | None
    idempotency_key: str | None
    part_of: str | None
    part: int
    alert_for_id: int | None
    about_id: int | None
    concern_id: int | None
    invite_id: int | None
    turn: int
    state: DeliveryState
    created_at: datetime
    not_before: datetime
    send_by: datetime | None
    attempts: int
    lease_owner: str | None
    lease_until: datetime | None
    sent_at: datetime | None
    telegram_message_id: int | None
    last_error: str | None
    reminder_id: int | None
    silent: bool


class InboxRecord(Protocol):
    """One update from Telegram as the inbox keeps it."""

    update_id: int
    chat_id: int | None
    received_at: datetime
    payload: str | None
    state: str
    attempts: int
    lease_owner: str | None
    lease_until: datetime | None
    handled_at: datetime | None
    problem: str | None


class SessionRecord(Protocol):
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
    followed: bool
    reminders: str | None
    state: SessionState
    created_at: datetime
    changed_at: datetime


class BookingDraftRecord(Protocol):
    """A session a member of staff is booking with buttons (bot.domain.booking)."""

    staff_id: int
    step: str
    young_person_id: int | None
    day: date | None
    minute: int | None
    place: str | None
    expires_at: datetime


class GoalDraftRecord(Protocol):
    """A goal a member of staff is making with a young person (bot.domain.goal_flow)."""

    staff_id: int
    step: str
    young_person_id: int
    words: str | None
    expires_at: datetime


class SessionEventRecord(Protocol):
    """One line of a session's history (never changed once written)."""

    id: int
    session_id: int
    at: datetime
    kind: str
    actor_type: str
    actor_id: int | None
    detail: str | None


class ReminderRecord(Protocol):
    """One reminder of one session."""

    id: int
    session_id: int
    offset: str
    due_at: datetime
    state: ReminderState
    done_at: datetime | None
    reason: str | None


class GoalRecord(Protocol):
    """A goal a young person owns."""

    id: int
    hub_id: int
    young_person_id: int
    state: GoalState
    area: Area | None
    cadence: Cadence
    version: int
    expressed_by_type: str
    expressed_by_id: int | None
    created_at: datetime
    changed_at: datetime
    last_rated_at: datetime | None
    next_check_in_at: datetime | None
    asked_at: datetime | None
    repeats: int
    review_asked_at: datetime | None


class GoalVersionRecord(Protocol):
    """One version of a goal's words (never changed once written)."""

    id: int
    goal_id: int
    version: int
    words: str
    staff_words: str | None
    at: datetime
    by_type: str
    by_id: int | None


class GoalRatingRecord(Protocol):
    """One rating, on its own scale."""

    id: int
    goal_id: int
    version: int
    scale: Scale
    value: str
    baseline: bool
    at: datetime
    by_type: str
    by_id: int | None


class GoalStepRecord(Protocol):
    """A small step towards a goal."""

    id: int
    goal_id: int
    words: str
    state: StepState
    due_on: date | None
    created_at: datetime
    changed_at: datetime
    by_type: str
    by_id: int | None


class GoalEventRecord(Protocol):
    """One line of a goal's history."""

    id: int
    goal_id: int
    young_person_id: int
    at: datetime
    kind: str
    actor_type: str
    actor_id: int | None
    detail: str | None


class GoalDigestRecord(Protocol):
    """When a young person's weekly goal digest is next due."""

    young_person_id: int
    due_at: datetime | None
    since: datetime


class ConsoleLinkRecord(Protocol):
    """A single-use sign-in link to the staff console (only its token's hash is kept)."""

    id: int
    token_hash: str
    staff_id: int
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None


class ConsoleSessionRecord(Protocol):
    """A signed-in console session (only its id's hash is kept), with its CSRF token."""

    id: int
    session_hash: str
    staff_id: int
    csrf_token: str
    created_at: datetime
    last_seen_at: datetime
    ended_at: datetime | None


class WordingVersionRecord(Protocol):
    """One version of one message's wording in one language, written for one council (the
    content studio). Kept for history; the newest approved one per (council, message,
    language) is live for that council, over the shipped file."""

    id: int
    council_id: int
    message_id: str
    language: str
    easy: str | None
    standard: str | None
    # One picture per line of the easy text, and the message's buttons: English only.
    symbols: list[str]
    buttons: list[str]
    status: WordingStatus
    # None when an operator imported it (`waypoint content import`).
    written_by: int | None
    written_at: datetime
    approved_by: int | None
    approved_at: datetime | None
    # A translation's English: the council's English version it was written against, or
    # None for the shipped English.
    english_version_id: int | None
    changed_at: datetime


class SafetyWordRecord(Protocol):
    """A phrase for the lexicon or a labelled example, proposed for one council by its
    safeguarding lead (the studio's safety words); an approved phrase is heard for that
    council's young people, an approved example is exported for training."""

    id: int
    council_id: int
    kind: SafetyWordKind
    # A lexicon category; None for an example labelled none.
    category: str | None
    # A phrase's list (phrases or maybe), or an example's label (worry or none).
    label: str
    text: str
    status: WordingStatus
    proposed_by: int
    proposed_at: datetime
    approved_by: int | None
    approved_at: datetime | None
    changed_at: datetime
