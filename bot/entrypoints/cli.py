"""The `waypoint` command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from bot.config import DEFAULT_API_URL, ConfigurationError, Settings, load_settings
from bot.content.findings import LintFailed
from bot.content.messages import ContentError
from bot.content.safety_examples import ExamplesError
from bot.content.safety_model import ModelError
from bot.domain.errors import (
    BadFirstName,
    NotStaff,
    RoleMayNotInvite,
    SetupError,
    WaypointError,
)
from bot.domain.people import Role
from bot.domain.profiles import SETTINGS
from bot.domain.safety.lexicon import LexiconError
from bot.entrypoints.goal_args import parsers as goal_parsers
from bot.entrypoints.safety_training import TrainingError
from bot.entrypoints.session_args import parsers as session_parsers

# Operators read English from the command line; young people never do.
_OPERATOR_MESSAGES: dict[type[WaypointError], str] = {
    NotStaff: "no active staff member has that Telegram id (add them with: waypoint staff add)",
    RoleMayNotInvite: "only staff with the key_worker role can invite young people",
    BadFirstName: "--name must be the young person's first name (letters, up to 40)",
}


def _exchange_parsers(content: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`waypoint content export` and `import`: a council's studio wording as content files."""
    export = content.add_parser(
        "export", help="write a council's studio wording as content files (TOML and .po)"
    )
    export.add_argument("--council", required=True, help='the council, e.g. "North Yorkshire"')
    export.add_argument("--to", type=Path, required=True, help="the folder to write them in")
    imported = content.add_parser(
        "import", help="read content files as a council's drafts, for its therapists to approve"
    )
    imported.add_argument("--council", required=True, help='the council, e.g. "North Yorkshire"')
    imported.add_argument("folder", type=Path, help="a folder with messages/ and locale/")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="waypoint", description="Waypoint: a Telegram companion for No Wrong Door hubs."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, what in (
        ("run", "run the bot (the offline demo when no token is set)"),
        ("demo", "run the offline demo in this terminal"),
        ("web", "serve only the staff console (at WAYPOINT_CONSOLE_LISTEN)"),
        ("migrate", "bring the database up to date"),
        ("health", "exit 0 when the database answers and is up to date"),
    ):
        commands.add_parser(name, help=what)
    commands.add_parser(
        "worker", help="send messages and keep the concern ladder's clock, taking no updates"
    )

    staff = commands.add_parser("staff", help="manage hub staff").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    add = staff.add_parser("add", help="add a member of staff to a hub")
    add.add_argument("--telegram-id", type=int, required=True)
    add.add_argument("--name", required=True)
    add.add_argument("--role", required=True, choices=[role.value for role in Role])
    add.add_argument("--hub", required=True)
    add.add_argument("--council")
    add.add_argument(
        "--create-hub",
        action="store_true",
        help="the hub (and its council) are new: create them (without this, a name that does"
        " not exist is refused, so a typo cannot start a new hub)",
    )

    invite = commands.add_parser("invite", help="invite young people").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    create = invite.add_parser("create", help="print a single-use invite link")
    create.add_argument("--worker-telegram-id", type=int, required=True)
    create.add_argument("--name", required=True, help="the young person's first name")
    _offboarding_parsers(commands, staff, invite)

    outbox = commands.add_parser(
        "outbox", help="look after messages waiting to go out"
    ).add_subparsers(dest="action", required=True, metavar="ACTION")
    outbox.add_parser("failed", help="list messages that could not be delivered")

    content = commands.add_parser("content", help="check the wording in content/").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    lint = content.add_parser("lint", help="check wording against the easy-read rules")
    lint.add_argument("path", nargs="?", type=Path, help="a content folder (default: content/)")
    lint.add_argument("--text", help="check this one text instead")
    lint.add_argument("--language", default="en")
    preview = content.add_parser(
        "preview", help="show a message exactly as a young person sees it"
    )
    preview.add_argument("id", help="the message id, e.g. welcome")
    preview.add_argument("--profile", choices=["easy", "standard"], default="easy")
    preview.add_argument("--lang", default="en")
    preview.add_argument(
        "--value",
        action="append",
        default=[],
        metavar="NAME=TEXT",
        help="a value to fill in (default name=Sam, worker=Jo)",
    )
    preview.add_argument("--symbols", action="store_true", help="pictures on")
    preview.add_argument("--sentences", type=int, default=3, help="most sentences per message")
    preview.add_argument("--replies", choices=["buttons", "text"], default="buttons")
    preview.add_argument("--name", help="the young person's preferred name")
    content.add_parser(
        "extract", help="write content/locale/waypoint.pot and update every language's .po file"
    )
    _exchange_parsers(content)

    profile = commands.add_parser(
        "profile", help="a young person's communication profile"
    ).add_subparsers(dest="action", required=True, metavar="ACTION")
    show = profile.add_parser("show", help="print how Waypoint writes to a young person")
    show.add_argument("young_person", type=int, help="the young person's number")
    change = profile.add_parser("set", help="change one setting; the young person is told")
    change.add_argument("young_person", type=int, help="the young person's number")
    change.add_argument("setting", help=f"one of: {SETTINGS}")
    change.add_argument("value", nargs="+", help="the new value, e.g. ar, easy, on, goal=plan")
    _concern_parsers(commands)
    retry = outbox.add_parser("retry", help="queue a failed message again")
    retry.add_argument("id", type=int)
    _inbox_parsers(commands)
    session_parsers(commands)
    goal_parsers(commands)
    return parser


def _inbox_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`waypoint inbox list|retry`."""
    inbox = commands.add_parser(
        "inbox", help="updates from Telegram that could not be handled"
    ).add_subparsers(dest="action", required=True, metavar="ACTION")
    inbox.add_parser("list", help="updates set aside (what kind and why, never what they said)")
    again = inbox.add_parser("retry", help="try a set-aside update again")
    again.add_argument("update_id", type=int)


def _offboarding_parsers(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    staff: argparse._SubParsersAction[argparse.ArgumentParser],
    invite: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
    """`waypoint staff leave|move`, `waypoint young-person reassign`, `waypoint invite
    list|revoke`."""
    leave = staff.add_parser(
        "leave", help="mark a member of staff as left: nothing more goes to them"
    )
    leave.add_argument("--telegram-id", type=int, required=True)
    leave.add_argument(
        "--reassign-to-telegram-id", type=int, help="give their young people to this key worker"
    )
    move = staff.add_parser("move", help="change a member of staff's role or hub (same council)")
    move.add_argument("--telegram-id", type=int, required=True)
    move.add_argument("--role", choices=[role.value for role in Role])
    move.add_argument("--hub", help="another hub of the same council")
    young = commands.add_parser("young-person", help="a young person's named worker")
    reassign = young.add_subparsers(dest="action", required=True, metavar="ACTION").add_parser(
        "reassign", help="give a young person a new key worker; both are told"
    )
    reassign.add_argument("young_person", type=int, help="the young person's number")
    reassign.add_argument("--to-worker-telegram-id", type=int, required=True)
    invite.add_parser("list", help="invite links that still work (never their codes)")
    revoke = invite.add_parser("revoke", help="withdraw an invite link: it stops working")
    revoke.add_argument("id", type=int)


def _concern_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`waypoint concerns`, `waypoint council` and `waypoint safety`."""
    concerns = commands.add_parser("concerns", help="read concerns (every look is audited)")
    actions = concerns.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser("list", help="every concern, newest first, without anyone's words")
    show = actions.add_parser("show", help="one concern: the words and the chronology")
    show.add_argument("id", type=int)
    export = actions.add_parser("export", help="one concern as a record for the case file")
    export.add_argument("id", type=int)
    export.add_argument("--to", type=Path, required=True, help="the file to write")

    council = commands.add_parser(
        "council", help="a council's ladder and quiet hours"
    ).add_subparsers(dest="action", required=True, metavar="ACTION")
    change = council.add_parser("set", help="change a council's ladder or quiet hours")
    change.add_argument("council", help='the council\'s name, e.g. "North Yorkshire"')
    change.add_argument("--out-of-hours-phone", help="the number young people call at night")
    change.add_argument("--minutes-high", type=int, help="wait before the next step (high)")
    change.add_argument("--minutes-other", type=int, help="wait before the next step (others)")
    change.add_argument("--office-hours", help="like 9-17 (Monday to Friday)")
    change.add_argument("--on-call-first", choices=["yes", "no"], help="out of hours")
    change.add_argument(
        "--police-liaison", choices=["yes", "no"], help="going missing and exploitation"
    )
    change.add_argument("--quiet-hours", help="no session reminders, like 21-8")
    change.add_argument("--timezone", help="where its sessions are, like Europe/London")

    safety = commands.add_parser(
        "safety", help="check words against the worrying-words detector, or train it"
    ).add_subparsers(dest="action", required=True, metavar="ACTION")
    safety.add_parser("scan", help="one message per line in, one JSON object per line out")
    train = safety.add_parser(
        "train", help="build content/safety/model.json from content/safety/examples/"
    )
    train.add_argument(
        "--drafts", action="store_true", help="learn from draft lines too (a draft model)"
    )
    train.add_argument(
        "--check", action="store_true", help="say whether the committed model is what it builds"
    )
    train.add_argument("--everyday", type=Path, help="everyday text for negatives (GoEmotions)")
    examples = safety.add_parser(
        "examples", help="labelled examples approved in the staff console's studio"
    ).add_subparsers(dest="examples_action", required=True, metavar="ACTION")
    examples_out = examples.add_parser(
        "export", help="write a council's approved examples as an examples .tsv file"
    )
    examples_out.add_argument("--council", required=True, help='e.g. "North Yorkshire"')
    examples_out.add_argument("--to", type=Path, required=True, help="the .tsv file to write")


def _dispatch(args: argparse.Namespace, settings: Settings) -> None:
    # Imported here so `waypoint --help` stays fast and a bad setting is reported first.
    from bot.entrypoints import (  # noqa: PLC0415
        commands,
        concern_commands,
        goal_commands,
        session_commands,
        staff_commands,
    )

    handlers: dict[str, Callable[[argparse.Namespace, Settings], None]] = {
        "run": commands.run_or_demo,
        "demo": commands.demo,
        "migrate": commands.migrate,
        "health": commands.health,
        "worker": commands.worker,
        "web": commands.web,
        "staff": staff_commands.staff,
        "invite": staff_commands.invite,
        "young-person": staff_commands.young_person,
        "outbox": commands.outbox,
        "content": commands.content,
        "profile": commands.profile,
        "concerns": concern_commands.concerns,
        "council": concern_commands.council,
        "safety": concern_commands.safety,
        "inbox": concern_commands.inbox,
        "sessions": session_commands.sessions,
        "goals": goal_commands.goals,
    }
    handlers[args.command](args, settings)


def _fault(error: Exception, settings: Settings | None) -> str | None:
    """One line for an operational fault (the database or Telegram cannot be reached or used
    as configured), or None for anything else, which is a bug and keeps its traceback."""
    if settings is None:
        return None
    # Imported here so `waypoint --help` stays fast.
    from telegram.error import InvalidToken, NetworkError, TimedOut  # noqa: PLC0415

    from bot.adapters.db.engine import describe_fault  # noqa: PLC0415

    url = settings.telegram_api_url
    if isinstance(error, InvalidToken):
        elsewhere = (
            "" if url == DEFAULT_API_URL else f", and check WAYPOINT_TELEGRAM_API_URL ({url})"
        )
        return (
            "Telegram refuses the bot token: copy WAYPOINT_TELEGRAM_TOKEN again from"
            f" @BotFather{elsewhere}"
        )
    if isinstance(error, NetworkError):
        reason = "timed out" if isinstance(error, TimedOut) else str(error) or "no answer"
        token = settings.telegram_token
        if token is not None:  # never print the token, whatever the error quotes
            reason = reason.replace(token.get_secret_value(), "<token>")
        return (
            f"cannot reach Telegram at {url} ({reason.splitlines()[0][:80]}): check the"
            " network and WAYPOINT_TELEGRAM_API_URL"
        )
    return describe_fault(settings.database_url, error)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `waypoint` console script."""
    args = _parser().parse_args(argv)
    settings: Settings | None = None
    try:
        settings = load_settings()
        _dispatch(args, settings)
    except (
        ConfigurationError,
        ContentError,
        LexiconError,
        ModelError,
        ExamplesError,
        TrainingError,
        SetupError,
    ) as error:
        sys.stderr.write(f"waypoint: {error}\n")
        return 2
    except WaypointError as error:
        sys.stderr.write(
            f"waypoint: {_OPERATOR_MESSAGES.get(type(error), type(error).__name__)}\n"
        )
        return 2
    except KeyboardInterrupt:
        return 130
    except LintFailed:
        return 1
    except Exception as error:
        line = _fault(error, settings)
        if line is None:
            raise
        sys.stderr.write(f"waypoint: {line}\n")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
