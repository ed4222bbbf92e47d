"""How long a young person's worrying message takes to reach their worker, end to end.

Usage, from the project root:

    .venv/bin/python bench/concern_latency.py [--concerns C] [--burst R]
                                              [--database sqlite|postgres] [--workers K]

Defaults: C=20, R=3000, SQLite, K=5. A fresh database (a SQLite file in a temp dir, or a new
PostgreSQL database on 127.0.0.1:5432 that is dropped afterwards) gets one hub with K key
workers, and 3C young people linked to them through real invites. The real bot
(`build_application`, polling) and the real sender (`bootstrap(...).start_sending()`) talk to
a strict fake Telegram that answers 429 beyond Telegram's flood limits. Once the welcomes have
gone out:

1. quiet: C young people each write a worrying message, 0.5 s apart;
2. under load: R reminders are queued at once, and C other young people do the same while
   the reminders drain;
3. then C more young people write "hello" while the reminders still drain (its answer goes on
   the reply lane, so it shows what the safety lane buys).

Each time runs from just before the update is queued at the fake to the moment the fake
answers the bot's sendMessage: the alert to the worker, the young person's "Thank you for
telling me", or the answer to "hello". It prints p50/p95/max, the 429s, and lost messages.
It exits 1 if any alert (or any "Thank you for telling me") never arrived: that must not
happen. The default run takes about 2 min 20 s, most of it the reminder drain (R / 29 a
second).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from burst_support import (
    close,
    code_version,
    person_row,
    refusals_by_limit,
    reminder_row,
    scratch_database,
)
from sqlalchemy import func, insert, select

from bot.adapters.db.migrate import upgrade_async
from bot.adapters.db.models import OutboxMessage, YoungPerson
from bot.adapters.db.uow import UnitOfWorkFactory
from bot.adapters.telegram.application import (
    ALLOWED_UPDATES,
    WaypointApplication,
    build_application,
)
from bot.clock import system_clock
from bot.config import load_settings
from bot.devtools.fake_telegram import FakeTelegram, FakeUser, RateLimits, SentMessage
from bot.domain.outbox import DeliveryState
from bot.domain.people import Role
from bot.entrypoints.bootstrap import Running, bootstrap
from bot.services.invites import do_create_invite, do_redeem_invite
from bot.services.staff import NewStaff, do_add_staff

WORRY = "i want to kill myself tonight"
ORDINARY = "hello"
THANKS = "Thank you for telling me"
FIRST_WORKER = 1001
FIRST_YOUNG_PERSON = 2_000_000
FIRST_REMINDER_CHAT = 10_000_000
GAP = 0.5  # seconds between two young people writing
PACE = 29.0  # the sender's default overall pace, messages a second
SETTLE = 3.0  # seconds after queueing the burst before the first message under load
ANSWER_WITHIN = 30.0  # seconds after the last message; anything later counts as lost
QUIET_WITHIN = 120.0  # seconds for the outbox to empty between phases
# The sender leaves 1.1 s between two messages to one chat: once the outbox is empty, wait
# this long too, or the first alert can wait behind the "joined" message its worker just got.
CHAT_GAP_OVER = 1.5
ACTIVE = (DeliveryState.PENDING.value, DeliveryState.SENDING.value)


@dataclass
class Seen:
    """Every text message the fake delivered, per chat, with when (`fake.on_bot_message`)."""

    by_chat: dict[int, list[tuple[float, str]]] = field(default_factory=dict)
    reminders: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, message: SentMessage) -> None:
        """Record one message; called from the fake's server thread."""
        if message.text is None or message.edited:
            return
        now = time.monotonic()
        with self._lock:
            self.by_chat.setdefault(message.chat_id, []).append((now, message.text))
            if message.chat_id >= FIRST_REMINDER_CHAT:
                self.reminders += 1

    def first(self, chat: int, since: float, wanted: Callable[[str], bool]) -> float | None:
        """When the first wanted message to `chat` after `since` arrived, or None."""
        with self._lock:
            seen = list(self.by_chat.get(chat, []))
        return next((at for at, text in seen if at >= since and wanted(text)), None)

    def count(self, chat: int, wanted: Callable[[str], bool]) -> int:
        """How many wanted messages `chat` got, duplicates included."""
        with self._lock:
            return sum(wanted(text) for _, text in self.by_chat.get(chat, []))

    def reminders_seen(self) -> int:
        """Reminder deliveries so far, duplicates included."""
        with self._lock:
            return self.reminders


@dataclass(frozen=True)
class Person:
    """A linked young person, and the chat of their named worker."""

    user: FakeUser
    worker_chat: int

    def alert(self, text: str) -> bool:
        """Whether `text` is the alert about this young person's worry."""
        return f"from {self.user.first_name} (" in text and WORRY in text


@dataclass
class Said:
    """One message a young person wrote, and when its answers arrived."""

    person: Person
    text: str
    sent_at: float
    under_load: bool
    alert_at: float | None = None
    reply_at: float | None = None

    @property
    def worried(self) -> bool:
        """Whether this was the worrying message (else the ordinary one)."""
        return self.text == WORRY

    def look(self, seen: Seen) -> bool:
        """Fill in the answers that have arrived; True when all have."""
        who = self.person
        if self.worried and self.alert_at is None:
            self.alert_at = seen.first(who.worker_chat, self.sent_at, who.alert)
        if self.reply_at is None:
            wanted: Callable[[str], bool] = (
                (lambda text: THANKS in text) if self.worried else (lambda _text: True)
            )
            self.reply_at = seen.first(who.user.id, self.sent_at, wanted)
        return self.reply_at is not None and (self.alert_at is not None or not self.worried)


def letters(number: int) -> str:
    """0 -> "aa", 1 -> "ab": names may not hold digits."""
    return chr(ord("a") + number // 26 % 26) + chr(ord("a") + number % 26)


async def add_workers(uow: UnitOfWorkFactory, count: int, now: datetime) -> list[int]:
    """One hub with `count` key workers; returns their chats."""
    chats = [FIRST_WORKER + n for n in range(count)]
    for n, chat in enumerate(chats):
        new = NewStaff(chat, f"Jo{letters(n)}", Role.KEY_WORKER, "Harrogate", "North Yorkshire")
        await do_add_staff(uow(), new, now=now)
    return chats


async def link_people(
    uow: UnitOfWorkFactory, fake: FakeTelegram, workers: list[int], count: int, now: datetime
) -> list[Person]:
    """`count` young people, shared round the workers, each invited and linked for real."""
    people = []
    for n in range(count):
        user = FakeUser(id=FIRST_YOUNG_PERSON + n, first_name=f"Kid{letters(n)}")
        worker = workers[n % len(workers)]
        invite = await do_create_invite(
            uow(), worker_telegram_id=worker, first_name=user.first_name, now=now
        )
        await do_redeem_invite(uow(), telegram_user_id=user.id, code=invite.code, now=now)
        fake.add_user(user)
        people.append(Person(user, worker))
    return people


async def add_reminder_people(uow: UnitOfWorkFactory, count: int, now: datetime) -> None:
    """Young people who only get reminders: their rows, as outbox_burst.py makes them."""
    async with uow() as work:
        worker = await work.staff.by_telegram_id(FIRST_WORKER)
        assert worker is not None  # noqa: S101 - added by add_workers
        rows = [
            person_row(worker.hub_id, worker.id, FIRST_REMINDER_CHAT + n, f"Rem{letters(n)}", now)
            for n in range(count)
        ]
        await work.session.execute(insert(YoungPerson), rows)
        await work.commit()


async def queue_burst(uow: UnitOfWorkFactory, now: datetime) -> int:
    """One REMINDER-lane row for every reminder-only young person, in one commit."""
    async with uow() as work:
        people = (
            await work.session.execute(
                select(YoungPerson.id, YoungPerson.telegram_user_id, YoungPerson.hub_id).where(
                    YoungPerson.telegram_user_id >= FIRST_REMINDER_CHAT
                )
            )
        ).all()
        rows = [reminder_row(n, pid, chat, hub, now) for n, (pid, chat, hub) in enumerate(people)]
        await work.session.execute(insert(OutboxMessage), rows)
        await work.commit()  # rings the sender's bell
    return len(rows)


async def outbox_active(uow: UnitOfWorkFactory) -> int:
    """Rows still to send (pending, or claimed and being sent)."""
    async with uow() as work:
        query = select(func.count()).where(OutboxMessage.state.in_(ACTIVE))
        return int(await work.session.scalar(query.select_from(OutboxMessage)) or 0)


async def wait_until_quiet(uow: UnitOfWorkFactory, within: float) -> bool:
    """Poll until the outbox has nothing left to send; False if it still has after `within`."""
    deadline = time.monotonic() + within
    while await outbox_active(uow):
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.2)
    await asyncio.sleep(CHAT_GAP_OVER)
    return True


async def say_each(
    fake: FakeTelegram, seen: Seen, people: list[Person], text: str, burst: int
) -> list[Said]:
    """Each young person writes `text`, GAP apart; notes whether reminders were waiting."""
    said = []
    for person in people:
        under_load = seen.reminders_seen() < burst
        sent_at = time.monotonic()
        fake.send_text(person.user, text)
        said.append(Said(person, text, sent_at, under_load))
        await asyncio.sleep(GAP)
    return said


async def collect(seen: Seen, said: list[Said]) -> None:
    """Wait until every answer arrived, or ANSWER_WITHIN after the last message."""
    deadline = max((s.sent_at for s in said), default=0.0) + ANSWER_WITHIN
    while time.monotonic() < deadline:
        answered = [s.look(seen) for s in said]  # every one, not just up to the first gap
        if all(answered):
            return
        await asyncio.sleep(0.05)


@dataclass
class Result:
    """What one run measured."""

    database: str
    code: str
    workers: int
    burst: int
    quiet: list[Said] = field(default_factory=list)
    loaded: list[Said] = field(default_factory=list)
    ordinary: list[Said] = field(default_factory=list)
    reminders_delivered: int = 0
    drain_seconds: float = 0.0
    refusals: int = 0
    per_chat_refusals: int = 0
    duplicate_alerts: int = 0
    errors_logged: int = 0


class ErrorCounter(logging.Handler):
    """Counts WARNING-and-worse log records (failed sends, failed handlers)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


async def start_polling(application: WaypointApplication) -> None:
    """Start the application and its long-polling updater, as `waypoint run` does."""
    await application.start()
    assert application.updater is not None  # noqa: S101 - built with an updater
    await application.updater.start_polling(
        poll_interval=0, timeout=1, allowed_updates=ALLOWED_UPDATES
    )


async def stop_polling(application: WaypointApplication) -> None:
    """Stop the updater and the application."""
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()


async def wait_for_reminders(seen: Seen, burst: int, deadline: float) -> None:
    """Poll until every reminder arrived or `deadline` passed (the fake calls from a thread)."""
    while time.monotonic() < deadline:
        if seen.reminders_seen() >= burst:
            return
        await asyncio.sleep(0.5)


async def measure(
    running: Running, fake: FakeTelegram, seen: Seen, people: list[Person], result: Result
) -> None:
    """Quiet concerns, then a burst, then concerns and ordinary messages while it drains."""
    uow = running.waypoint.uow
    count = len(people) // 3
    quiet, loaded, ordinary = people[:count], people[count : 2 * count], people[2 * count :]
    if not await wait_until_quiet(uow, QUIET_WITHIN):
        print("the welcomes did not all go out; measuring anyway")
    result.quiet = await say_each(fake, seen, quiet, WORRY, 0)
    await collect(seen, result.quiet)
    if not await wait_until_quiet(uow, QUIET_WITHIN):
        print("the quiet phase's messages did not all go out; measuring anyway")
    started = time.monotonic()
    result.burst = await queue_burst(uow, system_clock())
    await asyncio.sleep(SETTLE)
    result.loaded = await say_each(fake, seen, loaded, WORRY, result.burst)
    result.ordinary = await say_each(fake, seen, ordinary, ORDINARY, result.burst)
    await collect(seen, result.loaded + result.ordinary)
    await wait_for_reminders(seen, result.burst, started + result.burst / PACE * 1.5 + 60)
    result.reminders_delivered = seen.reminders_seen()
    result.drain_seconds = time.monotonic() - started
    result.duplicate_alerts = sum(
        max(0, seen.count(s.person.worker_chat, s.person.alert) - 1)
        for s in result.quiet + result.loaded
    )


async def run(concerns: int, burst: int, database: str, workers: int) -> Result:
    """The whole run against a fresh database, a fresh strict fake and the real bot."""
    errors = ErrorCounter()
    logging.getLogger().addHandler(errors)
    seen = Seen()
    result = Result(database, short_version(), workers, burst)
    token = FakeTelegram.token_for_tests()
    async with scratch_database(database) as url:
        await upgrade_async(url)
        settings = load_settings(database_url=url, telegram_token=token, allow_draft_content=True)
        with FakeTelegram(rate_limits=RateLimits()) as fake:
            fake.on_bot_message = seen
            running = bootstrap(settings, api_url=fake.url)
            try:
                uow, now = running.waypoint.uow, system_clock()
                chats = await add_workers(uow, workers, now)
                people = await link_people(uow, fake, chats, 3 * concerns, now)
                await add_reminder_people(uow, burst, now)
                application = build_application(running.waypoint, token=token, api_url=fake.url)
                async with application:
                    await running.start_sending()
                    await start_polling(application)
                    try:
                        await measure(running, fake, seen, people, result)
                    finally:
                        await stop_polling(application)
            finally:
                await close(running)
            result.refusals = fake.limit_refusals
            result.per_chat_refusals, _overall = refusals_by_limit(fake.requests)
    logging.getLogger().removeHandler(errors)
    result.errors_logged = errors.count
    return result


def short_version() -> str:
    """The commit measured, and how many files under bot/ and content/ differ from it."""
    head, _, changed = code_version(("bot", "content")).partition(" + uncommitted ")
    return f"{head} + {len(changed.split(', '))} uncommitted files" if changed else head


def summary(seconds: list[float]) -> str:
    """p50, p95 and max in milliseconds."""
    if not seconds:
        return f"{'n/a':>7}{'n/a':>7}{'n/a':>7}"
    ms = sorted(s * 1000 for s in seconds)
    p95 = statistics.quantiles(ms, n=20, method="inclusive")[18] if len(ms) > 1 else ms[0]
    return f"{statistics.median(ms):7.0f}{p95:7.0f}{ms[-1]:7.0f}"


def alert_times(said: list[Said]) -> list[float]:
    """Seconds from each message to its alert, for those that arrived."""
    return [s.alert_at - s.sent_at for s in said if s.alert_at is not None]


def reply_times(said: list[Said]) -> list[float]:
    """Seconds from each message to the young person's answer, for those that arrived."""
    return [s.reply_at - s.sent_at for s in said if s.reply_at is not None]


def report(result: Result) -> list[str]:
    """The lines to print."""
    worried = result.quiet + result.loaded
    lost_alerts = sum(s.alert_at is None for s in worried)
    lost_thanks = sum(s.reply_at is None for s in worried)
    lost_ordinary = sum(s.reply_at is None for s in result.ordinary)
    rows = [
        ("alert to worker (quiet)", result.quiet, alert_times(result.quiet)),
        ("alert to worker (under load)", result.loaded, alert_times(result.loaded)),
        ('"Thank you for telling me" (quiet)', result.quiet, reply_times(result.quiet)),
        ('"Thank you for telling me" (load)', result.loaded, reply_times(result.loaded)),
        ('answer to "hello" (under load)', result.ordinary, reply_times(result.ordinary)),
    ]
    under_load = sum(s.under_load for s in result.loaded + result.ordinary)
    return [
        f"concern latency: {len(result.quiet)} quiet + {len(result.loaded)} under a burst of "
        f"{result.burst} reminders + {len(result.ordinary)} ordinary, {result.database}, "
        f"{result.workers} workers",
        f"  code              {result.code}",
        f"  {'':<36}{'n':>4}{'p50':>7}{'p95':>7}{'max':>7}  (ms)",
        *(f"  {label:<36}{len(said):>4}{summary(times)}" for label, said, times in rows),
        f"  429s received     {result.refusals} ({result.per_chat_refusals} per-chat, "
        f"{result.refusals - result.per_chat_refusals} overall)",
        f'  lost              {lost_alerts} alerts, {lost_thanks} "Thank you for telling me", '
        f"{lost_ordinary} answers to hello (none arrived within {ANSWER_WITHIN:.0f} s)",
        f"  duplicate alerts  {result.duplicate_alerts}",
        f"  reminders         {result.reminders_delivered} of {result.burst} delivered, "
        f"{result.drain_seconds:.1f} s from queueing",
        f"  under load        {under_load} of {len(result.loaded) + len(result.ordinary)} "
        "messages were written while reminders were still waiting",
        f"  errors logged     {result.errors_logged}",
    ]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line: --concerns, --burst, --database, --workers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concerns", type=int, default=20, help="worrying messages per phase")
    parser.add_argument("--burst", type=int, default=3000, help="reminders to queue")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--workers", type=int, default=5, help="key workers in the hub")
    args = parser.parse_args(argv)
    if args.concerns < 1 or args.burst < 1 or args.workers < 1:
        parser.error("--concerns, --burst and --workers must be at least 1")
    return args


async def main(argv: list[str] | None = None) -> int:
    """Run, print the numbers, and return 1 if any safety message was lost."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    result = await run(args.concerns, args.burst, args.database, args.workers)
    print("\n".join(report(result)))
    worried = result.quiet + result.loaded
    if any(s.alert_at is None or s.reply_at is None for s in worried):
        print("LOST: an alert or a young person's safety reply never arrived")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
