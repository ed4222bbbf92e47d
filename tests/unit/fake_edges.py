"""In-memory repositories for the records around the edges: code attempts, the audit trail,
heartbeats, outbox rows, strangers' budgets and the inbox (bot/adapters/db/repositories.py
and inbox.py)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from bot.domain.actors import Actor, ActorKind, KnownStaff, KnownYoungPerson, Stranger, Writer
from bot.domain.guessing import Attempts
from bot.domain.outbox import DeliveryState
from bot.domain.people import Role
from bot.domain.strangers import Answered
from bot.services.ports import AuditEntry, AuditQuery, Leased
from bot.services.records import OutboxRecord
from tests.unit.fake_records import AuditEvent, InboxUpdate, Queued, Tables
from tests.unit.fake_repositories import Ids

_WAITING = (DeliveryState.PENDING.value, DeliveryState.SENDING.value)


class FakeCodeAttempts:
    """Failed invite code attempts by pseudonymous subject."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def get(self, subject: str) -> Attempts | None:
        """The attempts record for this subject."""
        return self._t.code_attempts.get(subject)

    async def put(self, subject: str, attempts: Attempts) -> None:
        """Store the new state of the record."""
        self._t.code_attempts[subject] = attempts

    async def forget(self, subject: str) -> None:
        """Delete the record for this subject."""
        self._t.code_attempts.pop(subject, None)

    async def forget_stale(self, cutoff: datetime) -> None:
        """Delete records whose window (unpaused) or last pause ended by the cutoff."""
        for subject, a in list(self._t.code_attempts.items()):
            ended = a.window_started_at if a.blocked_until is None else a.blocked_until
            if ended <= cutoff:
                del self._t.code_attempts[subject]


class FakeAuditLog:
    """The append-only audit trail."""

    def __init__(self, tables: Tables, ids: Ids) -> None:
        self._t, self._ids = tables, ids

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
        event = AuditEvent(
            self._ids(), at, action, by.kind.value, by.id, hub_id, subject_type, subject_id
        )
        self._t.add(self._t.audit, event)

    async def actors(
        self, action: str, *, subject_type: str, subject_id: int, since: datetime
    ) -> list[Actor]:
        """Who did `action` to this subject since `since`, in order, each once."""
        found = [
            Actor(ActorKind(e.actor_type), e.actor_id)
            for e in self._t.audit
            if (e.action, e.subject_type, e.subject_id) == (action, subject_type, subject_id)
            and e.occurred_at >= since
        ]
        return list(dict.fromkeys(found))

    async def latest(
        self, action: str, *, subject_type: str, subject_id: int, limit: int
    ) -> list[AuditEntry]:
        """The latest `limit` times anyone did `action` to this subject, newest first."""
        found = [
            AuditEntry(e.occurred_at, Actor(ActorKind(e.actor_type), e.actor_id))
            for e in self._t.audit
            if (e.action, e.subject_type, e.subject_id) == (action, subject_type, subject_id)
        ]
        return found[::-1][:limit]

    async def search(self, query: AuditQuery) -> list[AuditEvent]:
        """One hub's lines matching `query`, newest first (its offset and limit)."""
        found = [
            e
            for e in self._t.audit
            if e.hub_id == query.hub_id
            and (query.staff_id is None or (e.actor_type, e.actor_id) == ("staff", query.staff_id))
            and e.action.startswith(query.action_prefix or "")
            and (
                query.young_person_id is None
                or (e.subject_type, e.subject_id) == ("young_person", query.young_person_id)
            )
            and (query.since is None or e.occurred_at >= query.since)
            and (query.until is None or e.occurred_at < query.until)
        ]
        found.sort(key=lambda e: (e.occurred_at, e.id), reverse=True)
        return found[query.offset : query.offset + query.limit]


class FakeHeartbeats:
    """When the parts that must keep running last worked."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def beat(self, name: str, now: datetime) -> None:
        """Record that `name` worked just now."""
        self._t.heartbeats[name] = now

    async def last(self, name: str) -> datetime | None:
        """When `name` last worked, if ever."""
        return self._t.heartbeats.get(name)


class FakeIdentities:
    """Who a Telegram account belongs to."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def writer(self, telegram_user_id: int) -> Writer:
        """Staff who have not left first, then a linked young person, else a stranger."""
        for staff in self._t.staff:
            if staff.telegram_user_id == telegram_user_id and staff.active:
                return KnownStaff(
                    staff.id, telegram_user_id, staff.hub_id, staff.hub.council_id,
                    Role(staff.role), staff.name,
                )  # fmt: skip
        for person in self._t.young_people:
            if person.telegram_user_id == telegram_user_id:
                return KnownYoungPerson(person.id, telegram_user_id, person.hub_id)
        return Stranger(telegram_user_id)


class FakeRecentWords:
    """A young person's last few messages that were not a worry, oldest first."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def earlier(self, young_person_id: int, *, since: datetime) -> list[str]:
        """Their messages kept since `since`, oldest first."""
        kept = self._t.recent_words.get(young_person_id, [])
        return [words for words, at in kept if at >= since]

    async def keep(self, young_person_id: int, words: str, *, at: datetime, most: int) -> None:
        """Keep this message with their newest, up to `most` in all."""
        kept = [*self._t.recent_words.get(young_person_id, []), (words, at)]
        self._t.recent_words[young_person_id] = kept[-most:]

    async def forget(self, young_person_id: int) -> None:
        """Drop every message of theirs."""
        self._t.recent_words.pop(young_person_id, None)

    async def forget_stale(self, cutoff: datetime) -> None:
        """Drop every message kept since before `cutoff`."""
        for key, kept in list(self._t.recent_words.items()):
            self._t.recent_words[key] = [k for k in kept if k[1] >= cutoff]
            if not self._t.recent_words[key]:
                del self._t.recent_words[key]


class FakeOutbox:
    """Outbox rows as records."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def get(self, outbox_id: int, *, for_update: bool = False) -> Queued | None:
        """One outbox row."""
        return next((r for r in self._t.outbox if r.id == outbox_id), None)

    async def failed_latest(self, *, limit: int, hub_id: int | None = None) -> list[Queued]:
        """The most recent failed rows (of one hub, if given), newest first."""
        failed = [
            r
            for r in self._t.outbox
            if r.state == DeliveryState.FAILED.value and hub_id in {None, r.hub_id}
        ]
        return sorted(failed, key=lambda r: r.id, reverse=True)[:limit]

    async def failed_with_words(self, *, before: datetime) -> list[Queued]:
        """Failed rows older than `before` that still hold their text."""
        return [
            r
            for r in self._t.outbox
            if r.state == DeliveryState.FAILED.value and r.created_at < before and r.text != ""
        ]

    def _fail(self, rows: list[Queued], reason: str) -> list[Queued]:
        for row in rows:
            row.state, row.last_error = DeliveryState.FAILED, reason[:64]
            row.lease_owner = row.lease_until = None
        return rows

    async def fail_later_parts(self, row: OutboxRecord) -> list[Queued]:
        """Fail the waiting parts after this one of a message cut into parts."""
        if row.part_of is None:  # NULL = NULL is not true in SQL either
            return []
        later = sorted(
            (
                r
                for r in self._t.outbox
                if r.part_of == row.part_of and r.part > row.part and r.state in _WAITING
            ),
            key=lambda r: r.part,
        )
        return self._fail(later, "an earlier part failed")

    async def failed_to(self, chat_id: int) -> list[Queued]:
        """Every failed message to this chat that still holds its words."""
        failed = DeliveryState.FAILED.value
        return [r for r in self._t.outbox if r.chat_id == chat_id and r.state == failed and r.text]

    async def drop_waiting_to(self, chat_id: int, *, reason: str) -> list[Queued]:
        """Stop every message still waiting to go to this chat."""
        waiting = [r for r in self._t.outbox if r.chat_id == chat_id and r.state in _WAITING]
        return self._fail(waiting, reason)

    async def push_back(self, *, chat_id: int, until: datetime) -> None:
        """Hold the whole budget and this chat until `until`."""
        if self._t.budget_free_at is None or self._t.budget_free_at < until:
            self._t.budget_free_at = until
        if self._t.chat_free_at.get(chat_id, until) <= until:
            self._t.chat_free_at[chat_id] = until

    async def waiting_to(self, chat_id: int, message_keys: Collection[str]) -> list[Queued]:
        """Messages with these ids waiting to go to this chat, not being sent yet."""
        return [
            r
            for r in self._t.outbox
            if r.chat_id == chat_id
            and r.state == DeliveryState.PENDING.value
            and r.message_key in message_keys
        ]

    async def delete(self, row: OutboxRecord) -> None:
        """Remove a row that has done its work."""
        self._t.outbox = [r for r in self._t.outbox if r.id != row.id]


class FakeStrangerBudgets:
    """Answers to strangers this hour, by pseudonymous key."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def get(self, subject: str) -> Answered | None:
        """The record for this key, if any."""
        return self._t.stranger_budgets.get(subject)

    async def put(self, subject: str, answered: Answered) -> None:
        """Store the new count."""
        self._t.stranger_budgets[subject] = answered

    async def forget_stale(self, cutoff: datetime) -> None:
        """Drop records whose window began before the cutoff."""
        budgets = self._t.stranger_budgets
        for subject in [s for s, a in budgets.items() if a.window_started_at < cutoff]:
            del budgets[subject]


class FakeInbox:
    """Updates from Telegram: set aside, waiting, forgotten."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def set_aside_list(self) -> list[InboxUpdate]:
        """Every update set aside, oldest first."""
        aside = [u for u in self._t.inbox if u.state == "set_aside"]
        return sorted(aside, key=lambda u: u.update_id)

    async def put_back(self, update_id: int, *, now: datetime) -> bool:
        """Put a set-aside update back to be handled."""
        for update in self._t.inbox:
            if update.update_id == update_id and update.state == "set_aside":
                update.state, update.attempts, update.handled_at = "pending", 0, None
                update.lease_owner, update.lease_until = None, now
                return True
        return False

    async def oldest_waiting(self) -> datetime | None:
        """When the oldest update still waiting arrived."""
        return min((u.received_at for u in self._t.inbox if u.state == "pending"), default=None)

    async def forget(self, *, handled_before: datetime, set_aside_before: datetime) -> None:
        """Drop old handled updates and the words of old set-aside ones."""
        self._t.inbox = [
            u
            for u in self._t.inbox
            if not (u.state == "handled" and u.handled_at and u.handled_at < handled_before)
        ]
        for u in self._t.inbox:
            if u.state == "set_aside" and u.handled_at and u.handled_at < set_aside_before:
                u.payload = None


class FakeCommandMenus:
    """Chats whose command menu is due, and until when."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    def due(self, chat_id: int, *, now: datetime) -> None:
        """This chat's menu is to be set again, now."""
        self._t.menus[chat_id] = now

    async def claim(self, *, now: datetime, until: datetime, limit: int) -> list[Leased]:
        """Lease up to `limit` chats whose menu is due, the longest due first."""
        due = sorted((at, chat) for chat, at in self._t.menus.items() if at <= now)[:limit]
        for _, chat in due:
            self._t.menus[chat] = until
        return [Leased(chat, until) for _, chat in due]

    async def done(self, leased: Leased) -> None:
        """Forget the chat, unless it became due again meanwhile."""
        if self._t.menus.get(leased.chat_id) == leased.until:
            del self._t.menus[leased.chat_id]
