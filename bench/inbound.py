"""How many ordinary updates a second Waypoint handles, beside a bare python-telegram-bot echo.

Usage, from the project root:

    .venv/bin/python bench/inbound.py [--database sqlite|postgres] [--young-people N]
                                      [--updates U] [--rounds K] [--steady S] [--rate R]

Defaults: SQLite, N=300, U=900, K=3, S=300, R=10. A fresh database (a SQLite file in a temp
dir, or a new PostgreSQL database on 127.0.0.1:5432 that is dropped afterwards) is migrated
and gets one hub with one key worker and N linked young people. Waypoint is started the real
way (`bootstrap`, `freeze_what_lasts` and `bot.entrypoints.serve.serving`, as `waypoint run`
starts it: the poller storing updates in the inbox, the per-chat dispatcher, the sender at its
default pace) against a strict fake Telegram over HTTP. Then K rounds, each of:

1. burst: U ordinary text updates ("hello", spread round the N chats) are queued at the fake
   at once. An update counts as handled when Waypoint's handlers for it have returned: its
   answer is committed to the outbox and its inbox row marked handled in that same
   transaction (a handler in a later group notes the moment; the inbox is checked after).
   Updates a second run from just before the first update is queued to the last handled.
   The answers themselves then leave at the sender's pace (29 messages a second for the
   whole bot, Telegram's limit is 30), so the time until the last one arrives is printed too.
2. echo, straight after: a bare PTB echo bot (PTB's Updater polling, one handler answering
   with sendMessage, no database; `ptb_baseline.run_echo`) gets the same U updates from the
   same chats on a fresh lenient fake; handled is its answer seen by the fake. The round's
   ratio is Waypoint's updates a second over the echo's.

Rounds in turns let load from elsewhere on the machine fall on both sides alike; every
round's ratio is printed, and the median round's numbers in full. Then:

3. steady: S more updates at R a second (Waypoint only); the reply latency runs from just
   before the update is queued at the fake to the moment the fake answers the bot's
   sendMessage, for the answer's first message and its last.

It prints numbers and asserts nothing. The default run takes about 2.5 minutes, most of it
waiting for each burst's answers to leave at 29 a second.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import statistics
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from burst_support import Latency, close, person_row, refusals_by_limit, scratch_database
from concern_latency import ErrorCounter, letters, short_version, wait_until_quiet
from ptb_baseline import EchoResult, run_echo
from sqlalchemy import func, insert, select
from telegram import Update
from telegram.ext import TypeHandler

from bot.adapters.db.migrate import upgrade_async
from bot.adapters.db.models import InboxUpdate, YoungPerson
from bot.adapters.db.uow import UnitOfWorkFactory
from bot.clock import system_clock
from bot.config import load_settings
from bot.devtools.fake_telegram import FakeTelegram, FakeUser, RateLimits, SentMessage
from bot.domain.people import Role
from bot.entrypoints.bootstrap import bootstrap, freeze_what_lasts
from bot.entrypoints.serve import serving
from bot.services.staff import NewStaff, do_add_staff

ORDINARY = "hello"
WORKER = 1001
FIRST_YOUNG_PERSON = 2_000_000
HANDLED_WITHIN = 300.0  # seconds for the burst to be handled; the rest counts as not handled
QUIET_WITHIN = 300.0  # seconds for the outbox to empty after a phase
TARGET = 0.35  # issue 10: Waypoint's updates a second over the bare echo's, at least


@dataclass
class Replies:
    """When the fake delivered each text message, per chat (`fake.on_bot_message`)."""

    by_chat: dict[int, list[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, message: SentMessage) -> None:
        """Record one message; called from the fake's server thread."""
        if message.text is None or message.edited:
            return
        now = time.monotonic()
        with self._lock:
            self.by_chat.setdefault(message.chat_id, []).append(now)

    def to(self, chats: set[int]) -> list[float]:
        """Every delivery to these chats, in order."""
        with self._lock:
            return sorted(at for chat in chats for at in self.by_chat.get(chat, []))

    def between(self, chat: int, start: float, end: float) -> list[float]:
        """Deliveries to `chat` from `start` up to (not including) `end`."""
        with self._lock:
            return [at for at in self.by_chat.get(chat, []) if start <= at < end]


@dataclass
class Handled:
    """When the bot finished handling each update: a handler in a group after Waypoint's own,
    so it runs once they have returned (a handler that failed stops the update before it)."""

    times: list[float] = field(default_factory=list)
    expected: int = 0
    all_in: asyncio.Event = field(default_factory=asyncio.Event)

    def expect(self, count: int) -> None:
        """Start counting afresh, up to `count`."""
        self.times, self.expected = [], count
        self.all_in.clear()

    async def __call__(self, _update: Update, _context: Any) -> None:
        """Note the moment."""
        self.times.append(time.monotonic())
        if len(self.times) >= self.expected:
            self.all_in.set()


@dataclass
class Burst:
    """What the burst did in Waypoint."""

    updates: int = 0
    handled: int = 0
    seconds: float = 0.0
    inbox: Counter[str] = field(default_factory=Counter)
    answers: int = 0
    answers_done: float = 0.0

    @property
    def rate(self) -> float:
        """Updates handled a second."""
        return self.handled / self.seconds if self.seconds > 0 else 0.0


@dataclass
class Result:
    """What one run measured."""

    database: str
    young_people: int
    code: str = ""
    # One Waypoint burst and one echo burst per round, in turns.
    bursts: list[Burst] = field(default_factory=list)
    echoes: list[EchoResult] = field(default_factory=list)
    steady_rate: float = 0.0
    steady_sent: int = 0
    first_message: list[float] = field(default_factory=list)
    whole_answer: list[float] = field(default_factory=list)
    refusals: int = 0
    per_chat_refusals: int = 0
    errors_logged: int = 0
    load: list[str] = field(default_factory=list)


async def seed(uow: UnitOfWorkFactory, count: int, now: datetime) -> list[FakeUser]:
    """One hub with one key worker, and `count` young people linked to the worker (rows
    added in bulk, as outbox_burst.py adds them: no invites, so no welcomes to wait for)."""
    worker = NewStaff(WORKER, "Jo", Role.KEY_WORKER, "Harrogate", "North Yorkshire", create=True)
    await do_add_staff(uow(), worker, now=now)
    people = [FakeUser(FIRST_YOUNG_PERSON + n, f"Kid{letters(n)}") for n in range(count)]
    async with uow() as work:
        staff = await work.staff.by_telegram_id(WORKER)
        assert staff is not None  # noqa: S101 - added just above
        rows = [person_row(staff.hub_id, staff.id, p.id, p.first_name, now) for p in people]
        await work.session.execute(insert(YoungPerson), rows)
        await work.commit()
    return people


def queue_ordinary(fake: FakeTelegram, people: list[FakeUser], count: int) -> int:
    """Queue `count` ordinary messages at the fake at once, round the young people's chats."""
    for n in range(count):
        fake.send_text(people[n % len(people)], ORDINARY)
    return count


async def inbox_states(uow: UnitOfWorkFactory) -> Counter[str]:
    """How many inbox rows are in each state."""
    async with uow() as work:
        query = select(InboxUpdate.state, func.count()).group_by(InboxUpdate.state)
        return Counter({str(state): int(n) for state, n in await work.session.execute(query)})


async def measure_burst(
    uow: UnitOfWorkFactory,
    fake: FakeTelegram,
    replies: Replies,
    handled: Handled,
    people: list[FakeUser],
    *,
    count: int,
) -> Burst:
    """Queue the burst at once; time until every update is handled, then until its answers
    have all been delivered."""
    burst = Burst(updates=count)
    handled.expect(count)
    started = time.monotonic()
    queue_ordinary(fake, people, count)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(handled.all_in.wait(), HANDLED_WITHIN)
    burst.handled = len(handled.times)
    burst.seconds = max(handled.times, default=started) - started
    burst.inbox = await inbox_states(uow)
    if not await wait_until_quiet(uow, QUIET_WITHIN):
        print("the burst's answers did not all go out; counting anyway")
    # This burst's answers only: earlier rounds' went out before it was queued.
    answers = [at for at in replies.to({person.id for person in people}) if at >= started]
    burst.answers = len(answers)
    burst.answers_done = max(answers, default=started) - started
    return burst


async def measure_steady(
    uow: UnitOfWorkFactory,
    fake: FakeTelegram,
    replies: Replies,
    people: list[FakeUser],
    *,
    result: Result,
    count: int,
) -> None:
    """`count` updates at `result.steady_rate` a second; the latency of each answer's first
    message and of its last."""
    said: list[tuple[int, float]] = []
    start = time.monotonic()
    for n in range(count):
        delay = start + n / result.steady_rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        person = people[n % len(people)]
        said.append((person.id, time.monotonic()))
        fake.send_text(person, ORDINARY)
    if not await wait_until_quiet(uow, QUIET_WITHIN):
        print("the steady phase's answers did not all go out; measuring anyway")
    result.steady_sent = len(said)
    for n, (chat, sent_at) in enumerate(said):
        later = [at for other, at in said[n + 1 :] if other == chat]
        arrived = replies.between(chat, sent_at, min(later, default=float("inf")))
        if arrived:
            result.first_message.append(arrived[0] - sent_at)
            result.whole_answer.append(arrived[-1] - sent_at)


def load_average() -> str:
    """The 1-minute load average, to judge how quiet the machine was."""
    return f"{os.getloadavg()[0]:.2f}"


async def run_waypoint(args: argparse.Namespace, result: Result) -> None:
    """The bursts (each followed by the echo's) and the steady phase, against a fresh database
    and the real bot."""
    token = FakeTelegram.token_for_tests()
    async with scratch_database(args.database) as url:
        await upgrade_async(url)
        settings = load_settings(database_url=url, telegram_token=token, allow_draft_content=True)
        with FakeTelegram(rate_limits=RateLimits()) as fake:
            replies = Replies()
            fake.on_bot_message = replies
            running = bootstrap(settings, api_url=fake.url)
            freeze_what_lasts()  # as waypoint run does after bootstrap
            uow = running.waypoint.uow
            try:
                people = await seed(uow, args.young_people, system_clock())
            except BaseException:
                await close(running)
                raise
            async with serving(running, token=token, api_url=fake.url, poll_timeout=1) as served:
                handled = Handled()
                served.application.add_handler(TypeHandler(Update, handled), group=1)
                await asyncio.to_thread(fake.wait_until_polling)
                if not await wait_until_quiet(uow, QUIET_WITHIN):
                    print("the outbox did not empty before the burst; measuring anyway")
                for _round in range(args.rounds):
                    result.load.append(f"burst {load_average()}")
                    result.bursts.append(
                        await measure_burst(
                            uow, fake, replies, handled, people, count=args.updates
                        )
                    )
                    # The echo straight after, so both see the machine as it is now.
                    result.load.append(f"echo {load_average()}")
                    result.echoes.append(
                        await run_echo(
                            lambda echo_fake: queue_ordinary(echo_fake, people, args.updates)
                        )
                    )
                result.load.append(f"steady {load_average()}")
                await measure_steady(uow, fake, replies, people, result=result, count=args.steady)
            result.refusals = fake.limit_refusals
            result.per_chat_refusals, _overall = refusals_by_limit(fake.requests)


async def run(args: argparse.Namespace) -> Result:
    """Waypoint's bursts, each followed by the bare echo's with the same updates, in one run."""
    errors = ErrorCounter()
    logging.getLogger().addHandler(errors)
    result = Result(args.database, args.young_people, code=short_version())
    result.steady_rate = args.rate
    await run_waypoint(args, result)
    logging.getLogger().removeHandler(errors)
    result.errors_logged = errors.count
    return result


def ratio_of(burst: Burst, echo: EchoResult) -> float:
    """Waypoint's updates a second over the echo's, in one round."""
    return burst.rate / echo.rate if echo.rate > 0 else 0.0


def report(result: Result) -> list[str]:
    """The lines to print: each round, then the median round."""
    rounds = list(zip(result.bursts, result.echoes, strict=True))
    ratios = [ratio_of(burst, echo) for burst, echo in rounds]
    middle = ratios.index(statistics.median_low(ratios))
    burst, echo = rounds[middle]
    per_answer = burst.answers / burst.handled if burst.handled else 0.0
    answers_rate = burst.handled / burst.answers_done if burst.answers_done > 0 else 0.0
    inbox = ", ".join(f"{n} {state}" for state, n in sorted(burst.inbox.items()))
    first, whole = Latency.of(result.first_message), Latency.of(result.whole_answer)
    lines = [
        f"inbound: {burst.updates} ordinary updates from {result.young_people} linked young "
        f"people, {result.database}, {len(rounds)} rounds (a Waypoint burst, then the echo's)",
        f"  code              {result.code}",
    ]
    for n, ((one, its_echo), ratio) in enumerate(zip(rounds, ratios, strict=True), start=1):
        lines.append(
            f"  round {n}           Waypoint {one.handled} of {one.updates} in {one.seconds:.2f}"
            " s:"
            f" {one.rate:.1f}/s; echo {its_echo.answered} of {its_echo.updates} in "
            f"{its_echo.seconds:.2f} s: {its_echo.rate:.1f}/s; ratio {ratio:.3f}"
        )
    return [
        *lines,
        f"  median round      {middle + 1} (of the ratios, the lower middle one)",
        f"  Waypoint          {burst.handled} of {burst.updates} handled in {burst.seconds:.2f} s:"
        f" {burst.rate:.1f} updates/s (handled: handlers returned, answer committed to the "
        "outbox, inbox row marked handled)",
        f"  inbox after       {inbox}",
        f"  bare PTB echo     {echo.answered} of {echo.updates} answered in {echo.seconds:.2f} s:"
        f" {echo.rate:.1f} updates/s (handled: its answer seen by the fake)",
        f"  ratio             {ratios[middle]:.3f} (Waypoint / echo; the target is at least "
        f"{TARGET}); every round: {', '.join(f'{r:.3f}' for r in ratios)}",
        f"  Waypoint answers  {burst.answers} messages to the young people ({per_answer:.2f} an "
        f"update), the last {burst.answers_done:.1f} s after the burst was queued: "
        f"{answers_rate:.1f} answers/s",
        f"  steady {result.steady_rate:g}/s       {result.steady_sent} updates, "
        f"{len(result.first_message)} answered",
        f"    first message   {first or 'n/a'}",
        f"    whole answer    {whole or 'n/a'}",
        f"  429s received     {result.refusals} ({result.per_chat_refusals} per-chat, "
        f"{result.refusals - result.per_chat_refusals} overall)",
        f"  errors logged     {result.errors_logged}",
        f"  load average      {', '.join(result.load)} (1 min, before each phase)",
    ]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line: --database, --young-people, --updates, --steady, --rate."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--young-people", type=int, default=300, help="linked young people")
    parser.add_argument("--updates", type=int, default=900, help="updates in the burst")
    parser.add_argument("--steady", type=int, default=300, help="updates in the steady phase")
    parser.add_argument("--rate", type=float, default=10.0, help="steady updates a second")
    parser.add_argument(
        "--rounds", type=int, default=3, help="bursts, each followed by the echo's"
    )
    args = parser.parse_args(argv)
    if min(args.young_people, args.updates, args.steady, args.rounds) < 1 or args.rate <= 0:
        parser.error("--young-people, --updates, --steady, --rounds and --rate must be positive")
    return args


async def main(argv: list[str] | None = None) -> int:
    """Run and print the numbers."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    print("\n".join(report(await run(args))))
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
