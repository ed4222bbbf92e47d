"""`waypoint content export --council C --to DIR` and `waypoint content import --council C DIR`:
a council's studio wording as content files, out and back in (as drafts)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.adapters.db.migrate import upgrade, upgrade_async
from bot.clock import system_clock
from bot.config import Settings
from bot.content.catalogue import Catalogue
from bot.content.exchange import read_council_files_from, write_council_files
from bot.content.messages import Wording
from bot.domain.errors import SetupError, WaypointError
from bot.entrypoints.bootstrap import bootstrap
from bot.entrypoints.operator_runs import operator_line
from bot.services.staff_words import staff_text
from bot.services.studio import (
    NoSuchCouncil,
    VersionRefused,
    do_import_wording,
    export_wording,
)


def _refused(catalogue: Catalogue, message_id: str, **values: str) -> SetupError:
    return SetupError(operator_line(catalogue, message_id, **values))


def content_export(args: argparse.Namespace, settings: Settings) -> None:
    """Write the council's newest versions under --to, in the shapes of content/."""
    upgrade(settings.database_url)

    async def act() -> str:
        running = bootstrap(settings)
        catalogue = running.waypoint.catalogue
        try:
            exported = await export_wording(running.waypoint.uow(), args.council)
        except NoSuchCouncil as error:
            raise _refused(catalogue, error.message_id, **error.values) from None
        finally:
            await running.engine.dispose()
        if not exported.wordings:
            return staff_text(catalogue, "studio_nothing_to_export", council=args.council) + "\n"
        try:
            written = write_council_files(
                args.to, exported.wordings, exported.catalogue, out_of_date=exported.out_of_date
            )
        except OSError as error:
            reason = error.strerror or type(error).__name__
            raise _refused(
                catalogue, "studio_cannot_write", folder=str(args.to), reason=reason
            ) from None
        return "".join(
            staff_text(catalogue, "studio_exported_file", file=str(path)) + "\n"
            for path in written
        )

    sys.stdout.write(asyncio.run(act()))


def _where(source: Path, wording: Wording) -> dict[str, str]:
    return {"file": str(source), "message": wording.message_id, "language": wording.language}


def _check_known(
    catalogue: Catalogue, sources: Sequence[Path], wordings: Sequence[Wording]
) -> None:
    """Refuse the first version of a message Waypoint does not have (any council's catalogue
    has the same messages), naming its file, message and language."""
    for source, wording in zip(sources, wordings, strict=True):
        if wording.message_id not in catalogue:
            raise _refused(catalogue, "studio_import_unknown_message", **_where(source, wording))


def content_import(args: argparse.Namespace, settings: Settings) -> None:
    """Read content files as drafts of the council (written by nobody, audited as the
    operator) for its therapists to check and approve in the studio. The files are read, and
    their message ids checked, before the database is migrated; a refusal names the file,
    message and language, and stores nothing (the versions are stored in one transaction)."""
    read = read_council_files_from(args.folder)
    sources, wordings = [path for path, _ in read], [wording for _, wording in read]

    async def act() -> str:
        running = bootstrap(settings)
        catalogue = running.waypoint.catalogue
        try:
            _check_known(catalogue, sources, wordings)
            await upgrade_async(settings.database_url)
            count = await do_import_wording(
                running.waypoint.uow(), args.council, wordings, now=system_clock()
            )
        except VersionRefused as error:
            problem = error.values.get("problem", "")
            where = _where(sources[error.position], wordings[error.position])
            raise _refused(catalogue, "studio_import_refused", problem=problem, **where) from None
        except WaypointError as error:
            raise _refused(catalogue, error.message_id, **error.values) from None
        finally:
            await running.engine.dispose()
        return staff_text(catalogue, "studio_imported", count=str(count), council=args.council)

    sys.stdout.write(asyncio.run(act()) + "\n")
