"""`waypoint goals add|list|show|export`: the hub's IT operator adds and reads goals at the
command line, through the same services staff use (GL-1..10). Every look is audited.

What the operator reads is staff text from content/ where a staff message says it already,
else plain lines; the young person's words are printed exactly as they gave them (GL-2).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.clock import system_clock
from bot.config import Settings
from bot.content.catalogue import Catalogue
from bot.domain.actors import KnownStaff
from bot.domain.errors import NoSuchGoal, SetupError
from bot.domain.goals import Area, Rating
from bot.entrypoints.bootstrap import Running
from bot.entrypoints.operator_runs import run_as_operator
from bot.i18n.dates import record_datetime
from bot.services.goal_access import GoalActor
from bot.services.goal_export import goal_export
from bot.services.goal_records import MOST_LISTED, GoalFile, do_list_goals, do_read_goal
from bot.services.goal_words import staff_rating_words
from bot.services.goals import GoalAsked, do_add_goal
from bot.services.identity import writer_of
from bot.services.session_access import AtCommandLine

OPERATOR = AtCommandLine()
# How a record names who did something other than staff.
_WHO = {"young_person": "the young person", "operator": "the operator", "system": "Waypoint"}


def goals(args: argparse.Namespace, settings: Settings) -> None:
    """`waypoint goals ACTION ...`."""
    to = args.to if args.action == "export" else None
    if to is not None and not to.resolve().parent.is_dir():
        # Checked first, so nothing is exported (and audited) that cannot be written.
        raise SetupError(f"--to {to}: there is no folder {to.resolve().parent}; make it first")
    text = asyncio.run(_act(settings, args))
    if to is not None:
        try:
            to.write_text(text + "\n", encoding="utf-8")
        except OSError as error:
            raise SetupError(f"--to {to}: cannot write it ({error.strerror})") from None
        sys.stdout.write(f"Wrote goal {args.id} to {args.to}\n")
    else:
        sys.stdout.write(text + "\n")


async def _act(settings: Settings, args: argparse.Namespace) -> str:
    return await run_as_operator(
        settings,
        lambda running: _dispatch(running, args),
        missing=NoSuchGoal,
        missing_says=f"there is no goal {args.id}: see waypoint goals list"
        if "id" in args
        else "",
    )


async def _dispatch(running: Running, args: argparse.Namespace) -> str:
    now, uow = system_clock(), running.waypoint.uow
    if args.action == "add":
        by = await _by(running, args.by)
        area = Area(args.area) if args.area else None
        asked = GoalAsked(args.young_person, args.words, area=area)
        number = await do_add_goal(uow(), by, asked, now=now)
        return (
            f"Goal #{number} added for young person {args.young_person}: they have it in"
            " their words, who can see it, and a question to rate it."
        )
    if args.action == "list":
        return await _list(running, args.young_person, now=now)
    file = await do_read_goal(uow(), OPERATOR, args.id, now=now, export=args.action == "export")
    if args.action == "export":
        return json.dumps(goal_export(file), ensure_ascii=False, indent=2)
    return _shown(running.waypoint.catalogue, file)


async def _by(running: Running, telegram_id: int | None) -> GoalActor:
    """The member of staff the goal was made with, as a channel hands them over; else the
    operator. Whether they may (worker or coach) is the service's to say."""
    if telegram_id is None:
        return OPERATOR
    writer = await writer_of(running.waypoint.uow(), telegram_id)
    if not isinstance(writer, KnownStaff):
        raise SetupError(
            f"--by: no member of staff with Telegram id {telegram_id} (see waypoint staff add)"
        )
    return writer


async def _list(running: Running, young_person_id: int | None, *, now: datetime) -> str:
    """One line per goal: number, young person, state, area, and their words now."""
    if young_person_id is not None:
        ids: Sequence[int] = [young_person_id]
    else:
        async with running.waypoint.uow().reading() as uow:
            ids = await uow.goals.owners(limit=MOST_LISTED)
    named = young_person_id is not None
    lines = await do_list_goals(running.waypoint.uow(), OPERATOR, ids, now=now, named=named)
    if not lines:
        return "No goals yet."
    return "\n".join(
        f"#{line.goal.id} {line.first_name} (young person {line.young_person_id}):"
        f" {line.goal.state.value}{f', {line.goal.area.value}' if line.goal.area else ''},"
        f" checked in {line.goal.cadence.value}: {line.words}"
        for line in lines
    )


def _who(file: GoalFile, kind: str, who: int | None) -> str:
    if kind == "staff" and who is not None:
        return file.staff_names.get(who, f"staff {who}")
    return _WHO.get(kind, kind)


def _shown(catalogue: Catalogue, file: GoalFile) -> str:
    """Every version of the words, then the steps, the ratings and the history, with dates."""
    goal, zone = file.goal, file.zone
    area = f", {goal.area.value}" if goal.area else ""
    lines = [
        f"Goal #{goal.id}: {file.first_name} (young person {file.young_person_id}),"
        f" {goal.state.value}{area}, checked in {goal.cadence.value}",
        "Words:",
    ]
    for version in file.versions:
        lines.append(
            f"  v{version.version} {_when(version.at, zone)}"
            f" ({_who(file, version.by_type, version.by_id)}): {version.words}"
        )
        if version.staff_words:
            lines.append(f"     staff wording: {version.staff_words}")
    lines.append("Steps:" if file.steps else "Steps: none")
    lines += [
        f"  #{step.id} {step.state.value}: {step.words}"
        + (f" (by {step.due_on.isoformat()})" if step.due_on else "")
        for step in file.steps
    ]
    lines.append("Ratings:" if file.ratings else "Ratings: none yet")
    for r in file.ratings:
        value = staff_rating_words(catalogue, Rating(r.scale, r.value))
        baseline = ", baseline" if r.baseline else ""
        lines.append(
            f"  {_when(r.at, zone)}: {value} ({r.scale.value} scale{baseline}, words"
            f" v{r.version}, by {_who(file, r.by_type, r.by_id)})"
        )
    lines.append("History:")
    lines += [
        f"  {_when(e.at, zone)}: {e.kind.replace('_', ' ')}"
        f" ({_who(file, e.actor_type, e.actor_id)}){f': {e.detail}' if e.detail else ''}"
        for e in file.history
    ]
    return "\n".join(lines)


def _when(moment: datetime, zone: ZoneInfo) -> str:
    return record_datetime(moment, zone)
