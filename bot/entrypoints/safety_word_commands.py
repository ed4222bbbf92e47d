"""`waypoint safety examples export --council C --to FILE.tsv`: the labelled examples a
council's safeguarding leads approved in the studio, in the examples files' format, for
`waypoint safety train` to learn from (offline: Waypoint never trains while it runs)."""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.adapters.db.migrate import upgrade
from bot.config import Settings
from bot.content.safety_examples import example_line
from bot.domain.errors import SetupError
from bot.entrypoints.bootstrap import bootstrap
from bot.services.safety_words import approved_examples
from bot.services.studio import NoSuchCouncil


def examples_export(args: argparse.Namespace, settings: Settings) -> None:
    """Write the council's approved examples to --to (review `approved`), oldest first."""
    upgrade(settings.database_url)

    async def act() -> list[str]:
        running = bootstrap(settings)
        try:
            found = await approved_examples(running.waypoint.uow(), args.council)
        except NoSuchCouncil:
            raise SetupError(f"--council {args.council!r}: there is no such council") from None
        finally:
            await running.engine.dispose()
        return [example_line(e.label, e.category, e.text) for e in found]

    lines = asyncio.run(act())
    if not lines:
        sys.stdout.write(f"{args.council} has no approved labelled examples: nothing written\n")
        return
    note = (
        f"# Labelled examples approved by {args.council}'s safeguarding leads in the staff "
        "console (waypoint safety examples export)."
    )
    try:
        args.to.write_text("\n".join([note, *lines]) + "\n", encoding="utf-8")
    except OSError as error:
        raise SetupError(f"--to {args.to}: cannot write there ({error.strerror})") from None
    sys.stdout.write(
        f"wrote {len(lines)} approved examples to {args.to}: put it in "
        "content/safety/examples/ and run `waypoint safety train` to learn from them\n"
    )
