"""What the fake Telegram server remembers: chats, messages, the update queue, settings.

Nothing here locks: every caller holds the server's condition, which ``cond`` refers to.
"""

from __future__ import annotations

import copy
import itertools
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from bot.devtools.fake_telegram_models import ApiError, FakeUser, JsonDict, SentMessage

# Telegram leaves these out unless allowed_updates names them explicitly.
OPT_IN_UPDATE_TYPES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units, the unit of every Bot API entity offset."""
    return len(text.encode("utf-16-le")) // 2


def update_type(update: JsonDict) -> str:
    """The kind of an update, i.e. its one key besides ``update_id``."""
    return next((key for key in update if key != "update_id"), "")


def inline_markup(markup: Any) -> JsonDict | None:
    """Telegram echoes only inline keyboards back in ``Message.reply_markup``."""
    if isinstance(markup, dict) and "inline_keyboard" in markup:
        return markup
    return None


@dataclass
class BotWorld:
    """Mutable state of the fake Bot API; guard every use with ``cond``."""

    cond: threading.Condition
    bot_user: JsonDict
    updates: list[JsonDict] = field(default_factory=list)
    next_update_id: int = 1
    allowed_updates: frozenset[str] | None = None
    poll_generation: int = 0
    waiting_polls: int = 0
    closing: bool = False
    users: dict[int, FakeUser] = field(default_factory=dict)
    messages: dict[int, dict[int, JsonDict]] = field(default_factory=dict)
    last_message_id: dict[int, int] = field(default_factory=dict)
    sent: list[SentMessage] = field(default_factory=list)
    outbox: list[SentMessage] = field(default_factory=list)
    open_callback_queries: set[str] = field(default_factory=set)
    commands: dict[tuple[str, str], list[Any]] = field(default_factory=dict)
    # Every setMyCommands (a list) and deleteMyCommands (None) that succeeded, by scope.
    command_calls: list[tuple[tuple[str, str], list[Any] | None]] = field(default_factory=list)
    webhook: JsonDict = field(default_factory=dict)
    # The secret Telegram sends back in X-Telegram-Bot-Api-Secret-Token (never echoed).
    webhook_secret: str | None = None
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    on_poll: Any = None
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    # -- updates -------------------------------------------------------------------------

    def queue_update(self, update: JsonDict) -> JsonDict:
        """Append an update, numbering it if needed, and wake long polls."""
        update = {"update_id": update.get("update_id", self.next_update_id), **update}
        self.next_update_id = max(self.next_update_id, int(update["update_id"]) + 1)
        self.updates.append(copy.deepcopy(update))
        self.cond.notify_all()
        return update

    def confirm(self, offset: int) -> None:
        """Forget updates the client confirmed (or, for a negative offset, all but the last)."""
        if offset > 0:
            self.updates = [u for u in self.updates if int(u["update_id"]) >= offset]
        elif offset < 0:
            self.updates = self.updates[offset:]

    def is_allowed(self, update: JsonDict) -> bool:
        """Apply the ``allowed_updates`` filter the client last asked for."""
        kind = update_type(update)
        if self.allowed_updates is None:
            return kind not in OPT_IN_UPDATE_TYPES
        return kind in self.allowed_updates

    def deliverable(self, limit: int) -> list[JsonDict]:
        """Drop filtered-out updates, then return up to ``limit`` of the rest."""
        self.updates = [u for u in self.updates if self.is_allowed(u)]
        return [copy.deepcopy(u) for u in self.updates[:limit]]

    # -- chats and messages --------------------------------------------------------------

    def chat(self, chat_id: int) -> JsonDict:
        """The ``Chat`` object for an id: a private chat for positive ids, a group otherwise."""
        if chat_id < 0:
            return {"id": chat_id, "type": "supergroup", "title": f"Group {-chat_id}"}
        user = self.users.get(chat_id)
        if user is not None:
            return user.private_chat()
        return {"id": chat_id, "type": "private", "first_name": f"User {chat_id}"}

    def new_message(self, chat_id: int, sender: JsonDict, body: JsonDict) -> JsonDict:
        """Store a message with the chat's next id and return it."""
        message_id = self.last_message_id.get(chat_id, 0) + 1
        self.last_message_id[chat_id] = message_id
        message: JsonDict = {
            "message_id": message_id,
            "from": sender,
            "chat": self.chat(chat_id),
            "date": int(time.time()),
            **{key: copy.deepcopy(value) for key, value in body.items() if value is not None},
        }
        self.messages.setdefault(chat_id, {})[message_id] = message
        return copy.deepcopy(message)

    def bot_message(self, chat_id: int, message_id: int | None) -> JsonDict | None:
        """The bot's message with that id in the chat, or its latest one when id is None."""
        chat_messages = self.messages.get(chat_id, {})
        if message_id is not None:
            message = chat_messages.get(message_id)
            return message if message is not None and self._is_from_bot(message) else None
        own = [m for m in chat_messages.values() if self._is_from_bot(m)]
        return own[-1] if own else None

    def _is_from_bot(self, message: JsonDict) -> bool:
        return bool(message.get("from", {}).get("id") == self.bot_user["id"])

    def editable_message(self, params: JsonDict) -> JsonDict:
        """Find the message an edit call targets, failing the way Telegram does."""
        chat_id = chat_id_param(params)
        message_id = params.get("message_id")
        if not isinstance(message_id, int):
            raise ApiError(400, "Bad Request: message identifier is not specified")
        message = self.messages.get(chat_id, {}).get(message_id)
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if not self._is_from_bot(message):
            raise ApiError(400, "Bad Request: message can't be edited")
        return message

    def record_sent(self, sent: SentMessage) -> None:
        """Remember a message the bot sent and wake whoever waits for it."""
        self.sent.append(sent)
        self.outbox.append(sent)
        self.cond.notify_all()

    def next_id(self) -> int:
        """A process-unique number for callback query ids and the like."""
        return next(self._ids)


def chat_id_param(params: JsonDict) -> int:
    """Read ``chat_id`` as an integer; the fake has no public @usernames to resolve."""
    value = params.get("chat_id")
    if isinstance(value, bool):
        raise ApiError(400, "Bad Request: chat not found")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    raise ApiError(400, "Bad Request: chat not found")
