"""`waypoint concerns ...`, `waypoint council set`, `waypoint safety scan` and
`waypoint inbox ...`."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable

from bot.adapters.db.uow import UnitOfWorkFactory
from bot.clock import system_clock
from bot.config import Settings
from bot.content.safety_lexicon import load_lexicon
from bot.content.safety_model import load_model
from bot.domain.errors import SetupError
from bot.entrypoints.bootstrap import bootstrap
from bot.entrypoints.safety_scan import scan
from bot.entrypoints.safety_training import train
from bot.entrypoints.safety_word_commands import examples_export
from bot.services.concern_records import concern_export, concerns_table
from bot.services.councils import (
    CouncilChange,
    do_change_council,
    office_hours,
    quiet_hours,
    time_zone,
)
from bot.services.inbox_admin import do_retry_update, set_aside_updates


def _with_uow(settings: Settings, act: Callable[[UnitOfWorkFactory], Awaitable[str]]) -> str:
    async def run() -> str:
        running = bootstrap(settings)
        try:
            return await act(running.waypoint.uow)
        finally:
            await running.close()

    return asyncio.run(run())


def concerns(args: argparse.Namespace, settings: Settings) -> None:
    """`waypoint concerns list|show|export`."""
    now = system_clock()
    if args.action == "list":
        text = _with_uow(settings, lambda uow: concerns_table(uow(), now=now))
    else:
        text = _with_uow(settings, lambda uow: concern_export(uow(), args.id, now=now))
    if args.action == "export":
        args.to.write_text(text + "\n", encoding="utf-8")
        sys.stdout.write(f"Wrote concern {args.id} to {args.to}\n")
    else:
        sys.stdout.write(text + "\n")


def council(args: argparse.Namespace, settings: Settings) -> None:
    """`waypoint council set NAME --...`."""

    def yes(value: str | None) -> bool | None:
        return None if value is None else value == "yes"

    change = CouncilChange(
        out_of_hours_phone=args.out_of_hours_phone,
        minutes_high=args.minutes_high,
        minutes_other=args.minutes_other,
        office_hours=office_hours(args.office_hours) if args.office_hours else None,
        on_call_first=yes(args.on_call_first),
        police_liaison=yes(args.police_liaison),
        quiet_hours=quiet_hours(args.quiet_hours) if args.quiet_hours else None,
        timezone=time_zone(args.timezone) if args.timezone else None,
    )
    if change == CouncilChange():
        raise SetupError("nothing to change: give at least one option (see --help)")
    now = system_clock()
    text = _with_uow(settings, lambda uow: do_change_council(uow(), args.council, change, now=now))
    sys.stdout.write(text + "\n")


def safety(args: argparse.Namespace, settings: Settings) -> None:
    """`waypoint safety scan` (offline, nothing stored, nothing logged), `safety train`, or
    `safety examples export` (bot.entrypoints.safety_word_commands)."""
    if args.action == "examples":
        examples_export(args, settings)
        return
    if args.action == "train":
        # A mistake in the examples or the set-up is one line from `cli.main`, as elsewhere.
        raise SystemExit(train(drafts=args.drafts, check=args.check, everyday=args.everyday))
    model = load_model()
    if not model.approved:
        # Scan shows what the learned layer makes of each line, draft or not; say which.
        sys.stderr.write(
            "waypoint: the learned layer is a draft (its labelled lines are not all approved): "
            "live Waypoint uses it only where WAYPOINT_ALLOW_DRAFT_CONTENT=true\n"
        )
    scan(sys.stdin, sys.stdout, load_lexicon(), model)


def inbox(args: argparse.Namespace, settings: Settings) -> None:
    """`waypoint inbox list` or `waypoint inbox retry UPDATE_ID`."""
    if args.action == "retry":

        async def retry(uow: UnitOfWorkFactory) -> str:
            await do_retry_update(uow(), args.update_id, now=system_clock())
            return f"Update {args.update_id} will be handled again by a running Waypoint."

        sys.stdout.write(_with_uow(settings, retry) + "\n")
        return

    async def listed(uow: UnitOfWorkFactory) -> str:
        found = await set_aside_updates(uow())
        if not found:
            return "No updates are set aside."
        lines = ["update\treceived (UTC)\tkind\twhy\twords kept"]
        lines += [
            f"{u.update_id}\t{u.received_at:%Y-%m-%d %H:%M}\t{u.kind}\t{u.problem}"
            f"\t{'yes' if u.words_kept else 'no'}"
            for u in found
        ]
        return "\n".join(lines)

    sys.stdout.write(_with_uow(settings, listed) + "\n")
