"""The arguments of `waypoint goals ...`, apart from what the commands do, so that
`waypoint --help` stays fast."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.domain.goals import Area


def parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`waypoint goals add|list|show|export`."""
    goals = commands.add_parser(
        "goals", help="young people's goals, in their own words (every look is audited)"
    )
    actions = goals.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser(
        "add", help="add a goal made with the young person; they are told and asked to rate it"
    )
    add.add_argument("--young-person", type=int, required=True, help="their number")
    add.add_argument("--words", required=True, help="the goal exactly as the young person said it")
    add.add_argument("--area", choices=[area.value for area in Area], help="a No Wrong Door area")
    add.add_argument(
        "--by",
        type=int,
        metavar="TELEGRAM_ID",
        help="the member of staff it was made with (their key worker or life coach)",
    )
    listed = actions.add_parser("list", help="goals: number, young person, state, words")
    listed.add_argument("--young-person", type=int, help="only this young person's")
    show = actions.add_parser(
        "show", help="one goal: every version of its words, steps, ratings and history"
    )
    show.add_argument("id", type=int)
    export = actions.add_parser(
        "export", help="one goal as JSON shaped like HL7 FHIR's Goal, for a case system"
    )
    export.add_argument("id", type=int)
    export.add_argument("--to", type=Path, help="the file to write (default: print it)")
