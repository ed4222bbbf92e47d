"""`waypoint content export --council C --to DIR` and `waypoint content import --council C DIR`:
a council's studio wording as content files, out and back in (as drafts)."""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.adapters.db.migrate import upgrade
from bot.clock import system_clock
from bot.config import Settings
from bot.content.exchange import read_council_files, write_council_files
from bot.domain.errors import BadWording, NoSuchWording, SetupError
from bot.entrypoints.bootstrap import bootstrap
from bot.services.studio import NoSuchCouncil, do_import_wording, export_wording


def content_export(args: argparse.Namespace, settings: Settings) -> None:
    """Write the council's newest versions under --to, in the shapes of content/."""
    upgrade(settings.database_url)

    async def act() -> str:
        running = bootstrap(settings)
        try:
            exported = await export_wording(running.waypoint.uow(), args.council)
        except NoSuchCouncil:
            raise SetupError(f"--council {args.council!r}: there is no such council") from None
        finally:
            await running.engine.dispose()
        if not exported.wordings:
            return f"{args.council} has no wording of its own yet: nothing to export\n"
        try:
            written = write_council_files(args.to, exported.wordings, exported.catalogue)
        except OSError as error:
            raise SetupError(f"--to {args.to}: cannot write there ({error.strerror})") from None
        return "".join(f"wrote {path}\n" for path in written)

    sys.stdout.write(asyncio.run(act()))


def content_import(args: argparse.Namespace, settings: Settings) -> None:
    """Read content files as drafts of the council (written by nobody, audited as the
    operator) for its therapists to check and approve in the studio."""
    upgrade(settings.database_url)
    wordings = read_council_files(args.folder)

    async def act() -> int:
        running = bootstrap(settings)
        try:
            return await do_import_wording(
                running.waypoint.uow(), args.council, wordings, now=system_clock()
            )
        except NoSuchCouncil:
            raise SetupError(f"--council {args.council!r}: there is no such council") from None
        except NoSuchWording:
            raise SetupError(f"{args.folder}: names a message Waypoint does not have") from None
        except BadWording as error:
            raise SetupError(f"{args.folder}: {error.values.get('problem', '')}") from None
        finally:
            await running.engine.dispose()

    count = asyncio.run(act())
    sys.stdout.write(
        f"Imported {count} versions as drafts for {args.council}: its speech and language "
        "therapists check and approve them in the studio.\n"
    )
