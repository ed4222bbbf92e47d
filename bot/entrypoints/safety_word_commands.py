"""`waypoint safety examples export --council C --to FILE.tsv`: the labelled examples a
council's safeguarding leads approved in the studio, in the examples files' format, for
`waypoint safety train` to learn from (offline: Waypoint never trains while it runs)."""

from __future__ import annotations

import argparse
import asyncio
import functools
import sys

from bot.adapters.db.migrate import upgrade
from bot.config import Settings
from bot.content.safety_examples import example_line
from bot.domain.errors import SetupError
from bot.entrypoints.bootstrap import bootstrap
from bot.entrypoints.operator_runs import operator_line
from bot.services.safety_words import approved_examples
from bot.services.studio import NoSuchCouncil


def examples_export(args: argparse.Namespace, settings: Settings) -> None:
    """Write the council's approved examples to --to (review `approved`), oldest first."""
    upgrade(settings.database_url)
    running = bootstrap(settings)
    said = functools.partial(operator_line, running.waypoint.catalogue)

    async def act() -> list[str]:
        try:
            found = await approved_examples(running.waypoint.uow(), args.council)
        except NoSuchCouncil:
            raise SetupError(said("studio_no_such_council", council=args.council)) from None
        finally:
            await running.engine.dispose()
        return [example_line(e.label, e.category, e.text) for e in found]

    lines = asyncio.run(act())
    if not lines:
        sys.stdout.write(said("safety_examples_nothing_to_export", council=args.council) + "\n")
        return
    note = (
        f"# Labelled examples approved by {args.council}'s safeguarding leads in the staff "
        "console (waypoint safety examples export)."
    )
    try:
        args.to.write_text("\n".join([note, *lines]) + "\n", encoding="utf-8")
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise SetupError(said("studio_cannot_write", folder=str(args.to), reason=reason)) from None
    done = said("safety_examples_exported", count=str(len(lines)), file=str(args.to))
    sys.stdout.write(done + "\n")
