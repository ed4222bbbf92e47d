"""Value types shared by the fake Telegram server, its state and its HTTP layer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

JsonDict = dict[str, Any]
FaultKind = Literal["retry_after", "server_error", "timeout", "blocked", "too_old"]
FAULT_KINDS: tuple[FaultKind, ...] = (
    "retry_after",
    "server_error",
    "timeout",
    "blocked",
    "too_old",
)
GET_UPDATES = "getUpdates"


@dataclass(frozen=True)
class FakeUser:
    """A Telegram user who talks to the bot in a private chat (chat id == user id)."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "en"

    def to_api(self) -> JsonDict:
        """Render as a Bot API ``User`` object."""
        user: JsonDict = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if (value := getattr(self, key)) is not None:
                user[key] = value
        return user

    def private_chat(self) -> JsonDict:
        """Render the private chat with this user as a Bot API ``Chat`` object."""
        chat: JsonDict = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name is not None:
            chat["last_name"] = self.last_name
        if self.username is not None:
            chat["username"] = self.username
        return chat

    @classmethod
    def from_api(cls, data: JsonDict) -> FakeUser:
        """Build from a ``User``-shaped dict, as posted to the HTTP control API."""
        return cls(
            id=int(data["id"]),
            first_name=str(data.get("first_name", "User")),
            last_name=data.get("last_name"),
            username=data.get("username"),
            language_code=data.get("language_code", "en"),
        )


@dataclass(frozen=True)
class RecordedRequest:
    """One Bot API call as the fake saw it; ``status`` is 0 when the connection was dropped."""

    method: str
    params: JsonDict
    token: str
    status: int
    at: float


@dataclass(frozen=True)
class SentMessage:
    """A message the bot sent, or with ``edited`` a new text for an earlier one.

    ``text`` is exactly what the bot sent, markup included; the rendered text and entities are
    in :meth:`FakeTelegram.current_message`.
    """

    chat_id: int
    message_id: int
    text: str | None
    reply_markup: JsonDict | None
    parse_mode: str | None
    edited: bool = False
    # Sent without a sound (Telegram's disable_notification): silent reminders (SE-8).
    disable_notification: bool = False
    # Sent with link_preview_options.is_disabled: Telegram fetches no preview of its links.
    link_preview_disabled: bool = False


@dataclass
class Fault:
    """A scripted failure for the next ``times`` matching calls."""

    method: str | None
    kind: FaultKind
    times: int = 1
    retry_after: int = 1
    chat_id: int | None = None
    delay: float = 0.0

    def matches(self, method: str, params: JsonDict) -> bool:
        """Tell whether this fault applies to a call."""
        if self.times <= 0:
            return False
        if self.method is None and method == GET_UPDATES:
            return False
        if self.method is not None and self.method.lower() != method.lower():
            return False
        return self.chat_id is None or str(params.get("chat_id")) == str(self.chat_id)

    def reply(self) -> Reply:
        """The HTTP answer this fault produces."""
        if self.kind == "retry_after":
            return Reply.error(
                429,
                f"Too Many Requests: retry after {self.retry_after}",
                delay=self.delay,
                parameters={"retry_after": self.retry_after},
            )
        if self.kind == "server_error":
            return Reply.error(502, "Bad Gateway", delay=self.delay)
        if self.kind == "blocked":
            return Reply.error(403, "Forbidden: bot was blocked by the user", delay=self.delay)
        if self.kind == "too_old":
            # What Telegram says to answerCallbackQuery for a tap answered too late.
            return Reply.error(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is "
                "invalid",
                delay=self.delay,
            )
        return Reply(status=0, body=None, delay=self.delay)


class ApiError(Exception):
    """Raised by a method handler to answer with ``ok: false``."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


@dataclass(frozen=True)
class Reply:
    """What to answer: ``body`` None means hold ``delay`` seconds, then drop the connection."""

    status: int
    body: JsonDict | None
    delay: float = 0.0

    @classmethod
    def ok(cls, result: Any) -> Reply:
        """A successful Bot API answer."""
        return cls(status=200, body={"ok": True, "result": result})

    @classmethod
    def error(
        cls,
        status: int,
        description: str,
        *,
        delay: float = 0.0,
        parameters: JsonDict | None = None,
    ) -> Reply:
        """A failed Bot API answer, shaped like Telegram's."""
        body: JsonDict = {"ok": False, "error_code": status, "description": description}
        if parameters:
            body["parameters"] = parameters
        return cls(status=status, body=body, delay=delay)
