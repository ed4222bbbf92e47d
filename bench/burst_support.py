"""Helpers for bench/outbox_burst.py: what the fake saw, scratch databases, and statistics."""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import asyncpg

from bot.devtools.fake_telegram import RecordedRequest, SentMessage
from bot.domain.outbox import DeliveryState, Lane, Recipient
from bot.entrypoints.bootstrap import Running

POSTGRES_ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
Key = tuple[int, str]  # (chat_id, text): what one delivered message is known by


@dataclass
class Arrivals:
    """Every text message the fake delivered, with when it saw it (`fake.on_bot_message`)."""

    counts: Counter[Key] = field(default_factory=Counter)
    first_seen: dict[Key, float] = field(default_factory=dict)
    times: list[float] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, message: SentMessage) -> None:
        """Record one message; called from the fake's server thread."""
        if message.text is None or message.edited:
            return
        now = time.monotonic()
        key = (message.chat_id, message.text)
        with self._lock:
            self.counts[key] += 1
            self.first_seen.setdefault(key, now)
            self.times.append(now)

    def missing(self, expected: Iterable[Key]) -> list[Key]:
        """The expected messages that have not arrived (yet)."""
        with self._lock:
            return [key for key in expected if key not in self.counts]

    def arrived_at(self, key: Key) -> float | None:
        """When the fake first saw this message, or None."""
        with self._lock:
            return self.first_seen.get(key)

    def last_at(self) -> float | None:
        """When the fake saw the latest message, or None."""
        with self._lock:
            return max(self.times, default=None)

    def delivered(self) -> int:
        """How many messages arrived, duplicates included."""
        with self._lock:
            return len(self.times)

    def duplicates(self) -> int:
        """Extra copies: every (chat, text) delivered n > 1 times counts n - 1."""
        with self._lock:
            return sum(count - 1 for count in self.counts.values() if count > 1)

    def steady_rate(self, burst: Iterable[Key] | None = None) -> tuple[float, float]:
        """(messages per second, seconds) from the burst's first arrival to its last.

        Every message that arrived in that window counts, whatever it was; without `burst`
        the window runs from the first message delivered to the last.
        """
        with self._lock:
            if burst is None:
                moments = self.times
            else:
                moments = [self.first_seen[key] for key in burst if key in self.first_seen]
            if len(moments) < 2:
                return 0.0, 0.0
            start, end = min(moments), max(moments)
            inside = sum(start <= moment <= end for moment in self.times)
            return (inside - 1) / (end - start), end - start


async def wait_until(done: Callable[[], bool], within: float, every: float = 0.01) -> bool:
    """Poll `done` (it reads what the fake's threads record, so there is no event to wait on)
    until it is true; False if it still is not after `within` seconds."""
    deadline = time.monotonic() + within
    while not done():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(every)
    return True


def refusals_by_limit(requests: Iterable[RecordedRequest]) -> tuple[int, int]:
    """(per-chat, overall): 429s to a chat sent to in the previous 1.1 s, and the rest.

    The fake does not say which limit refused a call, and it records `at` before it checks,
    so a refusal right at the 1 s boundary needs the extra 0.1 s to be put down to its chat.
    """
    last_sent: dict[int, float] = {}
    per_chat = overall = 0
    for request in sorted(requests, key=lambda r: r.at):
        if request.method != "sendMessage":
            continue
        chat = int(request.params["chat_id"])
        if request.status == 200:
            last_sent[chat] = request.at
        elif request.status == 429:
            if request.at - last_sent.get(chat, float("-inf")) < 1.1:
                per_chat += 1
            else:
                overall += 1
    return per_chat, overall


@asynccontextmanager
async def scratch_database(kind: str) -> AsyncIterator[str]:
    """A new, empty database URL: a SQLite file in a temp dir, or a PostgreSQL database."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="waypoint-bench-") as folder:
            yield f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        return
    name = f"waypoint_bench_{uuid.uuid4().hex[:12]}"
    await _admin(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    finally:
        await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _admin(statement: str) -> None:
    connection = await asyncpg.connect(POSTGRES_ADMIN_DSN, timeout=5)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def code_version(paths: tuple[str, ...] = ("bot/adapters/outbox", "bot/domain/outbox.py")) -> str:
    """The commit measured, noting uncommitted changes to the sender's code."""
    git = ["git", "-C", str(Path(__file__).resolve().parents[1])]
    try:
        head = subprocess.run(  # noqa: S603 - a fixed git command, no user input
            [*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(  # noqa: S603
            [*git, "status", "--porcelain", "--", *paths],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (no git)"
    changed = [name for name in dirty if "/" in name]
    return f"{head} + uncommitted {', '.join(changed)}" if changed else head


@dataclass(frozen=True)
class Latency:
    """p50, p99 and max of a set of latencies, in milliseconds."""

    p50: float
    p99: float
    worst: float

    @classmethod
    def of(cls, seconds: list[float]) -> Latency | None:
        """Summarise latencies given in seconds; None when there are none."""
        if not seconds:
            return None
        ms = sorted(s * 1000 for s in seconds)
        p99 = statistics.quantiles(ms, n=100, method="inclusive")[98] if len(ms) > 1 else ms[0]
        return cls(statistics.median(ms), p99, ms[-1])

    def __str__(self) -> str:
        return f"p50 {self.p50:.0f} ms, p99 {self.p99:.0f} ms, max {self.worst:.0f} ms"


def person_row(
    hub_id: int, worker_id: int, chat: int, name: str, now: datetime
) -> dict[str, object]:
    """A linked young person, as a row for a bulk insert (benchmarks skip the invite)."""
    return {
        "hub_id": hub_id,
        "telegram_user_id": chat,
        "first_name": name,
        "key_worker_id": worker_id,
        "language": "en",
        "linked_at": now,
    }


def reminder_row(
    n: int, person_id: int, chat: int, hub_id: int, now: datetime
) -> dict[str, object]:
    """A REMINDER-lane outbox row, as a row for a bulk insert."""
    return {
        "lane": int(Lane.REMINDER),
        "chat_id": chat,
        "recipient_type": Recipient.YOUNG_PERSON.value,
        "recipient_id": person_id,
        "hub_id": hub_id,
        "message_key": "bench_reminder",
        "text": f"Reminder {n}: you are seeing your worker tomorrow at 10:00.",
        "state": DeliveryState.PENDING.value,
        "created_at": now,
        "not_before": now,
        "attempts": 0,
    }


CLOSE_WITHIN = 30.0  # seconds for the sender to finish what is in flight and stop


async def close(running: Running) -> None:
    """Stop the sender and close connections; print a line if the sender will not stop."""
    try:
        async with asyncio.timeout(CLOSE_WITHIN):
            await running.close()
    except TimeoutError:
        print(f"the sender did not stop within {CLOSE_WITHIN:.0f} s (it is stuck)")
