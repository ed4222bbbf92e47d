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
from bot.content.exchange import read_council_files, write_council_files
from bot.content.messages import DEFAULT_LANGUAGE, DOMAIN, Wording, read_toml
from bot.domain.errors import BadWording, SetupError, WaypointError
from bot.entrypoints.bootstrap import bootstrap
from bot.services.staff_words import staff_text
from bot.services.studio import (
    DraftWording,
    NoSuchCouncil,
    checked_draft,
    do_import_wording,
    export_wording,
)


def _refused(catalogue: Catalogue, message_id: str, **values: str) -> SetupError:
    # Staff wording may run over lines; an operator's refusal is one.
    return SetupError(" ".join(staff_text(catalogue, message_id, **values).split()))


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


def _sources(folder: Path, wordings: Sequence[Wording]) -> list[Path]:
    """The file each of `wordings` (as `read_council_files` read them) came from, to name it
    in a refusal: a translation's is its language's .po; an English message's the next .toml
    (in the order they were read) that has a table for it."""
    tables: dict[str, list[Path]] = {}
    for path in sorted(folder.glob("messages/*.toml")):
        for message_id in read_toml(path):
            tables.setdefault(message_id, []).append(path)
    found = []
    for wording in wordings:
        if wording.language == DEFAULT_LANGUAGE:
            found.append(tables[wording.message_id].pop(0))
        else:
            found.append(folder / "locale" / wording.language / "LC_MESSAGES" / f"{DOMAIN}.po")
    return found


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


def _check_storable(
    catalogue: Catalogue, sources: Sequence[Path], wordings: Sequence[Wording]
) -> None:
    """Refuse the first version the import would refuse, as do_import_wording checks it, naming
    its file, message and language. `catalogue` is the council's: a translation must keep the
    {names} of the English live there."""
    for source, wording in zip(sources, wordings, strict=True):
        try:
            checked_draft(catalogue, DraftWording.of(wording))
        except BadWording as error:
            problem = error.values.get("problem", "")
            where = _where(source, wording)
            raise _refused(catalogue, "studio_import_refused", problem=problem, **where) from None


def content_import(args: argparse.Namespace, settings: Settings) -> None:
    """Read content files as drafts of the council (written by nobody, audited as the
    operator) for its therapists to check and approve in the studio. The files are read, and
    their message ids checked, before the database is migrated; a refusal names the file,
    message and language, and stores nothing (the versions are stored in one transaction)."""
    wordings = read_council_files(args.folder)
    sources = _sources(args.folder, wordings)

    async def act() -> str:
        running = bootstrap(settings)
        catalogue = running.waypoint.catalogue
        try:
            _check_known(catalogue, sources, wordings)
            await upgrade_async(settings.database_url)
            uow = running.waypoint.uow
            council = (await export_wording(uow(), args.council)).catalogue
            _check_storable(council, sources, wordings)
            count = await do_import_wording(uow(), args.council, wordings, now=system_clock())
        except WaypointError as error:
            # NoSuchCouncil, or a version refused after all (the council approved new English
            # between the check and the import).
            raise _refused(catalogue, error.message_id, **error.values) from None
        finally:
            await running.engine.dispose()
        return staff_text(catalogue, "studio_imported", count=str(count), council=args.council)

    sys.stdout.write(asyncio.run(act()) + "\n")
