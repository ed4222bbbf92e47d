"""Rules for sending: priority lanes, Telegram's pace, and how long to wait before a retry."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum, StrEnum

# Telegram's published overall limit for a bot's messages.
TELEGRAM_PER_SECOND = 30


class Lane(IntEnum):
    """Priority, lowest number first: a safety message never waits behind a reminder burst."""

    SAFETY = 0
    REPLY = 1
    REMINDER = 2
    DIGEST = 3


class DeliveryState(StrEnum):
    """Where an outbox message is on its way out."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class Recipient(StrEnum):
    """Who a message is for, so a failure can be routed to the right people."""

    YOUNG_PERSON = "young_person"
    STAFF = "staff"
    # Someone Waypoint does not know: nothing about them is kept once the reply has gone.
    STRANGER = "stranger"


@dataclass(frozen=True)
class Pace:
    """Telegram's flood limits, a little under the published figures to leave headroom."""

    overall_per_second: float = 29.0
    # 1 a second per chat and 20 a minute per group, with room for a late arrival.
    private_chat_gap: timedelta = timedelta(seconds=1.1)
    group_chat_gap: timedelta = timedelta(seconds=3.1)

    def chat_gap(self, chat_id: int) -> timedelta:
        """The least time between two messages to one chat (group chats have negative ids)."""
        return self.group_chat_gap if chat_id < 0 else self.private_chat_gap

    @property
    def slot(self) -> timedelta:
        """The time one message takes from the overall budget."""
        return timedelta(seconds=1 / self.overall_per_second)


@dataclass(frozen=True)
class Reservation:
    """Send slots taken from the shared budget: the first slot and how many follow it."""

    start: datetime
    count: int
    slot: timedelta

    def at(self, index: int) -> datetime:
        """When the index-th reserved message may be sent."""
        return self.start + self.slot * index

    @property
    def next_free(self) -> datetime:
        """The first moment after this reservation that the budget is free again."""
        return self.start + self.slot * self.count


def reserve(
    *, next_free: datetime, now: datetime, pace: Pace, horizon: timedelta, wanted: int
) -> Reservation:
    """Take up to `wanted` slots that begin within `horizon` of now (none if the budget is ahead).

    Reserving only a short way ahead keeps a new safety message from queueing behind slots
    already promised to reminders.
    """
    start = max(now, next_free)
    room = (now + horizon - start) / pace.slot
    count = 0 if room < 0 else min(wanted, math.floor(room) + 1)
    return Reservation(start, count, pace.slot)


def retry_delay(attempt: int, jitter: float, *, lane: Lane = Lane.REPLY) -> timedelta:
    """How long to wait after a failed attempt (5xx, timeout): doubling from 2 s, up to 5 min
    (30 s on the safety lane: a lone alert must not sit out minutes after Telegram is back).

    `jitter` in [0, 1) spreads retries out so instances do not retry in step.
    """
    longest = 30.0 if lane is Lane.SAFETY else 300.0
    base = min(2.0 * 2 ** min(max(attempt - 1, 0), 20), longest)
    return timedelta(seconds=base * (0.5 + jitter / 2))


class RecentSends:
    """This sender's recent sends, to catch bunching that even slots cannot prevent.

    Slots are evenly spaced when they leave, but a busy event loop or a new connection can
    make several arrive at Telegram together and break its rolling one-second window. A send
    counts from the moment its answer came back (or as happening now while it is in flight),
    which is never earlier than Telegram saw it; so if fewer than `per_second` such moments
    fall in the last second, Telegram cannot count more than `per_second` either.
    """

    def __init__(self, per_second: int) -> None:
        self._limit = max(per_second, 1)
        self._moments: dict[int, datetime | None] = {}
        self._next = 0

    def wait_before_next(self, now: datetime) -> timedelta:
        """How long to hold the next send back (zero when it may go now)."""
        cutoff = now - timedelta(seconds=1)
        for ticket in [t for t, m in self._moments.items() if m is not None and m <= cutoff]:
            del self._moments[ticket]
        if len(self._moments) < self._limit:
            return timedelta(0)
        answered = [m for m in self._moments.values() if m is not None]
        if len(self._moments) - len(answered) >= self._limit:
            # The window is full of sends still in flight: look again shortly.
            return timedelta(milliseconds=5)
        # Enough of the oldest answers must age out for one more send to fit.
        answered.sort()
        return answered[len(self._moments) - self._limit] + timedelta(seconds=1) - now

    def begin(self) -> int:
        """Note a send leaving now; returns a ticket for `end`."""
        self._next += 1
        self._moments[self._next] = None
        return self._next

    def end(self, ticket: int, answered_at: datetime) -> None:
        """Note when the answer to the send with this ticket came back."""
        if ticket in self._moments:
            self._moments[ticket] = answered_at


# Telegram refuses a message longer than this, counted in UTF-16 code units.
TELEGRAM_TEXT_LIMIT = 4096
_BREAKS = ("\n\n", "\n", ". ", " ")


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _fits(text: str, limit: int) -> int:
    """How many characters of `text` fit in `limit` UTF-16 units."""
    count = used = 0
    for character in text:
        used += 2 if ord(character) > 0xFFFF else 1
        if used > limit:
            break
        count += 1
    return count


def split_for_telegram(text: str, limit: int = TELEGRAM_TEXT_LIMIT) -> list[str]:
    """Cut a text into parts Telegram accepts, in order, at a paragraph, a line, a sentence or
    a word where it can (nothing is dropped; a part is never empty)."""
    parts = []
    rest = text
    while _units(rest) > limit:
        room = _fits(rest, limit)
        head = rest[:room]
        cut = next(
            (head.rfind(mark) + len(mark) for mark in _BREAKS if head.rfind(mark) > room // 2),
            room,
        )
        part, rest = rest[:cut].rstrip(), rest[cut:].lstrip()
        if part:
            parts.append(part)
    if rest.strip() or not parts:
        parts.append(rest)
    return parts


class Outage:
    """Sends of several different messages failing in a row, for reasons that may pass (5xx,
    timeouts): the fault is Telegram's, not the messages'. Sending then pauses as a whole
    (2 s, doubling to 30 s), and a failure costs no message an attempt. One message failing
    again and again is that message's problem: it uses up its own attempts."""

    AFTER = 3
    LONGEST = timedelta(seconds=30)

    def __init__(self) -> None:
        self._failures = 0
        self._failing: set[int] = set()

    @property
    def down(self) -> bool:
        """Whether Telegram looks down now."""
        return len(self._failing) >= self.AFTER

    def after(self, message_id: int, *, failed: bool, worked: bool) -> timedelta | None:
        """Note one send's outcome; the pause to take, if Telegram looks down."""
        if worked:
            self._failures = 0
            self._failing.clear()
        elif failed:
            self._failures += 1
            self._failing.add(message_id)
        if not self.down:
            return None
        doublings = min(self._failures - self.AFTER, 10)
        return min(timedelta(seconds=2 * 2**doublings), self.LONGEST)


# What one attempt to send a message came to: the transport turns Telegram's answers into
# these, and the sender decides what happens next from them alone.
@dataclass(frozen=True)
class Sent:
    """Telegram accepted the message."""

    telegram_message_id: int


@dataclass(frozen=True)
class SlowDown:
    """Telegram said 429: wait this long before sending anything more."""

    wait: timedelta


@dataclass(frozen=True)
class TryAgain:
    """A fault that may pass (5xx, a timeout, a dropped connection)."""

    reason: str


@dataclass(frozen=True)
class Blocked:
    """The person blocked the bot or deleted their account (403)."""


@dataclass(frozen=True)
class Refused:
    """Telegram will never accept this message as it is (400)."""

    reason: str


Outcome = Sent | SlowDown | TryAgain | Blocked | Refused


@dataclass(frozen=True)
class AlertButtons:
    """The two buttons under an alert to staff, "I've got this" and "Call me", with the
    labels in the reader's words; the Telegram adapter turns them into a keyboard."""

    concern_id: int
    acknowledge: str
    call_me: str


@dataclass(frozen=True)
class StaffChoices:
    """Buttons under a question to staff (booking a session): each a label in the reader's
    words and what tapping it does, (`did`, `value`), never anything a young person wrote;
    the Telegram adapter turns them into a keyboard."""

    options: tuple[tuple[str, str, str], ...]
