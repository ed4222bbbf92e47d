"""Telegram's flood limits for the fake server's strict mode: rolling windows, 429 answers.

Nothing here locks: :class:`FakeTelegram` consults the limiter while holding its condition.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.devtools.fake_telegram_models import ApiError, JsonDict, Reply
from bot.devtools.fake_telegram_world import chat_id_param

# The methods that put a message into a chat; only these count towards the flood limits.
SENDING_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendAudio",
        "sendVideo",
        "sendVoice",
        "sendAnimation",
        "sendSticker",
        "sendLocation",
        "sendContact",
        "sendPoll",
        "sendDice",
        "sendMediaGroup",
        "copyMessage",
        "forwardMessage",
    }
)
_ALL_CHATS = 0
# Absorbs float error, so a wait of exactly 30 s is not rounded up to 31.
_EPSILON = 1e-9


@dataclass(frozen=True)
class RateLimits:
    """Telegram's published flood limits for sending messages (the defaults)."""

    overall_per_second: int = 30
    per_chat_per_second: int = 1
    per_group_per_minute: int = 20

    def __post_init__(self) -> None:
        for name in ("overall_per_second", "per_chat_per_second", "per_group_per_minute"):
            if getattr(self, name) < 1:
                raise ValueError(f"RateLimits.{name} must be at least 1")


@dataclass
class _Window:
    """Send times within one rolling window, per key, plus their common expiry order."""

    limit: int
    seconds: float
    times: dict[int, deque[float]] = field(default_factory=dict)
    expiry: deque[tuple[float, int]] = field(default_factory=deque)

    def prune(self, now: float) -> None:
        """Forget sends that left the window, dropping keys with none left."""
        horizon = now - self.seconds
        while self.expiry and self.expiry[0][0] <= horizon:
            _, key = self.expiry.popleft()
            times = self.times[key]
            times.popleft()
            if not times:
                del self.times[key]

    def wait(self, key: int, now: float) -> float:
        """Seconds until the window has room for one more send under ``key`` (0 if it has)."""
        times = self.times.get(key)
        if times is None or len(times) < self.limit:
            return 0.0
        return times[-self.limit] + self.seconds - now

    def record(self, key: int, now: float) -> None:
        """Count a send under ``key`` at ``now``."""
        self.times.setdefault(key, deque()).append(now)
        self.expiry.append((now, key))


class FloodLimiter:
    """Rolling-window counters for Telegram's flood limits; O(1) amortised per call."""

    def __init__(
        self, limits: RateLimits | None = None, *, now: Callable[[], float] = time.monotonic
    ) -> None:
        self.limits = limits or RateLimits()
        self._now = now
        self._overall = _Window(self.limits.overall_per_second, 1.0)
        self._private = _Window(self.limits.per_chat_per_second, 1.0)
        self._groups = _Window(self.limits.per_group_per_minute, 60.0)
        self.refusals = 0

    def retry_after(self, chat_id: int) -> int | None:
        """Whole seconds (at least 1) until a send to the chat fits, or None if it fits now."""
        now = self._prune()
        chat_window = self._groups if chat_id < 0 else self._private
        wait = max(self._overall.wait(_ALL_CHATS, now), chat_window.wait(chat_id, now))
        if wait <= 0:
            return None
        return max(1, math.ceil(wait - _EPSILON))

    def record(self, chat_id: int) -> None:
        """Count a send to the chat now."""
        now = self._prune()
        self._overall.record(_ALL_CHATS, now)
        (self._groups if chat_id < 0 else self._private).record(chat_id, now)

    def admit(self, chat_id: int) -> int | None:
        """Count a send if it fits now and return None; otherwise return its retry_after."""
        seconds = self.retry_after(chat_id)
        if seconds is None:
            self.record(chat_id)
        return seconds

    def guard(self, method: str, params: JsonDict, run: Callable[[], Reply]) -> Reply:
        """Answer 429 if the call breaks a limit; else ``run`` it, counting it if it sent."""
        chat_id = limited_chat(method, params)
        if chat_id is None:
            return run()
        retry_after = self.retry_after(chat_id)
        if retry_after is not None:
            self.refusals += 1
            return too_many_requests(retry_after)
        reply = run()
        if reply.status == 200:
            # A call that failed sent nothing, so like a refused one it takes no slot.
            self.record(chat_id)
        return reply

    def tracked_chats(self) -> int:
        """How many chats currently have sends inside their window (for memory checks)."""
        return len(self._private.times) + len(self._groups.times)

    def _prune(self) -> float:
        now = self._now()
        for window in (self._overall, self._private, self._groups):
            window.prune(now)
        return now


def limited_chat(method: str, params: JsonDict) -> int | None:
    """The chat a flood-limited call sends to, or None when the limits do not apply."""
    if method not in SENDING_METHODS:
        return None
    try:
        return chat_id_param(params)
    except ApiError:
        # An @username or a malformed id: the handler answers "chat not found" anyway.
        return None


def too_many_requests(retry_after: int) -> Reply:
    """Telegram's 429 answer telling the client how long to back off."""
    return Reply.error(
        429,
        f"Too Many Requests: retry after {retry_after}",
        parameters={"retry_after": retry_after},
    )
