"""Claiming due outbox rows for one sender, safely alongside other senders.

On PostgreSQL, `FOR UPDATE SKIP LOCKED` lets several instances claim at once without ever
taking the same row, and the shared budget row (locked for a moment) keeps all of them
together under Telegram's overall pace. SQLite has one writer at a time, so the same
statements give the same result there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    BindParameter,
    Table,
    and_,
    bindparam,
    delete,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.adapters.db.models import (
    AuditEvent,
    ChatPacing,
    OutboxMessage,
    Reminder,
    SendBudget,
    outbox_waiting,
)
from bot.domain.actors import ActorKind
from bot.domain.outbox import DeliveryState, Pace, Reservation, reserve
from bot.domain.reminders import ReminderState

_PENDING = DeliveryState.PENDING.value
_SENDING = DeliveryState.SENDING.value


@dataclass(frozen=True)
class Claimed:
    """A row this sender now holds a lease on, and the moment it may be sent."""

    id: int
    chat_id: int
    text: str
    reply_markup: dict[str, Any] | None
    lane: int
    attempts: int
    send_at: datetime
    # Sent without a sound, as the young person's profile asks (SE-8).
    silent: bool = False
    # A session reminder goes at most once (bot.adapters.outbox.sender: handed over first).
    reminder_id: int | None = None
    send_by: datetime | None = None


@dataclass(frozen=True)
class Claim:
    """What one claim produced; `budget_free_at` says when to try again if the budget was full."""

    messages: list[Claimed]
    budget_free_at: datetime | None = None


# The statements of a claim are built once: the sender claims every 100 ms or so.
_NOW: BindParameter[Any] = bindparam("now")
_DUE = or_(
    and_(OutboxMessage.state == _PENDING, OutboxMessage.not_before <= _NOW),
    and_(OutboxMessage.state == _SENDING, OutboxMessage.lease_until <= _NOW),
)
# Rows for chats still paced are left out here, not skipped later, so a queue of messages
# to one busy chat cannot hide everyone else's (head-of-line blocking).
_BUSY = select(ChatPacing.chat_id).where(
    ChatPacing.chat_id == OutboxMessage.chat_id,
    ChatPacing.next_free_at > bindparam("chats_free_by"),
)
# A chunk waits for the chunks before it, even when one of them is being retried.
_EARLIER = aliased(OutboxMessage)
_EARLIER_PART_WAITING = select(_EARLIER.id).where(
    _EARLIER.part_of == OutboxMessage.part_of,
    _EARLIER.part < OutboxMessage.part,
    outbox_waiting(_EARLIER),
)
# Messages queued together to one chat (one reply: "My goals" and each of its steps) go in
# the order they were queued: one waits while an earlier one of the same moment and no
# higher priority to the same chat is not yet claimed (once claimed, the chat's pacing sends
# them in turn). A safety message never waits for a reply.
_BEFORE = aliased(OutboxMessage)
_EARLIER_MESSAGE_WAITING = select(_BEFORE.id).where(
    _BEFORE.chat_id == OutboxMessage.chat_id,
    _BEFORE.created_at == OutboxMessage.created_at,
    _BEFORE.id < OutboxMessage.id,
    _BEFORE.lane <= OutboxMessage.lane,
    outbox_waiting(_BEFORE),
    _BEFORE.state == _PENDING,
)
_CANDIDATES = (
    select(OutboxMessage)
    .where(
        outbox_waiting(OutboxMessage),
        _DUE,
        ~_BUSY.exists(),
        or_(OutboxMessage.part_of.is_(None), ~_EARLIER_PART_WAITING.exists()),
        ~_EARLIER_MESSAGE_WAITING.exists(),
    )
    .order_by(OutboxMessage.lane, OutboxMessage.turn, OutboxMessage.not_before, OutboxMessage.id)
    .limit(bindparam("limit"))
    .with_for_update(skip_locked=True, of=OutboxMessage)
)
_BUDGET = select(SendBudget).where(SendBudget.id == 1).with_for_update()
_CHAT_FREE_AT = select(ChatPacing.chat_id, ChatPacing.next_free_at).where(
    ChatPacing.chat_id.in_(bindparam("chats", expanding=True))
)
_PACING = cast(Table, ChatPacing.__table__)


def _pace_chat(insert: Any) -> Any:
    upsert = insert(_PACING).values(chat_id=bindparam("chat"), next_free_at=bindparam("free_at"))
    return upsert.on_conflict_do_update(
        index_elements=["chat_id"], set_={"next_free_at": upsert.excluded.next_free_at}
    )


_PACE_CHAT = {"postgresql": _pace_chat(postgresql.insert), "sqlite": _pace_chat(sqlite.insert)}


async def _candidates(
    session: AsyncSession, now: datetime, chats_free_by: datetime, limit: int
) -> list[OutboxMessage]:
    found = await session.scalars(
        _CANDIDATES, {"now": now, "chats_free_by": chats_free_by, "limit": limit}
    )
    return list(found)


async def _chat_free_at(session: AsyncSession, chat_ids: set[int]) -> dict[int, datetime]:
    if not chat_ids:
        return {}
    rows = await session.execute(_CHAT_FREE_AT, {"chats": sorted(chat_ids)})
    return {row.chat_id: row.next_free_at for row in rows}


def _pick(
    candidates: list[OutboxMessage], chat_free: dict[int, datetime], slots: Reservation
) -> list[tuple[OutboxMessage, datetime]]:
    """Highest lane first, at most one message per chat, and never before the chat is free."""
    picked: list[tuple[OutboxMessage, datetime]] = []
    seen: set[int] = set()
    for row in candidates:
        if len(picked) == slots.count:
            break
        send_at = slots.at(len(picked))
        free_at = chat_free.get(row.chat_id)
        if row.chat_id in seen or (free_at is not None and free_at > send_at):
            continue
        seen.add(row.chat_id)
        picked.append((row, send_at))
    return picked


async def claim_due(
    session: AsyncSession,
    *,
    owner: str,
    now: datetime,
    pace: Pace,
    lease: timedelta,
    horizon: timedelta,
    limit: int,
) -> Claim:
    """Lease up to `limit` due rows to `owner` and give each a send slot; caller commits."""
    budget = await session.scalar(_BUDGET)
    if budget is None:
        raise RuntimeError("send_budget has no row: run waypoint migrate")
    slots = reserve(
        next_free=budget.next_free_at, now=now, pace=pace, horizon=horizon, wanted=limit
    )
    if slots.count == 0:
        return Claim([], budget_free_at=slots.start - horizon)
    # Look further than we can take: several candidates may be for the same chat.
    candidates = _drop_too_late(
        session, await _candidates(session, now, now + horizon, slots.count * 4), now
    )
    candidates = await _drop_withdrawn(session, candidates, now)
    picked = _pick(
        candidates, await _chat_free_at(session, {r.chat_id for r in candidates}), slots
    )
    claimed = []
    for row, send_at in picked:
        row.state = DeliveryState.SENDING
        row.lease_owner = owner
        row.lease_until = send_at + lease
        row.attempts += 1
        await session.execute(
            _PACE_CHAT[session.get_bind().dialect.name],
            {"chat": row.chat_id, "free_at": send_at + pace.chat_gap(row.chat_id)},
        )
        claimed.append(
            Claimed(
                row.id,
                row.chat_id,
                row.text,
                row.reply_markup,
                row.lane,
                row.attempts,
                send_at,
                row.silent,
                row.reminder_id,
                row.send_by,
            )
        )
    if claimed:
        budget.next_free_at = slots.at(len(claimed))
    return Claim(claimed)


TOO_LATE = "too late"


def _drop_too_late(
    session: AsyncSession, candidates: list[OutboxMessage], now: datetime
) -> list[OutboxMessage]:
    """Checked again at send time: a time-bound message past its `send_by` fails, with the
    reason kept on the row and in the audit trail, instead of arriving late."""
    kept = []
    for row in candidates:
        if row.send_by is None or row.send_by > now:
            kept.append(row)
            continue
        row.state, row.last_error = DeliveryState.FAILED, TOO_LATE
        row.lease_owner = row.lease_until = None
        row.text, row.reply_markup = "", None
        session.add(
            AuditEvent(
                occurred_at=now,
                action="outbox.too_late",
                actor_type=ActorKind.SYSTEM.value,
                hub_id=row.hub_id,
                subject_type="outbox",
                subject_id=row.id,
            )
        )
    return kept


WITHDRAWN = "withdrawn"
_WITHDRAWN_REMINDERS = select(Reminder.id).where(
    Reminder.id.in_(bindparam("reminders", expanding=True)),
    Reminder.state == ReminderState.WITHDRAWN.value,
)


async def _drop_withdrawn(
    session: AsyncSession, candidates: list[OutboxMessage], now: datetime
) -> list[OutboxMessage]:
    """Checked again at send time: a reminder whose session was moved or cancelled after it
    was queued fails as withdrawn instead of going out (SE-5). Costs nothing without reminders."""
    reminders = {row.reminder_id for row in candidates if row.reminder_id is not None}
    if not reminders:
        return candidates
    withdrawn = set(await session.scalars(_WITHDRAWN_REMINDERS, {"reminders": sorted(reminders)}))
    kept = []
    for row in candidates:
        if row.reminder_id not in withdrawn:
            kept.append(row)
            continue
        row.state, row.last_error = DeliveryState.FAILED, WITHDRAWN
        row.lease_owner = row.lease_until = None
        row.text, row.reply_markup = "", None
        session.add(
            AuditEvent(
                occurred_at=now,
                action="outbox.withdrawn",
                actor_type=ActorKind.SYSTEM.value,
                hub_id=row.hub_id,
                subject_type="outbox",
                subject_id=row.id,
            )
        )
    return kept


_WITHDRAWN_REMINDER = select(Reminder.id).where(
    Reminder.id == OutboxMessage.reminder_id,
    Reminder.state == ReminderState.WITHDRAWN.value,
)
_HAND_OVER = (
    update(OutboxMessage)
    .where(
        OutboxMessage.id == bindparam("row_id"),
        OutboxMessage.state == _SENDING,
        OutboxMessage.lease_owner == bindparam("me"),
        # Its session cancelled since, even if the cancel never reached this row.
        ~_WITHDRAWN_REMINDER.exists(),
    )
    .values(lease_until=bindparam("hold_until"))
)


async def hand_over(session: AsyncSession, *, row_id: int, owner: str, until: datetime) -> bool:
    """Just before a reminder is sent: True if it is still this sender's to send (not
    withdrawn since the claim), and then held until `until`, so a sender that dies mid-send
    leaves it to fail as too late instead of being sent twice (SE-12: at most once)."""
    result = await session.execute(
        _HAND_OVER, {"row_id": row_id, "me": owner, "hold_until": until}
    )
    return bool(getattr(result, "rowcount", 0))


async def forget_idle_chats(session: AsyncSession, now: datetime) -> None:
    """Drop pacing rows for chats that are free again, so the table stays small."""
    # Under the budget lock, like every claim, so no claim is updating a row being deleted.
    await session.scalar(select(SendBudget).where(SendBudget.id == 1).with_for_update())
    await session.execute(delete(ChatPacing).where(ChatPacing.next_free_at < now))


async def push_back(session: AsyncSession, *, chat_id: int, until: datetime) -> None:
    """After a 429, hold the whole budget and this chat until Telegram's `retry_after` is over."""
    budget = await session.scalar(select(SendBudget).where(SendBudget.id == 1).with_for_update())
    if budget is not None and budget.next_free_at < until:
        budget.next_free_at = until
    pacing = await session.get(ChatPacing, chat_id)
    if pacing is None:
        session.add(ChatPacing(chat_id=chat_id, next_free_at=until))
    elif pacing.next_free_at < until:
        pacing.next_free_at = until
