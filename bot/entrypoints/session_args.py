"""The arguments of `waypoint sessions ...`, apart from what the commands do, so that
`waypoint --help` stays fast."""

from __future__ import annotations

import argparse

from bot.domain.sessions import SessionWith


def parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`waypoint sessions ...`."""
    sessions = commands.add_parser("sessions", help="book and change young people's sessions")
    actions = sessions.add_subparsers(dest="action", required=True, metavar="ACTION")
    book = actions.add_parser("book", help="book a session; the young person is told at once")
    book.add_argument("--young-person", type=int, required=True, help="their number")
    book.add_argument(
        "--with",
        dest="with_",
        type=int,
        metavar="TELEGRAM_ID",
        help="the member of staff's Telegram id (as given to waypoint staff add); needed"
        " unless --kind is court, school, health or other",
    )
    _at(book)
    book.add_argument("--weekly", action="store_true", help="the same time every week")
    book.add_argument("--where", help="the place (default: the hub)")
    book.add_argument(
        "--remind", help="reminders before it, like 1d,2h or 30m, or none (default: profile)"
    )
    book.add_argument(
        "--kind",
        choices=[kind.value for kind in SessionWith],
        help="default: from the staff member's role (life_coach: coach, slt: therapist)",
    )
    book.add_argument("--minutes", type=int, default=60, help="how long (default 60)")
    book.add_argument("--companion", help="someone else going with them, e.g. a carer")
    listed = actions.add_parser("list", help="sessions ahead and of the last 14 days")
    listed.add_argument("--young-person", type=int, help="only this young person's")
    move = actions.add_parser("move", help="move a session; its reminders are worked out again")
    move.add_argument("id", type=int)
    _at(move)
    cancel = actions.add_parser("cancel", help="cancel a session and its reminders")
    cancel.add_argument("id", type=int)
    cancel.add_argument("--series", action="store_true", help="and every week after it")
    for name, what in (
        ("seen", "they came"),
        ("not-seen", "they did not come, or were not brought"),
    ):
        marked = actions.add_parser(name, help=f"a session that has begun: {what}")
        marked.add_argument("id", type=int)
    recap = actions.add_parser("recap", help="send the young person what was agreed")
    recap.add_argument("id", type=int)
    recap.add_argument("--words", required=True, help="what was agreed, in a few words")


def _at(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--at",
        required=True,
        metavar='"YYYY-MM-DD HH:MM"',
        help="the wall-clock time at the young person's council",
    )
