"""Does one reminders tick cost what is due, not what is stored? (DESIGN.md: "the same tick time
at 10,000 and 1,000,000 stored sessions".)

Usage, from the project root:

    .venv/bin/python bench/scheduler_scale.py [--database sqlite|postgres]
                                              [--sizes 10000,1000000] [--repeats 9]

"One tick" here is what `bot.entrypoints.ticks.Ticks.reminders` does once when a batch is due:
one call of `try_follow_weekly` with nothing to follow, then one call of `try_remind_due`,
which claims up to BATCH (100) due reminders with FOR UPDATE SKIP LOCKED and queues each to
the outbox, all in one transaction. The real tick loops while a full batch comes back; one
batch is the unit whose cost must not grow with the table. It is timed `--repeats` times,
each time with fresh due rows (between timings, untimed, as many reminders as were claimed
are brought due, so about 1% of sessions always have a reminder due), and the median printed.

For each size a fresh database (a SQLite file in a temp dir, or a new PostgreSQL database
that is dropped afterwards) is migrated to head as `waypoint migrate` does, and filled with
Core bulk inserts: one council and hub, 20 key workers, one young person per 50 sessions,
and the sessions spread over a year around a fixed midday "now" (so quiet hours never apply).
Past sessions are seen, not seen or cancelled, with their 2 reminders done; sessions ahead are
booked with 2 reminders pending, most not yet due; 1 in 10 is weekly (past weeks followed).
On PostgreSQL the tables are ANALYZEd after the load, as autovacuum would; SQLite gets none.
Prints numbers only: nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import statistics
import time
from collections.abc import Iterator
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from burst_support import code_version, person_row, scratch_database
from sqlalchemy import func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.db.engine import create_engine, session_factory
from bot.adapters.db.migrate import upgrade_async
from bot.adapters.db.models import Reminder, Session, Staff, YoungPerson
from bot.adapters.db.uow import PostOffice, UnitOfWorkFactory
from bot.content.catalogue import Catalogue
from bot.domain.people import Role
from bot.domain.reminders import ReminderState
from bot.services.reminders import try_follow_weekly, try_remind_due
from bot.services.staff import NewStaff, do_add_staff

NOW = datetime(2027, 1, 13, 12, 0, tzinfo=UTC)  # a Wednesday midday: out of quiet hours
ZONE = "Europe/London"
LONDON = ZoneInfo(ZONE)
SESSIONS_PER_PERSON = 50
WORKERS = 20
DUE_SHARE = 0.01
CHUNK = 20_000


def _session_rows(
    ids: range, *, people: list[int], hub_id: int, staff: list[int], rng: random.Random
) -> Iterator[tuple[dict[str, object], list[dict[str, object]]]]:
    """Sessions spread over a year around NOW, each with its two reminders (1d and 2h)."""
    for number in ids:
        # Midday-ish starts in 15-minute steps, half a year either side of NOW.
        start = NOW + timedelta(days=rng.randint(-182, 182), minutes=15 * rng.randint(-8, 20))
        ahead = start > NOW
        weekly = number % 10 == 0
        state = (
            "booked" if ahead else rng.choice(["seen", "seen", "seen", "not_seen", "cancelled"])
        )
        session = {
            "id": number,
            "hub_id": hub_id,
            "young_person_id": rng.choice(people),
            "with_kind": "worker",
            "staff_id": rng.choice(staff),
            "local_start": start.astimezone(LONDON).replace(tzinfo=None),
            "zone": ZONE,
            "starts_at": start,
            "minutes": 60,
            "weekly": weekly,
            "series_id": number if weekly else None,
            "followed": weekly and not ahead,
            "state": state,
            "created_at": NOW - timedelta(days=200),
            "changed_at": NOW - timedelta(days=200),
        }
        reminders = []
        for offset, before in (("1d", timedelta(hours=19)), ("2h", timedelta(hours=2))):
            due = start - before
            pending = ahead and due > NOW
            reminders.append(
                {
                    "session_id": number,
                    "offset": offset,
                    "due_at": due,
                    "state": "pending" if pending else "queued",
                    "done_at": None if pending else due,
                    "reason": None,
                }
            )
        yield session, reminders


async def _fill(engine: AsyncEngine, uow: UnitOfWorkFactory, size: int) -> None:
    """One hub, its workers and young people, `size` sessions and 2 reminders each."""
    for n in range(WORKERS):
        new = NewStaff(1000 + n, f"Worker{n}", Role.KEY_WORKER, "Bench", "Bench", create=n == 0)
        await do_add_staff(uow(), new, now=NOW)
    async with engine.begin() as connection:
        hub_id, worker = (await connection.execute(select(Staff.hub_id, Staff.id).limit(1))).one()
        staff = list(await connection.scalars(select(Staff.id)))
        people_count = max(1, size // SESSIONS_PER_PERSON)
        for start in range(0, people_count, CHUNK):
            people_rows = [
                person_row(hub_id, worker, 10_000_000 + n, f"P{n}", NOW)
                for n in range(start, min(people_count, start + CHUNK))
            ]
            await connection.execute(insert(YoungPerson), people_rows)
        people = list(await connection.scalars(select(YoungPerson.id)))
    rng = random.Random(12)
    for start in range(1, size + 1, CHUNK):
        ids = range(start, min(size + 1, start + CHUNK))
        rows = list(_session_rows(ids, people=people, hub_id=hub_id, staff=staff, rng=rng))
        async with engine.begin() as connection:
            await connection.execute(insert(Session), [s for s, _ in rows])
            await connection.execute(insert(Reminder), [r for _, rs in rows for r in rs])
    await _bring_due(engine, round(size * DUE_SHARE))
    if engine.dialect.name == "postgresql":
        async with engine.begin() as connection:
            await connection.execute(text("SELECT setval('sessions_id_seq', :n)"), {"n": size})
            await connection.execute(text("ANALYZE"))


async def _bring_due(engine: AsyncEngine, count: int) -> None:
    """Make `count` pending reminders of sessions ahead due now: their sessions move to start
    2 hours from now, and the "2h" reminder falls due in the last few minutes."""
    async with engine.begin() as connection:
        chosen = list(
            await connection.scalars(
                select(Reminder.session_id)
                .where(
                    Reminder.state == ReminderState.PENDING.value,
                    Reminder.offset == "2h",
                    Reminder.due_at > NOW + timedelta(days=30),
                )
                .order_by(Reminder.due_at.desc())
                .limit(count)
            )
        )
        if not chosen:
            return
        start = NOW + timedelta(hours=2)
        await connection.execute(
            update(Session)
            .where(Session.id.in_(chosen))
            .values(starts_at=start, local_start=start.astimezone(LONDON).replace(tzinfo=None))
        )
        await connection.execute(
            update(Reminder)
            .where(Reminder.session_id.in_(chosen), Reminder.offset == "2h")
            .values(due_at=NOW - timedelta(minutes=2))
        )


async def _due_count(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        query = select(func.count()).where(
            Reminder.state == ReminderState.PENDING.value, Reminder.due_at <= NOW
        )
        return int(await connection.scalar(query) or 0)


@dataclass
class Filled:
    """One size's database, ready to tick, and its timings so far."""

    size: int
    engine: AsyncEngine
    uow: UnitOfWorkFactory
    timings: list[float] = field(default_factory=list)
    taken: int = 0


async def _filled(stack: AsyncExitStack, kind: str, size: int) -> Filled:
    """A fresh database of this size, migrated to head and filled."""
    url = await stack.enter_async_context(scratch_database(kind))
    await upgrade_async(url)
    engine = create_engine(url)
    stack.push_async_callback(engine.dispose)
    uow = UnitOfWorkFactory(session_factory(engine), PostOffice(Catalogue.load(allow_drafts=True)))
    began = time.perf_counter()
    await _fill(engine, uow, size)
    print(
        f"  {kind} {size:>9,} sessions: filled in {time.perf_counter() - began:.0f} s,"
        f" {await _due_count(engine):,} reminders due"
    )
    return Filled(size, engine, uow)


async def _tick(filled: Filled) -> None:
    """One tick, timed; then (untimed) as many reminders brought due as it took."""
    began = time.perf_counter()
    followed = await try_follow_weekly(filled.uow(), now=NOW)
    taken = await try_remind_due(filled.uow(), now=NOW)
    filled.timings.append(time.perf_counter() - began)
    if followed:
        raise RuntimeError(f"{followed} weekly sessions were followed: the tick is not idle")
    filled.taken = taken
    await _bring_due(filled.engine, taken)


async def main() -> None:
    """Measure each size on one database kind and print the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--repeats", type=int, default=9)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    sizes = [int(size) for size in args.sizes.split(",")]
    print(f"scheduler_scale at {code_version(('bot/adapters/db', 'bot/services/reminders.py'))}")
    async with AsyncExitStack() as stack:
        filled = [await _filled(stack, args.database, size) for size in sizes]
        # Sizes take turns, first one then the other, so load from elsewhere on the machine
        # falls on both alike; each one's first tick warms caches and is left out.
        for turn in range(args.repeats + 1):
            for each in filled if turn % 2 == 0 else filled[::-1]:
                await _tick(each)
    for each in filled:
        timings = each.timings[1:]
        spread = ", ".join(f"{t * 1000:.0f}" for t in timings)
        print(
            f"  {each.size:>9,} sessions, one tick ({each.taken} queued):"
            f" median {statistics.median(timings) * 1000:.1f} ms  [{spread}]"
        )
    base = statistics.median(filled[0].timings[1:])
    for each in filled[1:]:
        median = statistics.median(each.timings[1:])
        print(
            f"{args.database}: {filled[0].size:,} sessions {base * 1000:.1f} ms,"
            f" {each.size:,} sessions {median * 1000:.1f} ms, ratio {median / base:.2f}"
            " (target <= 1.5)"
        )


if __name__ == "__main__":
    asyncio.run(main())
