"""How long a young person's worrying message takes to reach their worker, end to end.

Usage, from the project root:

    .venv/bin/python bench/concern_latency.py [--concerns C] [--burst R] [--flood F]
                                              [--database sqlite|postgres] [--workers K]
                                              [--only flood]

Defaults: C=20, R=3000, F=100, SQLite, K=5. A fresh database (a SQLite file in a temp dir, or
a new PostgreSQL database on 127.0.0.1:5432 that is dropped afterwards) gets one hub with K
key workers, and 4C young people linked to them through real invites. The real bot (started
by `bot.entrypoints.serve.serving`, as `waypoint run` starts it: inbox, per-chat dispatcher,
sender) talks to a strict fake Telegram that answers 429 beyond Telegram's flood limits. Once
the welcomes have gone out:

1. quiet: C young people each write a worrying message, 0.5 s apart;
2. under load: R reminders are queued at once, and C other young people do the same while
   the reminders drain;
3. then C more young people write "hello" while the reminders still drain (its answer goes on
   the reply lane, so it shows what the safety lane buys);
4. flood: once the outbox is quiet again, one stranger (an account Waypoint does not know)
   sends F messages at once, and right after, C other young people each write the worrying
   message 0.5 s apart while the stranger's messages are being handled.

`--only flood` links C young people, queues no reminders and runs step 4 only.

Each time runs from just before the update is queued at the fake to the moment the fake
answers the bot's sendMessage: the alert to the worker, the young person's "Thank you for
telling me", or the answer to "hello". It prints p50/p95/p99/max, the 429s, lost messages and
how many answers the stranger got. It exits 1 if any alert (or any "Thank you for telling me")
never arrived: that must not happen. The default run takes about 2 min 45 s, most of it the
reminder drain (R / 29 a second); `--only flood` takes about 25 s.

Run against code from before the inbox (no `bot.entrypoints.serve`), it starts the bot the old
way, with python-telegram-bot's Updater, so the same numbers can be measured for comparison.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import statistics
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from burst_support import (
    close,
    code_version,
    person_row,
    refusals_by_limit,
    reminder_row,
    scratch_database,
)
from sqlalchemy import func, insert, select
from telegram import Update
from telegram.ext import TypeHandler

import bot
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

try:
    from bot.entrypoints.serve import serving
except ImportError:  # Code from before the inbox (issue 9): see serve() below.
    HAS_SERVING = False
else:
    HAS_SERVING = True

WORRY = "i want to kill myself tonight"
ORDINARY = "hello"
STRANGER_SAYS = "hello"
THANKS = "Thank you for telling me"
FIRST_WORKER = 1001
FIRST_YOUNG_PERSON = 2_000_000
STRANGER = FakeUser(id=5_000_000, first_name="Stranger")
FIRST_REMINDER_CHAT = 10_000_000
GAP = 0.5  # seconds between two young people writing
PACE = 29.0  # the sender's default overall pace, messages a second
SETTLE = 3.0  # seconds after queueing the burst before the first message under load
ANSWER_WITHIN = 30.0  # seconds after the last message; anything later counts as lost
# The same for the flood phase. Longer, so that code which answers the stranger's messages
# one at a time, before the worries behind them, is measured rather than counted as lost.
FLOOD_WITHIN = 300.0
QUIET_WITHIN = 120.0  # seconds for the outbox to empty between phases
# The sender leaves 1.1 s between two messages to one chat: once the outbox is empty, wait
# this long too, or the first alert can wait behind the "joined" message its worker just got.
CHAT_GAP_OVER = 1.5
ACTIVE = (DeliveryState.PENDING.value, DeliveryState.SENDING.value)
ALL_PHASES = "all"
FLOOD_ONLY = "flood"


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


@dataclass
class Handled:
    """When the bot finished handling each of one account's updates.

    Added as a handler in a group after Waypoint's own, so it runs once they have.
    """

    user_id: int
    expected: int
    times: list[float] = field(default_factory=list)
    all_in: asyncio.Event = field(default_factory=asyncio.Event)

    async def __call__(self, update: Update, _context: Any) -> None:
        """Note the moment, if the update came from the account watched."""
        if update.effective_user is not None and update.effective_user.id == self.user_id:
            self.times.append(time.monotonic())
            if len(self.times) >= self.expected:
                self.all_in.set()


@dataclass(frozen=True)
class Person:
    """A linked young person, and the chat of their named worker."""

    user: FakeUser
    worker_chat: int

    def alert(self, text: str) -> bool:
        """Whether `text` is the alert about this young person's worry."""
        return f"from {self.user.first_name} (" in text and WORRY in text


@dataclass(frozen=True)
class Cast:
    """The young people of each phase; the lists of phases not run are empty."""

    quiet: list[Person]
    loaded: list[Person]
    ordinary: list[Person]
    flood: list[Person]


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
        new = NewStaff(
            chat, f"Jo{letters(n)}", Role.KEY_WORKER, "Harrogate", "North Yorkshire", create=True
        )
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


async def populate(
    uow: UnitOfWorkFactory, fake: FakeTelegram, concerns: int, burst: int, workers: int
) -> Cast:
    """The hub, its workers and young people, and the reminder-only young people."""
    now = system_clock()
    chats = await add_workers(uow, workers, now)
    if burst == 0:  # the flood phase only
        return Cast([], [], [], await link_people(uow, fake, chats, concerns, now))
    people = await link_people(uow, fake, chats, 4 * concerns, now)
    await add_reminder_people(uow, burst, now)
    phases = [people[n * concerns : (n + 1) * concerns] for n in range(4)]
    return Cast(*phases)


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


async def collect(seen: Seen, said: list[Said], within: float = ANSWER_WITHIN) -> None:
    """Wait until every answer arrived, or `within` seconds after the last message."""
    deadline = max((s.sent_at for s in said), default=0.0) + within
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
    started_by: str
    workers: int
    burst: int
    flood: int
    quiet: list[Said] = field(default_factory=list)
    loaded: list[Said] = field(default_factory=list)
    ordinary: list[Said] = field(default_factory=list)
    flooded: list[Said] = field(default_factory=list)
    reminders_delivered: int = 0
    drain_seconds: float = 0.0
    flood_queued_at: float = 0.0
    stranger_handled: list[float] = field(default_factory=list)
    stranger_replies: int = 0
    refusals: int = 0
    per_chat_refusals: int = 0
    duplicate_alerts: int = 0
    errors_logged: int = 0

    @property
    def worried(self) -> list[Said]:
        """Every worrying message written, in every phase."""
        return self.quiet + self.loaded + self.flooded


class ErrorCounter(logging.Handler):
    """Counts WARNING-and-worse log records (failed sends, failed handlers)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


@contextlib.asynccontextmanager
async def serve(
    running: Running, *, token: str, api_url: str
) -> AsyncIterator[WaypointApplication]:
    """Serve Telegram as `waypoint run` does until the block ends; `running` is closed after."""
    if HAS_SERVING:
        async with serving(running, token=token, api_url=api_url, poll_timeout=1) as served:
            yield served.application
        return
    # Only for measuring code from before the inbox (git HEAD before issue 9), so the numbers
    # can be put beside today's: there, `waypoint run` let python-telegram-bot's Updater poll
    # (long polling, one update handled at a time). Current code never comes here.
    application = build_application(running.waypoint, token=token, api_url=api_url)
    try:
        async with application:
            await running.start_sending()
            await application.start()
            updater = application.updater
            assert updater is not None  # noqa: S101 - built with an updater before the inbox
            await updater.start_polling(
                poll_interval=0, timeout=1, allowed_updates=ALLOWED_UPDATES
            )
            try:
                yield application
            finally:
                if updater.running:
                    await updater.stop()
                if application.running:
                    await application.stop()
    finally:
        await close(running)


async def wait_for_reminders(seen: Seen, burst: int, deadline: float) -> None:
    """Poll until every reminder arrived or `deadline` passed (the fake calls from a thread)."""
    while time.monotonic() < deadline:
        if seen.reminders_seen() >= burst:
            return
        await asyncio.sleep(0.5)


async def measure_burst(
    running: Running, fake: FakeTelegram, seen: Seen, cast: Cast, result: Result
) -> None:
    """Quiet concerns, then a burst, then concerns and ordinary messages while it drains."""
    uow = running.waypoint.uow
    result.quiet = await say_each(fake, seen, cast.quiet, WORRY, 0)
    await collect(seen, result.quiet)
    if not await wait_until_quiet(uow, QUIET_WITHIN):
        print("the quiet phase's messages did not all go out; measuring anyway")
    started = time.monotonic()
    result.burst = await queue_burst(uow, system_clock())
    await asyncio.sleep(SETTLE)
    result.loaded = await say_each(fake, seen, cast.loaded, WORRY, result.burst)
    result.ordinary = await say_each(fake, seen, cast.ordinary, ORDINARY, result.burst)
    await collect(seen, result.loaded + result.ordinary)
    await wait_for_reminders(seen, result.burst, started + result.burst / PACE * 1.5 + 60)
    result.reminders_delivered = seen.reminders_seen()
    result.drain_seconds = time.monotonic() - started


async def measure_flood(
    running: Running,
    fake: FakeTelegram,
    seen: Seen,
    people: list[Person],
    *,
    handled: Handled,
    result: Result,
) -> None:
    """A stranger's flood, queued at once, and worries written right after it."""
    uow = running.waypoint.uow
    result.flood_queued_at = time.monotonic()
    for _ in range(result.flood):
        fake.send_text(STRANGER, STRANGER_SAYS)
    result.flooded = await say_each(fake, seen, people, WORRY, 0)
    await collect(seen, result.flooded, FLOOD_WITHIN)
    # Count the stranger's answers once all their messages are handled and answered.
    left = result.flood_queued_at + FLOOD_WITHIN - time.monotonic()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(handled.all_in.wait(), max(left, 0.0))
    if not await wait_until_quiet(uow, QUIET_WITHIN):
        print("the stranger's answers did not all go out; counting anyway")
    result.stranger_handled = list(handled.times)
    result.stranger_replies = seen.count(STRANGER.id, lambda _text: True)


async def measure(
    running: Running,
    fake: FakeTelegram,
    seen: Seen,
    cast: Cast,
    *,
    handled: Handled,
    result: Result,
) -> None:
    """Every phase asked for, each starting once the outbox is quiet."""
    if not await wait_until_quiet(running.waypoint.uow, QUIET_WITHIN):
        print("the welcomes did not all go out; measuring anyway")
    if result.burst:
        await measure_burst(running, fake, seen, cast, result)
        if not await wait_until_quiet(running.waypoint.uow, QUIET_WITHIN):
            print("the burst did not all go out; measuring the flood anyway")
    await measure_flood(running, fake, seen, cast.flood, handled=handled, result=result)
    result.duplicate_alerts = sum(
        max(0, seen.count(s.person.worker_chat, s.person.alert) - 1) for s in result.worried
    )


async def run(args: argparse.Namespace) -> Result:
    """The whole run against a fresh database, a fresh strict fake and the real bot."""
    errors = ErrorCounter()
    logging.getLogger().addHandler(errors)
    seen = Seen()
    burst = 0 if args.only == FLOOD_ONLY else args.burst
    started_by = "serving (inbox)" if HAS_SERVING else "PTB Updater (fallback for old code)"
    result = Result(args.database, short_version(), started_by, args.workers, burst, args.flood)
    token = FakeTelegram.token_for_tests()
    async with scratch_database(args.database) as url:
        await upgrade_async(url)
        settings = load_settings(database_url=url, telegram_token=token, allow_draft_content=True)
        with FakeTelegram(rate_limits=RateLimits()) as fake:
            fake.on_bot_message = seen
            fake.add_user(STRANGER)
            running = bootstrap(settings, api_url=fake.url)
            try:
                cast = await populate(
                    running.waypoint.uow, fake, args.concerns, burst, args.workers
                )
            except BaseException:
                await close(running)
                raise
            async with serve(running, token=token, api_url=fake.url) as application:
                handled = Handled(STRANGER.id, args.flood)
                application.add_handler(TypeHandler(Update, handled), group=1)
                await measure(running, fake, seen, cast, handled=handled, result=result)
            result.refusals = fake.limit_refusals
            result.per_chat_refusals, _overall = refusals_by_limit(fake.requests)
    logging.getLogger().removeHandler(errors)
    result.errors_logged = errors.count
    return result


def short_version() -> str:
    """The commit measured, and how many files under bot/ and content/ differ from it."""
    head, _, changed = code_version(("bot", "content")).partition(" + uncommitted ")
    version = f"{head} + {len(changed.split(', '))} uncommitted files" if changed else head
    return f"{version} (bot imported from {bot.__file__})"


def summary(seconds: list[float]) -> str:
    """p50, p95, p99 and max in milliseconds; p99 is the max below 100 samples."""
    if not seconds:
        return f"{'n/a':>8}{'n/a':>8}{'n/a':>8}{'n/a':>8}"
    ms = sorted(s * 1000 for s in seconds)
    p95 = statistics.quantiles(ms, n=20, method="inclusive")[18] if len(ms) > 1 else ms[0]
    p99 = statistics.quantiles(ms, n=100, method="inclusive")[98] if len(ms) >= 100 else ms[-1]
    return f"{statistics.median(ms):8.0f}{p95:8.0f}{p99:8.0f}{ms[-1]:8.0f}"


def alert_times(said: list[Said]) -> list[float]:
    """Seconds from each message to its alert, for those that arrived."""
    return [s.alert_at - s.sent_at for s in said if s.alert_at is not None]


def reply_times(said: list[Said]) -> list[float]:
    """Seconds from each message to the young person's answer, for those that arrived."""
    return [s.reply_at - s.sent_at for s in said if s.reply_at is not None]


def burst_lines(result: Result) -> list[str]:
    """What the reminder burst did, for the full run only."""
    under_load = sum(s.under_load for s in result.loaded + result.ordinary)
    return [
        f"  reminders         {result.reminders_delivered} of {result.burst} delivered, "
        f"{result.drain_seconds:.1f} s from queueing",
        f"  under load        {under_load} of {len(result.loaded) + len(result.ordinary)} "
        "messages were written while reminders were still waiting",
    ]


def flood_lines(result: Result) -> list[str]:
    """What the stranger's flood did, and how many worries were written while it lasted."""
    handled = result.stranger_handled
    if handled:
        last = max(handled)
        during = [s for s in result.flooded if s.sent_at < last]
        lasted = f"the last {last - result.flood_queued_at:.1f} s after the flood was queued"
    else:
        during, lasted = [], "none"
    worst = [max(times) * 1000 for times in (alert_times(during), reply_times(during)) if times]
    their = f"; slowest alert {worst[0]:.0f} ms" if worst else ""
    their += f', slowest "Thank you" {worst[1]:.0f} ms' if len(worst) > 1 else ""
    return [
        f"  stranger          {result.stranger_replies} replies to {result.flood} messages; "
        f"{len(handled)} of them handled, {lasted}",
        f"  during the flood  {len(during)} of {len(result.flooded)} worries were written "
        f"before the stranger's last message was handled{their}",
    ]


def report(result: Result) -> list[str]:
    """The lines to print."""
    lost_alerts = sum(s.alert_at is None for s in result.worried)
    lost_thanks = sum(s.reply_at is None for s in result.worried)
    lost_ordinary = sum(s.reply_at is None for s in result.ordinary)
    rows = [
        ("alert to worker (quiet)", result.quiet, alert_times(result.quiet)),
        ("alert to worker (under load)", result.loaded, alert_times(result.loaded)),
        ("alert to worker (flood)", result.flooded, alert_times(result.flooded)),
        ('"Thank you for telling me" (quiet)', result.quiet, reply_times(result.quiet)),
        ('"Thank you for telling me" (load)', result.loaded, reply_times(result.loaded)),
        ('"Thank you for telling me" (flood)', result.flooded, reply_times(result.flooded)),
        ('answer to "hello" (under load)', result.ordinary, reply_times(result.ordinary)),
    ]
    if result.burst:
        heading = (
            f"concern latency: {len(result.quiet)} quiet + {len(result.loaded)} under a burst "
            f"of {result.burst} reminders + {len(result.ordinary)} ordinary + "
            f"{len(result.flooded)} during a stranger's flood of {result.flood}"
        )
    else:
        count = len(result.flooded)
        heading = f"concern latency: {count} during a stranger's flood of {result.flood}"
        rows = [row for row in rows if row[1]]
    return [
        f"{heading}, {result.database}, {result.workers} workers",
        f"  code              {result.code}",
        f"  started with      {result.started_by}",
        f"  {'':<36}{'n':>4}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}  (ms; p99 is the max "
        "below 100 samples)",
        *(f"  {label:<36}{len(said):>4}{summary(times)}" for label, said, times in rows),
        f"  429s received     {result.refusals} ({result.per_chat_refusals} per-chat, "
        f"{result.refusals - result.per_chat_refusals} overall)",
        f'  lost              {lost_alerts} alerts, {lost_thanks} "Thank you for telling me", '
        f"{lost_ordinary} answers to hello (none arrived within {ANSWER_WITHIN:.0f} s, "
        f"{FLOOD_WITHIN:.0f} s in the flood)",
        f"  duplicate alerts  {result.duplicate_alerts}",
        *(burst_lines(result) if result.burst else []),
        *flood_lines(result),
        f"  errors logged     {result.errors_logged}",
    ]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line: --concerns, --burst, --flood, --database, --workers, --only."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concerns", type=int, default=20, help="worrying messages per phase")
    parser.add_argument("--burst", type=int, default=3000, help="reminders to queue")
    parser.add_argument("--flood", type=int, default=100, help="messages from the stranger")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--workers", type=int, default=5, help="key workers in the hub")
    parser.add_argument(
        "--only", choices=[ALL_PHASES, FLOOD_ONLY], default=ALL_PHASES, help="phases to run"
    )
    args = parser.parse_args(argv)
    if min(args.concerns, args.burst, args.flood, args.workers) < 1:
        parser.error("--concerns, --burst, --flood and --workers must be at least 1")
    return args


async def main(argv: list[str] | None = None) -> int:
    """Run, print the numbers, and return 1 if any safety message was lost."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    result = await run(args)
    print("\n".join(report(result)))
    if any(s.alert_at is None or s.reply_at is None for s in result.worried):
        print("LOST: an alert or a young person's safety reply never arrived")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
