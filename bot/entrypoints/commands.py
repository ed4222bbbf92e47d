"""What each `waypoint` subcommand does, once its arguments and settings are read."""

from __future__ import annotations

import argparse
import asyncio
import os
import stat
import sys
from datetime import date
from pathlib import Path

from sqlalchemy import inspect, text
from telegram import Bot

from bot.adapters.db.engine import (
    DatabaseFault,
    create_engine,
    describe_database,
    describe_fault,
    session_factory,
)
from bot.adapters.db.migrate import alembic_config, upgrade
from bot.adapters.db.uow import UnitOfWorkFactory
from bot.clock import system_clock
from bot.config import TOKEN_VARIABLE, ConfigurationError, Settings, token_left_out
from bot.content.catalogue import Catalogue
from bot.content.extract import update_translations
from bot.content.findings import LintFailed, Severity
from bot.content.helplines import due_a_check, load_helplines
from bot.content.holidays import load_holidays, running_out
from bot.content.messages import ContentError
from bot.content.render import render
from bot.domain.errors import InviteWordingNotApproved, SetupError
from bot.domain.invites import deep_link
from bot.domain.people import Role
from bot.domain.profiles import CommunicationProfile, Level, Replies
from bot.entrypoints.bootstrap import bootstrap
from bot.entrypoints.content_commands import content_export, content_import
from bot.entrypoints.operator_runs import operator_line
from bot.observability import configure_logging
from bot.paths import project_folder
from bot.services.health import Ingress, ingress
from bot.services.invites import do_create_invite
from bot.services.outbox_admin import do_retry, failed_messages
from bot.services.profiles import do_set_profile, profile_summary
from bot.services.staff import NewStaff, do_add_staff
from bot.services.staff_words import profile_lines


def run_or_demo(_: argparse.Namespace, settings: Settings) -> None:
    """Serve Telegram, or start the offline demo when no token is configured.

    Without a terminal (systemd, Docker, Kubernetes) the demo is no use: an empty or misspelt
    token variable, or no token and no input at all, is refused so the service fails loudly
    instead of exiting 0. Input piped in on purpose still runs the demo.
    """
    if settings.telegram_token is None:
        left_out = token_left_out()
        if not (sys.stdin is not None and sys.stdin.isatty()):
            reason = left_out or (f"{TOKEN_VARIABLE} is not set" if _no_input() else None)
            if reason is not None:
                raise ConfigurationError(
                    f"{reason} and there is no terminal for the offline demo: set"
                    f" {TOKEN_VARIABLE} to the bot token from @BotFather"
                )
        why = f"{left_out}, so" if left_out else f"No {TOKEN_VARIABLE} is set, so"
        sys.stderr.write(f"{why} Waypoint starts its offline demo.\n")
        demo(_, settings)
        return
    from bot.entrypoints.run import run  # noqa: PLC0415  (pulls in Sentry only when needed)

    configure_logging(settings.log_level)
    run(settings)


def _no_input() -> bool:
    """Standard input is closed or /dev/null, as under systemd and `docker run` without -i."""
    try:
        given = os.fstat(sys.stdin.fileno())
    except (AttributeError, OSError, ValueError):
        return True
    null = os.stat(os.devnull)
    return stat.S_ISCHR(given.st_mode) and given.st_rdev == null.st_rdev


def worker(_: argparse.Namespace, settings: Settings) -> None:
    """Send and tick, with no Telegram updates coming in (bot.entrypoints.worker)."""
    from bot.entrypoints.worker import work  # noqa: PLC0415  (pulls in Sentry only when needed)

    configure_logging(settings.log_level)
    work(settings)


def web(_: argparse.Namespace, settings: Settings) -> None:
    """Serve only the staff console (bot.entrypoints.console)."""
    from bot.entrypoints.console import web as serve_web  # noqa: PLC0415

    configure_logging(settings.log_level)
    serve_web(settings)


def demo(_: argparse.Namespace, settings: Settings) -> None:
    """Run the offline demo in this terminal."""
    from bot.entrypoints.demo import demo as run_demo  # noqa: PLC0415

    configure_logging("WARNING")
    asyncio.run(run_demo(settings))


def migrate(_: argparse.Namespace, settings: Settings) -> None:
    """Apply every pending migration."""
    upgrade(settings.database_url)
    sys.stdout.write("The database is up to date.\n")


def health(_: argparse.Namespace, settings: Settings) -> None:
    """Check that the database answers and is up to date, and that updates from Telegram are
    being fetched and handled. It only reads: a database that is not there or not set up is
    reported, never created."""
    from alembic.script import ScriptDirectory  # noqa: PLC0415

    head = ScriptDirectory.from_config(alembic_config(settings.database_url)).get_current_head()

    async def current() -> tuple[bool, str | None, Ingress | None]:
        # Only the database is checked here: loading content would be work for nothing.
        engine = create_engine(settings.database_url, read_only=True)
        try:
            async with engine.connect() as connection:
                migrated = await connection.run_sync(
                    lambda sync: inspect(sync).has_table("alembic_version")
                )
                if not migrated:
                    return False, None, None
                found = await connection.scalar(text("SELECT version_num FROM alembic_version"))
            if found != head:
                return True, found, None
            return True, found, await ingress(UnitOfWorkFactory(session_factory(engine)))
        finally:
            await engine.dispose()

    try:
        migrated, found, seen = asyncio.run(current())
    except Exception as error:  # any failure means unhealthy; say which kind
        described = describe_fault(settings.database_url, error)
        raise DatabaseFault(
            described or f"the database does not answer ({type(error).__name__})"
        ) from None
    if not migrated:
        raise SetupError(
            f"{describe_database(settings.database_url)} has not been set up: run waypoint migrate"
        )
    if found != head:
        raise SetupError(f"the database is at {found}, not {head}: run waypoint migrate")
    problem = seen.problem(system_clock()) if seen is not None else None
    if problem is not None:
        raise SetupError(problem)
    sys.stdout.write("healthy\n")


def staff_add(args: argparse.Namespace, settings: Settings) -> None:
    """Add a member of staff; their hub (and council) must exist unless --create-hub."""
    upgrade(settings.database_url)
    new = NewStaff(
        args.telegram_id,
        args.name,
        Role(args.role),
        args.hub,
        args.council,
        create=args.create_hub,
    )

    async def add() -> None:
        running = bootstrap(settings)
        try:
            added = await do_add_staff(running.waypoint.uow(), new, now=system_clock())
        finally:
            await running.engine.dispose()
        created = [
            kind for kind, new_ in (("council", added.new_council), ("hub", added.new_hub)) if new_
        ]
        note = f" (new {' and '.join(created)})" if created else ""
        sys.stdout.write(
            f"Added {new.name} as {new.role.value} at {added.hub}, {added.council}{note}.\n"
        )

    asyncio.run(add())


async def _bot_username(settings: Settings) -> str:
    if settings.bot_username:
        return settings.bot_username
    if settings.telegram_token is None:
        raise SetupError(
            "set WAYPOINT_BOT_USERNAME (or WAYPOINT_TELEGRAM_TOKEN) so the link can name the bot"
        )
    bot = Bot(
        settings.telegram_token.get_secret_value(), base_url=f"{settings.telegram_api_url}/bot"
    )
    async with bot:
        return bot.username


def invite_create(args: argparse.Namespace, settings: Settings) -> None:
    """Print a single-use invite link for a young person."""
    upgrade(settings.database_url)

    async def create() -> str:
        username = await _bot_username(settings)
        running = bootstrap(settings)
        try:
            await running.load_wordings()
            created = await do_create_invite(
                running.waypoint.uow(),
                worker_telegram_id=args.worker_telegram_id,
                first_name=args.name,
                now=system_clock(),
                console_url=settings.console_url,
            )
        except InviteWordingNotApproved as error:
            line = operator_line(running.waypoint.catalogue, error.message_id, **error.values)
            raise SetupError(line) from None
        finally:
            await running.engine.dispose()
        return deep_link(username, created.code)

    sys.stdout.write(asyncio.run(create()) + "\n")


def outbox(args: argparse.Namespace, settings: Settings) -> None:
    """List failed outbox messages, or queue one again."""
    upgrade(settings.database_url)

    async def act() -> str:
        running = bootstrap(settings)
        try:
            if args.action == "retry":
                await do_retry(running.waypoint.uow(), args.id, now=system_clock())
                return f"Outbox message {args.id} is queued again.\n"
            failed = await failed_messages(running.waypoint.uow())
        finally:
            await running.engine.dispose()
        if not failed:
            return "No failed messages.\n"
        lines = ["id\tlane\trecipient\thub\tcreated (UTC)\tattempts\terror"]
        lines += [
            f"{m.id}\t{m.lane}\t{m.recipient}\t{m.hub_id}\t{m.created_at:%Y-%m-%d %H:%M}"
            f"\t{m.attempts}\t{m.last_error}"
            for m in failed
        ]
        return "\n".join(lines) + "\n"

    sys.stdout.write(asyncio.run(act()))


SAMPLE_VALUES = {"name": "Sam", "worker": "Jo"}


def content(args: argparse.Namespace, settings: Settings) -> None:
    """`waypoint content lint` or `waypoint content preview`."""
    if args.action == "preview":
        content_preview(args, settings)
    elif args.action == "extract":
        content_extract(args, settings)
    elif args.action == "export":
        content_export(args, settings)
    elif args.action == "import":
        content_import(args, settings)
    else:
        content_lint(args, settings)


def content_preview(args: argparse.Namespace, _: Settings) -> None:
    """Print one message as a young person with this profile and language would see it."""
    values = dict(SAMPLE_VALUES)
    for pair in args.value:
        name, equals, text = pair.partition("=")
        if not equals:
            raise SetupError(f"--value {pair!r} should look like name=Sam")
        values[name] = text
    profile = CommunicationProfile(
        language=args.lang,
        level=Level(args.profile),
        symbols=args.symbols,
        preferred_name=args.name,
        max_sentences=args.sentences,
        replies=Replies.BUTTONS if args.replies == "buttons" else Replies.FREE_TEXT,
    )
    if args.name and "name" in values:
        values["name"] = args.name
    rendered = render(Catalogue.load(allow_drafts=True), args.id, values, profile)
    sys.stdout.write(rendered.preview() + "\n")


def content_extract(_: argparse.Namespace, __: Settings) -> None:
    """Bring the translation template and every .po file up to date with content/messages."""
    for path in update_translations(project_folder("content")):
        sys.stdout.write(f"wrote {path}\n")


def profile(args: argparse.Namespace, settings: Settings) -> None:
    """`waypoint profile show ID` or `waypoint profile set ID SETTING VALUE`."""
    running = bootstrap(settings)

    async def act() -> str:
        try:
            await running.load_wordings()
            if args.action == "show":
                return await profile_summary(
                    running.waypoint.uow(), args.young_person, now=system_clock()
                )
            changed = await do_set_profile(
                running.waypoint.uow(),
                args.young_person,
                args.setting,
                " ".join(args.value),
                now=system_clock(),
            )
            return "Changed. The young person will be told.\n" + profile_lines(
                running.waypoint.catalogue, changed
            )
        finally:
            await running.close()

    sys.stdout.write(asyncio.run(act()) + "\n")


def _holiday_findings(folder: Path | None, today: date) -> list[str]:
    try:
        days = load_holidays(folder)
    except ContentError as error:
        return [f"bank_holidays.toml: CONTENT fail: {error}"]
    if running_out(days, today):
        return [
            "bank_holidays.toml: GAP warn: the last day listed is under 6 months away: add"
            " next year's bank holidays (gov.uk/bank-holidays)"
        ]
    return []


def content_lint(args: argparse.Namespace, _: Settings) -> None:
    """Check content/ (or one text) against the easy-read rules; fail on any failing finding."""
    # Imported here: every other command would pay a fifth of a second for the linter.
    from bot.content.lint import WordLists, lint_folder, lint_text  # noqa: PLC0415

    if args.text is not None:
        findings = [
            f"{finding.rule} {finding.severity}: {finding.hint}"
            for finding in lint_text(args.text, WordLists.load(args.language, args.path))
        ]
        fails = sum(" fail: " in line for line in findings)
    else:
        located = lint_folder(args.path)
        findings = [str(item) for item in located]
        fails = sum(item.finding.severity == Severity.FAIL for item in located)
        today = system_clock().date()
        findings += [
            f"helplines.toml [{line.id}]: SG-6 warn: last checked {line.verified_on}, over"
            " 6 months ago: check it against the service's own website and update verified_on"
            for line in due_a_check(load_helplines(args.path), today)
        ]
        holidays = _holiday_findings(args.path, today)
        findings += holidays
        fails += sum(" fail: " in line for line in holidays)
    for line in findings:
        sys.stdout.write(line + "\n")
    sys.stdout.write(f"{fails} to fix, {len(findings) - fails} to look at.\n")
    if fails:
        raise LintFailed
