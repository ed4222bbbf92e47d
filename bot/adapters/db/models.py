"""The tables. Alembic migrations in migrations/ must always match these (a test checks)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any, ClassVar, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ColumnElement,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    literal_column,
    text,
)
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from bot.adapters.db.types import UTCDateTime
from bot.domain.goals import Area, Cadence, GoalState, Scale, StepState
from bot.domain.ladder import ConcernState
from bot.domain.outbox import DeliveryState, Recipient
from bot.domain.people import Role
from bot.domain.reminders import ReminderState
from bot.domain.safety.additions import SafetyWordKind
from bot.domain.safety.worry import Urgency
from bot.domain.sessions import SessionState, SessionWith
from bot.domain.wording import WordingStatus

# Named constraints, so migrations can alter them on SQLite (batch mode) and PostgreSQL alike.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _stored(kind: type[StrEnum], length: int) -> SAEnum:
    """An enum kept as its value in a plain VARCHAR column (no database enum type, no CHECK:
    a new value needs no migration), read back as the enum."""
    return SAEnum(
        kind,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


class Base(DeclarativeBase):
    """Base class for every table."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
    }


class Council(Base):
    """A local authority running one or more hubs: the tenant."""

    __tablename__ = "councils"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    # How concerns climb the ladder here (bot.domain.ladder.CouncilRules has the defaults).
    out_of_hours_phone: Mapped[str | None] = mapped_column(String(40))
    minutes_high: Mapped[int] = mapped_column(Integer, default=10, server_default="10")
    minutes_other: Mapped[int] = mapped_column(Integer, default=60, server_default="60")
    office_opens_hour: Mapped[int] = mapped_column(SmallInteger, default=9, server_default="9")
    office_closes_hour: Mapped[int] = mapped_column(SmallInteger, default=17, server_default="17")
    on_call_first: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    police_liaison: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # No reminder in these hours (SE-7), and the zone of its places (SE-2).
    quiet_from_hour: Mapped[int] = mapped_column(SmallInteger, default=21, server_default="21")
    quiet_until_hour: Mapped[int] = mapped_column(SmallInteger, default=8, server_default="8")
    timezone: Mapped[str] = mapped_column(
        String(64), default="Europe/London", server_default="Europe/London"
    )


class Hub(Base):
    """A No Wrong Door hub: its staff see only its own young people."""

    __tablename__ = "hubs"
    __table_args__ = (UniqueConstraint("council_id", "slug"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    slug: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]

    council: Mapped[Council] = relationship(lazy="joined")


class Staff(Base):
    """A member of hub staff who uses Waypoint from their own Telegram account."""

    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hub_id: Mapped[int] = mapped_column(ForeignKey("hubs.id"), index=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[Role] = mapped_column(_stored(Role, 32))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    # A worker who is away passes new alerts to their cover.
    away: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    cover_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))

    hub: Mapped[Hub] = relationship(lazy="joined")


class YoungPerson(Base):
    """A young person who has linked their Telegram account to their named key worker."""

    __tablename__ = "young_people"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hub_id: Mapped[int] = mapped_column(ForeignKey("hubs.id"), index=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    first_name: Mapped[str] = mapped_column(String(40))
    key_worker_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    life_coach_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    language: Mapped[str] = mapped_column(String(16), default="en")
    # Filled in by the speech and language therapist; its shape is defined with content profiles.
    communication_profile: Mapped[dict[str, Any] | None]
    linked_at: Mapped[datetime]
    # Set when Telegram says the young person blocked the bot; cleared when they write again.
    unreachable_since: Mapped[datetime | None]
    # The last choice Waypoint asked (a message id), so a written answer can be matched to it.
    awaiting_choice: Mapped[str | None] = mapped_column(String(64))
    # Set while the young person is writing to their worker through Waypoint: their next words
    # go to the worker (check-ins and reminders, when built, are to wait until it has passed).
    talking_until: Mapped[datetime | None]
    # Words Waypoint could not act on, kept for their worker (in order, one message a line)
    # until the young person sends them or their worker next opens Waypoint; then cleared.
    # Their words, so never logged (bot.services.kept_words).
    kept_words: Mapped[str | None] = mapped_column(Text)
    # When the first of the kept words was written.
    kept_since: Mapped[datetime | None]
    # Set by /stop, cleared by /start: Waypoint starts nothing with them meanwhile, except
    # about a concern (bot.services.pausing).
    paused_at: Mapped[datetime | None]
    # No session reminders until then: the young person paused them for a day or a week.
    reminders_paused_until: Mapped[datetime | None]
    # Under 18, a missed session is recorded as "not brought" (unknown counts as under 18).
    born_on: Mapped[date | None] = mapped_column(Date)
    # What the open question (`awaiting_choice`) is about, when it is about one thing of
    # theirs (a goal, a step): a written answer goes to it. Only ever an id of their own.
    choice_ref: Mapped[int | None] = mapped_column(BigInteger)

    key_worker: Mapped[Staff] = relationship(foreign_keys=[key_worker_id], lazy="joined")


class Invite(Base):
    """A single-use link a key worker gives a young person; only the code's hash is kept."""

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    first_name: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    young_person_id: Mapped[int | None] = mapped_column(ForeignKey("young_people.id"))
    # Set when a manager or operator withdraws the link, or the message carrying it is cleared.
    revoked_at: Mapped[datetime | None]

    worker: Mapped[Staff] = relationship(lazy="joined")


class AuditEvent(Base):
    """Who did what to whom, and when. Ids and action names only: never anyone's words."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(index=True)
    hub_id: Mapped[int | None] = mapped_column(ForeignKey("hubs.id"), index=True)
    actor_type: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[int | None]
    action: Mapped[str] = mapped_column(String(64))
    subject_type: Mapped[str | None] = mapped_column(String(32))
    subject_id: Mapped[int | None]


class CodeAttempt(Base):
    """Recent failed invite codes from one account, keyed by a hash of the account id."""

    __tablename__ = "code_attempts"

    subject: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int]
    window_started_at: Mapped[datetime]
    blocked_until: Mapped[datetime | None]


class StrangerAnswers(Base):
    """How many answers one stranger has had this hour, under a pseudonymous key."""

    __tablename__ = "stranger_answers"

    subject: Mapped[str] = mapped_column(String(64), primary_key=True)
    count: Mapped[int]
    window_started_at: Mapped[datetime] = mapped_column(index=True)


# SQLite only makes INTEGER PRIMARY KEY an auto-incrementing rowid; PostgreSQL gets a bigint.
_BigId = BigInteger().with_variant(Integer(), "sqlite")
_WAITING = text("state IN ('pending', 'sending')")


def outbox_waiting(table: Any) -> ColumnElement[bool]:
    """`state IN ('pending', 'sending')` of the outbox (or an alias of it) in the words of the
    partial indexes ix_outbox_due and ix_outbox_waiting_chat. SQLite uses a partial index only
    when a query states its condition as literals, and PostgreSQL's generic plans are as blind:
    with the states as bound parameters each claim scanned the whole outbox, and its "earlier
    message still waiting?" scanned it again for each candidate (a claim took 4 ms with 900
    rows kept and 13 ms with 2,700, on the event loop)."""
    return cast(
        "ColumnElement[bool]",
        table.state.in_([literal_column("'pending'"), literal_column("'sending'")]),
    )


_FAILED_WITH_WORDS = text("state = 'failed' AND text <> ''")


class OutboxMessage(Base):
    """One message on its way out: written in the same transaction as the change behind it."""

    __tablename__ = "outbox"
    __table_args__ = (
        # Only waiting rows are indexed, so finding what is due costs the same at any size.
        Index(
            "ix_outbox_due",
            "lane",
            "turn",
            "not_before",
            "id",
            postgresql_where=_WAITING,
            sqlite_where=_WAITING,
        ),
        # Failed messages whose words are still kept (cleared after a week).
        Index(
            "ix_outbox_failed_words",
            "created_at",
            postgresql_where=_FAILED_WITH_WORDS,
            sqlite_where=_FAILED_WITH_WORDS,
        ),
        # "Is a reply to this chat still waiting?" (one waiting reply per stranger).
        Index(
            "ix_outbox_waiting_chat", "chat_id", postgresql_where=_WAITING, sqlite_where=_WAITING
        ),
    )

    id: Mapped[int] = mapped_column(_BigId, primary_key=True)
    lane: Mapped[int] = mapped_column(SmallInteger)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    recipient_type: Mapped[Recipient] = mapped_column(_stored(Recipient, 16))
    recipient_id: Mapped[int]
    hub_id: Mapped[int | None] = mapped_column(ForeignKey("hubs.id"))
    message_key: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    reply_markup: Mapped[dict[str, Any] | None]
    idempotency_key: Mapped[str | None] = mapped_column(String(128), unique=True)
    # A message split into chunks: each part waits until the part before it has gone.
    part_of: Mapped[str | None] = mapped_column(String(32), index=True)
    part: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    alert_for_id: Mapped[int | None] = mapped_column(BigInteger)
    # The young person a message is to or about: a failed safety message is rerouted only to
    # staff who may read about them (bot.domain.access), and alerts about one young person
    # take turns with alerts about others.
    about_id: Mapped[int | None] = mapped_column(Integer)
    # The concern a safety message belongs to: it is never given up while the concern is open.
    concern_id: Mapped[int | None] = mapped_column(Integer)
    # The invite whose link the text carries: the link dies when the text is cleared.
    invite_id: Mapped[int | None] = mapped_column(Integer)
    # Within a lane, lower turns go first: the n-th waiting message about the same young
    # person to the same chat waits for the first messages about everyone else.
    turn: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    state: Mapped[DeliveryState] = mapped_column(_stored(DeliveryState, 16))
    created_at: Mapped[datetime]
    not_before: Mapped[datetime]
    # A time-bound message (a reminder) not sent by then is dropped, never sent late.
    send_by: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    last_error: Mapped[str | None] = mapped_column(String(64))
    # The session reminder this is: checked again at send time (its session may be cancelled).
    reminder_id: Mapped[int | None] = mapped_column(BigInteger)
    # Sent without a sound (Telegram's disable_notification), as the young person's profile asks.
    silent: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")


class SendBudget(Base):
    """The overall pace shared by every sender: the first free send slot (one row)."""

    __tablename__ = "send_budget"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    next_free_at: Mapped[datetime]


class ChatPacing(Base):
    """When each chat may next be sent to; rows are pruned once they are in the past."""

    __tablename__ = "chat_pacing"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    next_free_at: Mapped[datetime] = mapped_column(index=True)


class Concern(Base):
    """Something a young person is worried about, stored before anything else happens."""

    __tablename__ = "concerns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hub_id: Mapped[int] = mapped_column(ForeignKey("hubs.id"), index=True)
    young_person_id: Mapped[int] = mapped_column(ForeignKey("young_people.id"), index=True)
    raised_at: Mapped[datetime]
    source: Mapped[str] = mapped_column(String(16))
    category: Mapped[str | None] = mapped_column(String(32))
    # What the worry is about when it is for another young person (category other_child).
    harm: Mapped[str | None] = mapped_column(String(32))
    urgency: Mapped[Urgency] = mapped_column(_stored(Urgency, 8))
    # The young person's own words, exactly as written (research SG-5): never logged. Set once
    # (the database refuses to change them); words that come later are in concern_words.
    words: Mapped[str | None] = mapped_column(Text)
    state: Mapped[ConcernState] = mapped_column(_stored(ConcernState, 16))
    in_hours: Mapped[bool] = mapped_column(Boolean)
    # -1 until the first step (the named worker) has been taken.
    rung: Mapped[int] = mapped_column(SmallInteger, default=-1)
    # When the next step up the ladder is due; None once someone has it or it is closed.
    next_step_at: Mapped[datetime | None] = mapped_column(index=True)
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    # The Telegram message the worry came in: an edit of it adds to this concern.
    source_message_id: Mapped[int | None] = mapped_column(BigInteger)
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))

    young_person: Mapped[YoungPerson] = relationship(lazy="joined")


class ConcernEvent(Base):
    """One line of a concern's chronology. Rows are only ever added (triggers refuse changes)."""

    __tablename__ = "concern_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    concern_id: Mapped[int] = mapped_column(ForeignKey("concerns.id"), index=True)
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(32))
    actor_type: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None]
    # Who was told, or a member of staff's outcome note; never the young person's words.
    detail: Mapped[str | None] = mapped_column(Text)


class ConcernWords(Base):
    """More words for a concern, written after it was raised. Only ever added (triggers)."""

    __tablename__ = "concern_words"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    concern_id: Mapped[int] = mapped_column(ForeignKey("concerns.id"), index=True)
    at: Mapped[datetime]
    # Exactly as the young person wrote them: never logged.
    words: Mapped[str] = mapped_column(Text)
    source_message_id: Mapped[int | None] = mapped_column(BigInteger)


_INBOX_PENDING = text("state = 'pending'")


class InboxUpdate(Base):
    """One update from Telegram, stored before Telegram is told it arrived.

    Handled at most once: the first commit made while handling it also marks it handled, and
    a second attempt (after a crash or a takeover) finds it handled and rolls back. The raw
    update (words and names) is cleared once handled.
    """

    __tablename__ = "inbox"
    __table_args__ = (
        Index(
            "ix_inbox_pending",
            "lease_until",
            postgresql_where=_INBOX_PENDING,
            sqlite_where=_INBOX_PENDING,
        ),
    )

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    # Updates from one chat are handled in order; different chats at the same time.
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    received_at: Mapped[datetime] = mapped_column(index=True)
    payload: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None]
    handled_at: Mapped[datetime | None]
    # Why an update was set aside (a type name, never its contents).
    problem: Mapped[str | None] = mapped_column(String(64))


class RecentWords(Base):
    """One of a young person's last few messages that were not a worry, kept five minutes at
    most: a worry spread over several messages is heard as one, whichever instance handles
    the last."""

    __tablename__ = "recent_words"

    id: Mapped[int] = mapped_column(primary_key=True)
    young_person_id: Mapped[int] = mapped_column(ForeignKey("young_people.id"), index=True)
    words: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(index=True)


class CommandMenu(Base):
    """A chat whose command menu in Telegram is due to be set (or cleared): the commands of
    the person it now belongs to. The row goes once Telegram has it; `due_at` is pushed on
    while one instance is setting it (a lease), so two instances do not both try."""

    __tablename__ = "command_menus"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    due_at: Mapped[datetime] = mapped_column(index=True)


class Heartbeat(Base):
    """When something that must keep running last did its work (the poller, the sender)."""

    __tablename__ = "heartbeats"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    at: Mapped[datetime]


_AHEAD = text("state IN ('booked', 'moved')")
_TO_FOLLOW = text("weekly AND NOT followed")
_REMINDER_PENDING = text("state = 'pending'")


class Session(Base):
    """One booked session (one week's of a weekly one), kept as the wall-clock time at its
    place plus the place's zone (SE-2); `starts_at` is derived from the two."""

    __tablename__ = "sessions"
    __table_args__ = (
        Index(
            "ix_sessions_ahead",
            "young_person_id",
            "starts_at",
            postgresql_where=_AHEAD,
            sqlite_where=_AHEAD,
        ),
        # Weekly sessions whose next week is still to be made: found by start, at any size.
        Index(
            "ix_sessions_to_follow",
            "starts_at",
            postgresql_where=_TO_FOLLOW,
            sqlite_where=_TO_FOLLOW,
        ),
    )

    id: Mapped[int] = mapped_column(_BigId, primary_key=True)
    hub_id: Mapped[int] = mapped_column(ForeignKey("hubs.id"))
    young_person_id: Mapped[int] = mapped_column(ForeignKey("young_people.id"), index=True)
    with_kind: Mapped[SessionWith] = mapped_column(_stored(SessionWith, 16))
    # The member of staff they see, or who goes with them to an outside appointment.
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    # Someone else going with them (a carer, a solicitor), as staff wrote it.
    companion: Mapped[str | None] = mapped_column(String(80))
    # Where, as staff wrote it; None is the young person's hub.
    place: Mapped[str | None] = mapped_column(String(200))
    local_start: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    zone: Mapped[str] = mapped_column(String(64))
    starts_at: Mapped[datetime]
    minutes: Mapped[int] = mapped_column(Integer)
    weekly: Mapped[bool] = mapped_column(Boolean, default=False)
    # The first week's id: every week of a weekly session shares it.
    series_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    # The next week of a weekly session has been made.
    followed: Mapped[bool] = mapped_column(Boolean, default=False)
    # Reminder offsets for this session ("1d,2h", "none"); None takes the young person's.
    reminders: Mapped[str | None] = mapped_column(String(32))
    state: Mapped[SessionState] = mapped_column(_stored(SessionState, 16))
    created_at: Mapped[datetime]
    changed_at: Mapped[datetime]


class SessionEvent(Base):
    """One line of a session's history: who changed what and when (only ever added)."""

    __tablename__ = "session_events"

    id: Mapped[int] = mapped_column(_BigId, primary_key=True)
    session_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("sessions.id"), index=True)
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(32))
    actor_type: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None]
    # The time before a move, or why a reminder was left out; never a young person's words.
    detail: Mapped[str | None] = mapped_column(String(200))


class Reminder(Base):
    """One reminder of one session, due at a moment decided when the session was booked or
    moved. Claimed by the reminders tick with SKIP LOCKED; sent at most once (SE-12)."""

    __tablename__ = "reminders"
    __table_args__ = (
        # Only pending reminders are indexed, so a tick costs what is due, not what is stored.
        Index(
            "ix_reminders_due",
            "due_at",
            "id",
            postgresql_where=_REMINDER_PENDING,
            sqlite_where=_REMINDER_PENDING,
        ),
    )

    id: Mapped[int] = mapped_column(_BigId, primary_key=True)
    session_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("sessions.id"), index=True)
    offset: Mapped[str] = mapped_column(String(8))
    due_at: Mapped[datetime]
    state: Mapped[ReminderState] = mapped_column(_stored(ReminderState, 16))
    done_at: Mapped[datetime | None]
    reason: Mapped[str | None] = mapped_column(String(32))


class BookingDraft(Base):
    """A session a member of staff is booking with buttons (/book), one at a time each, kept
    here and not in memory because any instance may take their next tap (bot.domain.booking)."""

    __tablename__ = "booking_drafts"

    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff.id"), primary_key=True, autoincrement=False
    )
    step: Mapped[str] = mapped_column(String(16))
    young_person_id: Mapped[int | None] = mapped_column(ForeignKey("young_people.id"))
    day: Mapped[date | None] = mapped_column(Date)
    # Minutes after midnight, wall clock at the place.
    minute: Mapped[int | None] = mapped_column(SmallInteger)
    # As the member of staff wrote it; None is the young person's hub.
    place: Mapped[str | None] = mapped_column(String(200))
    expires_at: Mapped[datetime] = mapped_column(index=True)


class GoalDraft(Base):
    """A goal a coach or worker is making with a young person (/goal), one at a time each,
    kept here and not in memory because any instance may take their next message
    (bot.domain.goal_flow). The words are the young person's: the row goes once it is saved
    or given up, and after 30 minutes at most."""

    __tablename__ = "goal_drafts"

    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff.id"), primary_key=True, autoincrement=False
    )
    step: Mapped[str] = mapped_column(String(16))
    young_person_id: Mapped[int] = mapped_column(ForeignKey("young_people.id"))
    # Exactly as written (GL-2), read back before it is saved.
    words: Mapped[str | None] = mapped_column(Text)
    expires_at: Mapped[datetime] = mapped_column(index=True)


_CHECK_IN_DUE = text("next_check_in_at IS NOT NULL")
_DIGEST_DUE = text("due_at IS NOT NULL")


class Goal(Base):
    """A goal a young person owns (GL-1..10). Its words are in goal_versions (only ever
    added); what happened to it is in goal_events."""

    __tablename__ = "goals"
    __table_args__ = (
        # Goals whose check-in is due, found by time whatever the number of goals.
        Index(
            "ix_goals_check_in_due",
            "next_check_in_at",
            postgresql_where=_CHECK_IN_DUE,
            sqlite_where=_CHECK_IN_DUE,
        ),
    )

    id: Mapped[int] = mapped_column(_BigId, primary_key=True)
    hub_id: Mapped[int] = mapped_column(ForeignKey("hubs.id"))
    young_person_id: Mapped[int] = mapped_column(ForeignKey("young_people.id"), index=True)
    state: Mapped[GoalState] = mapped_column(_stored(GoalState, 16))
    area: Mapped[Area | None] = mapped_column(_stored(Area, 16))
    cadence: Mapped[Cadence] = mapped_column(_stored(Cadence, 16))
    # The latest version's number (goal_versions.version).
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Who expressed it (FHIR's expressedBy): the young person, or staff with them.
    expressed_by_type: Mapped[str] = mapped_column(String(16))
    expressed_by_id: Mapped[int | None]
    created_at: Mapped[datetime]
    changed_at: Mapped[datetime]
    last_rated_at: Mapped[datetime | None]
    # The next check-in (None at sessions only, or while paused or done).
    next_check_in_at: Mapped[datetime | None]
    # The check-in asked and not answered yet, and whether it was asked again (GL-7).
    asked_at: Mapped[datetime | None]
    repeats: Mapped[int] = mapped_column(SmallInteger, default=0)
    # When the worker was last asked to rate it with them (12 weeks without a rating).
    review_asked_at: Mapped[datetime | None]


class GoalVersion(Base):
    """A goal's words, exactly as given (GL-2); a change is a new version (GL-9)."""

    __tablename__ = "goal_versions"
    __table_args__ = (UniqueConstraint("goal_id", "version"),)

    id: Mapped[int] = mapped_column(_BigId, primary_key=True)
    goal_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("goals.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    # The young person's words: never logged.
    words: Mapped[str] = mapped_column(Text)
    # Staff's own wording, if any, kept apart from the young person's.
    staff_words: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime]
    by_type: Mapped[str] = mapped_column(String(16))
    by_id: Mapped[int | None]


class GoalRating(Base):
    """One rating, on its own scale, never converted (GL-3)."""

    __tablename__ = "goal_ratings"

    id: Mapped[int] = mapped_column(_BigId, primary_key=True)
    goal_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("goals.id"), index=True)
    # The words it was given against.
    version: Mapped[int] = mapped_column(Integer)
    scale: Mapped[Scale] = mapped_column(_stored(Scale, 16))
    value: Mapped[str] = mapped_column(String(16))
    baseline: Mapped[bool] = mapped_column(Boolean, default=False)
    at: Mapped[datetime]
    by_type: Mapped[str] = mapped_column(String(16))
    by_id: Mapped[int | None]


class GoalStep(Base):
    """A small step towards a goal (GL-5): open, done, changed or dropped."""

    __tablename__ = "goal_steps"

    id: Mapped[int] = mapped_column(_BigId, primary_key=True)
    goal_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("goals.id"), index=True)
    words: Mapped[str] = mapped_column(Text)
    state: Mapped[StepState] = mapped_column(_stored(StepState, 16))
    due_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime]
    changed_at: Mapped[datetime]
    by_type: Mapped[str] = mapped_column(String(16))
    by_id: Mapped[int | None]


class GoalEvent(Base):
    """One line of a goal's history: made, agreed, rated, a step done, paused, completed,
    dropped, with who and (for staff) why. Only ever added."""

    __tablename__ = "goal_events"

    id: Mapped[int] = mapped_column(_BigId, primary_key=True)
    goal_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("goals.id"), index=True)
    young_person_id: Mapped[int] = mapped_column(ForeignKey("young_people.id"))
    at: Mapped[datetime] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(32))
    actor_type: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None]
    detail: Mapped[str | None] = mapped_column(Text)


class GoalDigest(Base):
    """When a young person's weekly goal digest is next due to their worker and coach."""

    __tablename__ = "goal_digests"
    __table_args__ = (
        Index(
            "ix_goal_digests_due", "due_at", postgresql_where=_DIGEST_DUE, sqlite_where=_DIGEST_DUE
        ),
    )

    young_person_id: Mapped[int] = mapped_column(
        ForeignKey("young_people.id"), primary_key=True, autoincrement=False
    )
    due_at: Mapped[datetime | None]
    # What changed since then goes in the next digest.
    since: Mapped[datetime]


class ConsoleLink(Base):
    """A single-use link that signs a member of staff in to the console (issue 15). Only the
    token's SHA-256 is kept: the token itself went to their Telegram chat and nowhere else."""

    __tablename__ = "console_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)
    used_at: Mapped[datetime | None]


class ConsoleSession(Base):
    """A console session: the browser holds its id in a cookie, the database only its
    SHA-256, the time it began and was last used (bot.domain.console), and its CSRF token."""

    __tablename__ = "console_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime] = mapped_column(index=True)
    ended_at: Mapped[datetime | None]


class WordingVersion(Base):
    """One version of one message's wording in one language, written for one council in the
    content studio (issue 16). Rows are kept for history; the newest approved one per
    (council, message, language) is live for that council, over the shipped file."""

    __tablename__ = "wording_versions"
    __table_args__ = (
        Index("ix_wording_versions_council_message", "council_id", "message_id", "language"),
        # The refresh tick's grouped query reads only this index.
        Index("ix_wording_versions_status_council", "status", "council_id", "changed_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"))
    message_id: Mapped[str] = mapped_column(String(100))
    language: Mapped[str] = mapped_column(String(16))
    easy: Mapped[str | None] = mapped_column(Text)
    standard: Mapped[str | None] = mapped_column(Text)
    # English only: one picture per line of the easy text, and the message's buttons.
    symbols: Mapped[list[str]] = mapped_column(JSON)
    buttons: Mapped[list[str]] = mapped_column(JSON)
    status: Mapped[WordingStatus] = mapped_column(_stored(WordingStatus, 16))
    # Null when an operator imported it from content files.
    written_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    written_at: Mapped[datetime]
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    approved_at: Mapped[datetime | None]
    # A translation's English: the council's version it translates (null: the shipped one).
    english_version_id: Mapped[int | None] = mapped_column(ForeignKey("wording_versions.id"))
    changed_at: Mapped[datetime]


class SafetyWord(Base):
    """A phrase for the lexicon or a labelled example, proposed for one council by its
    safeguarding lead in the studio (issue 16). Rows are kept for history; an approved phrase
    is heard for that council's young people, an approved example is exported for training."""

    __tablename__ = "safety_words"
    __table_args__ = (
        Index("ix_safety_words_council_kind", "council_id", "kind"),
        # The refresh tick's grouped query reads only this index.
        Index("ix_safety_words_status_kind_council", "status", "kind", "council_id", "changed_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"))
    kind: Mapped[SafetyWordKind] = mapped_column(_stored(SafetyWordKind, 16))
    # A lexicon category; null for an example labelled none.
    category: Mapped[str | None] = mapped_column(String(40))
    # A phrase's list (phrases or maybe), or an example's label (worry or none).
    label: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[WordingStatus] = mapped_column(_stored(WordingStatus, 16))
    proposed_by: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    proposed_at: Mapped[datetime]
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    approved_at: Mapped[datetime | None]
    changed_at: Mapped[datetime]
