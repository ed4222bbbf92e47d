"""How fast the real outbox sender drains a reminder burst, and how long safety messages wait.

Usage, from the project root:

    .venv/bin/python bench/outbox_burst.py [--messages N] [--database sqlite|postgres]
                                           [--safety K]

Defaults: N=10000 reminders, SQLite, K=20 safety messages. A fresh database (a SQLite file
in a temp dir, or a new PostgreSQL database on 127.0.0.1:5432 that is dropped afterwards) gets
one key worker and N young people, and N reminders are queued at once. The real sender
(`bootstrap(...).start_sending()`, default pace 29/s) drains them into a strict fake Telegram
that answers 429 beyond Telegram's flood limits, while K safety messages to the worker are
queued one at a time, spread over the drain. Then a bare python-telegram-bot send loop with
`AIORateLimiter()` defaults sends min(N, 1500) messages to a fresh strict fake as a baseline.
It prints numbers only: nothing here passes or fails. N=600 takes under a minute; N=10000
takes about six (10,000 / 29 per second).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import time
from dataclasses import dataclass, replace
from datetime import datetime

from burst_support import (
    Arrivals,
    Key,
    Latency,
    close,
    code_version,
    person_row,
    refusals_by_limit,
    reminder_row,
    scratch_database,
)
from ptb_baseline import BaselineResult, run_baseline
from sqlalchemy import func, insert, select

from bot.adapters.db.migrate import upgrade_async
from bot.adapters.db.models import OutboxMessage, YoungPerson
from bot.adapters.db.uow import UnitOfWorkFactory
from bot.clock import system_clock
from bot.config import load_settings
from bot.devtools.fake_telegram import FakeTelegram, RateLimits
from bot.domain.outbox import Lane
from bot.domain.people import Role
from bot.entrypoints.bootstrap import Running, bootstrap
from bot.services.staff import NewStaff, do_add_staff

WORKER_CHAT = 1001
FIRST_PERSON_CHAT = 10_000_000
BASELINE_CAP = 1500
PACE = 29.0  # the sender's default overall pace, messages a second
SAFETY_GAP = 1.2  # seconds between safety messages: Telegram allows one a second per chat
FIRST_SAFETY_AFTER = 3.0  # seconds after the sender starts


@dataclass(frozen=True)
class Seeded:
    """The worker every safety message goes to, and the reminders queued for the burst."""

    worker_id: int
    reminders: list[Key]


@dataclass(frozen=True)
class SafetySent:
    """One safety message: what it is, when its commit began, and whether reminders waited."""

    key: Key
    committed_at: float
    under_load: bool


@dataclass(frozen=True)
class OutboxResult:
    """Everything the outbox run measured."""

    database: str
    code: str
    reminders: int
    safety: list[SafetySent]
    elapsed: float
    rate: float
    span: float
    refusals: int
    per_chat_refusals: int
    duplicates: int
    lost: int
    latency: Latency | None
    extra_attempts: int
    errors_logged: int


class _ErrorCounter(logging.Handler):
    """Counts WARNING-and-worse log records (the sender logs failed sends and claims)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


async def seed(uow: UnitOfWorkFactory, count: int, now: datetime) -> Seeded:
    """One hub with a key worker, `count` young people and one reminder queued for each."""
    new = NewStaff(WORKER_CHAT, "Jo", Role.KEY_WORKER, "Harrogate", "North Yorkshire", create=True)
    added = await do_add_staff(uow(), new, now=now)
    async with uow() as work:
        worker = await work.staff.get(added.staff_id)
        assert worker is not None  # noqa: S101 - it was added just above
        await work.session.execute(
            insert(YoungPerson),
            [
                person_row(worker.hub_id, worker.id, FIRST_PERSON_CHAT + n, f"Alex{n}", now)
                for n in range(count)
            ],
        )
        people = (
            await work.session.execute(select(YoungPerson.id, YoungPerson.telegram_user_id))
        ).all()
        rows = [
            reminder_row(n, pid, chat, worker.hub_id, now) for n, (pid, chat) in enumerate(people)
        ]
        await work.session.execute(insert(OutboxMessage), rows)
        await work.commit()
    return Seeded(added.staff_id, [(row["chat_id"], row["text"]) for row in rows])


async def queue_safety(uow: UnitOfWorkFactory, worker_id: int, number: int) -> tuple[Key, float]:
    """Queue one safety message to the worker in its own unit of work; time its commit."""
    async with uow() as work:
        worker = await work.staff.get(worker_id)
        assert worker is not None  # noqa: S101
        values = {"name": "Sam", "text": f"bench safety {number}"}
        [message] = work.postbox.to_staff(
            worker, "safety_message_failed", values, now=system_clock(), lane=Lane.SAFETY
        )
        committed_at = time.monotonic()
        await work.commit()  # rings the sender's bell
    return (message.chat_id, message.text), committed_at


async def inject_safety(
    running: Running, seeded: Seeded, arrivals: Arrivals, count: int
) -> list[SafetySent]:
    """Queue `count` safety messages spread over the expected drain, at least 1.2 s apart."""
    drain = len(seeded.reminders) / PACE
    gap = max(SAFETY_GAP, (drain - FIRST_SAFETY_AFTER) / max(count, 1))
    sent: list[SafetySent] = []
    await asyncio.sleep(FIRST_SAFETY_AFTER)
    for number in range(count):
        under_load = bool(arrivals.missing(seeded.reminders))
        key, committed_at = await queue_safety(running.waypoint.uow, seeded.worker_id, number)
        sent.append(SafetySent(key, committed_at, under_load))
        await asyncio.sleep(gap)
    return sent


async def wait_for(arrivals: Arrivals, expected: list[Key], deadline: float) -> list[Key]:
    """Poll until every expected message arrived or `deadline` passed; return the missing."""
    missing = arrivals.missing(expected)
    while missing and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        missing = arrivals.missing(missing)
    return missing


async def extra_attempts(uow: UnitOfWorkFactory) -> int:
    """Attempts beyond one per row: re-claims after a lost lease or a failed send."""
    async with uow() as work:
        total = await work.session.scalar(select(func.sum(OutboxMessage.attempts - 1)))
    return int(total or 0)


async def run_outbox(messages: int, database: str, safety: int) -> OutboxResult:
    """The whole outbox run against a fresh database and a fresh strict fake."""
    errors = _ErrorCounter()
    logging.getLogger().addHandler(errors)
    arrivals = Arrivals()
    async with scratch_database(database) as url:
        await upgrade_async(url)
        # The project's wording is still a draft; a benchmark sends no real young person anything.
        settings = load_settings(
            database_url=url,
            telegram_token=FakeTelegram.token_for_tests(),
            allow_draft_content=True,
        )
        with FakeTelegram(rate_limits=RateLimits()) as fake:
            fake.on_bot_message = arrivals
            running = bootstrap(settings, api_url=fake.url)
            try:
                seeded = await seed(running.waypoint.uow, messages, system_clock())
                result = await _drain(running, seeded, arrivals, database, safety)
            finally:
                await close(running)
            refusals = fake.limit_refusals
            per_chat, _overall = refusals_by_limit(fake.requests)
    logging.getLogger().removeHandler(errors)
    return replace(
        result, refusals=refusals, per_chat_refusals=per_chat, errors_logged=errors.count
    )


async def _drain(
    running: Running, seeded: Seeded, arrivals: Arrivals, database: str, safety: int
) -> OutboxResult:
    started = time.monotonic()
    await running.start_sending()
    sent = await inject_safety(running, seeded, arrivals, safety)
    expected = seeded.reminders + [s.key for s in sent]
    deadline = started + len(seeded.reminders) / PACE * 1.5 + 60
    missing = await wait_for(arrivals, expected, deadline)
    elapsed = time.monotonic() - started
    rate, span = arrivals.steady_rate(seeded.reminders)
    latencies = [
        arrived - s.committed_at
        for s in sent
        if (arrived := arrivals.arrived_at(s.key)) is not None
    ]
    return OutboxResult(
        database=database,
        code=code_version(),
        reminders=len(seeded.reminders),
        safety=sent,
        elapsed=elapsed,
        rate=rate,
        span=span,
        refusals=0,  # read from the fake by the caller
        per_chat_refusals=0,
        duplicates=arrivals.duplicates(),
        lost=len(missing),
        latency=Latency.of(latencies),
        extra_attempts=await extra_attempts(running.waypoint.uow),
        errors_logged=0,  # counted by the caller
    )


def _row(label: str, value: str) -> str:
    return f"  {label:<18}{value}"


MORE = " " * 20  # continues the row above


def outbox_lines(outbox: OutboxResult) -> list[str]:
    """The outbox part of the report."""
    safety = len(outbox.safety)
    under_load = sum(s.under_load for s in outbox.safety)
    other_429s = outbox.refusals - outbox.per_chat_refusals
    return [
        f"outbox burst: {outbox.reminders} reminders + {safety} safety, {outbox.database}",
        _row("sender code", outbox.code),
        _row(
            "messages",
            f"{outbox.reminders + safety}, all in {outbox.elapsed:.1f} s from sender start",
        ),
        _row("drain rate", f"{outbox.rate:.1f} msg/s ({outbox.rate / 30:.0%} of Telegram's 30/s)"),
        f"{MORE}steady part only: first reminder's sendMessage to the last ({outbox.span:.1f} s)",
        _row("429s received", str(outbox.refusals)),
        f"{MORE}{outbox.per_chat_refusals} per-chat (that chat had a message < 1.1 s before), "
        f"{other_429s} overall",
        _row("duplicates", str(outbox.duplicates)),
        _row("lost", str(outbox.lost)),
        _row("extra attempts", f"{outbox.extra_attempts} (claims beyond one per row)"),
        _row("errors logged", str(outbox.errors_logged)),
        _row("safety latency", f"{outbox.latency or 'n/a'}"),
        f"{MORE}from the commit of the queued safety row to the fake seeing it (the whole",
        f"{MORE}concern flow, from a young person's words, is in concern_latency.py);",
        f"{MORE}{under_load} of {safety} were queued while reminders were still waiting",
    ]


def baseline_lines(baseline: BaselineResult, outbox: OutboxResult) -> list[str]:
    """The baseline part of the report, with the ratio to the outbox."""
    capped = ", capped" if baseline.messages < outbox.reminders else ""
    ratio = outbox.rate / baseline.rate if baseline.rate else float("nan")
    return [
        f"baseline (PTB AIORateLimiter send loop, {baseline.messages} msgs{capped}): "
        f"{baseline.rate:.1f} msg/s, {baseline.refusals} 429s",
        f"{MORE}{baseline.delivered} delivered, {baseline.retry_after_errors} raised RetryAfter "
        "(AIORateLimiter defaults retry none)",
        f"  ratio outbox/baseline {ratio:.2f}",
    ]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line: --messages, --database, --safety."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000, help="reminders to queue")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--safety", type=int, default=20, help="safety messages to inject")
    return parser.parse_args(argv)


async def main(argv: list[str] | None = None) -> None:
    """Run the outbox burst, then the baseline, and print both."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    outbox = await run_outbox(args.messages, args.database, args.safety)
    baseline = await run_baseline(min(args.messages, BASELINE_CAP))
    print("\n".join(outbox_lines(outbox) + baseline_lines(baseline, outbox)))


if __name__ == "__main__":
    asyncio.run(main())
