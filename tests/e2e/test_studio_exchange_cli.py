"""`waypoint content export --council C --to DIR` and `waypoint content import --council C DIR`
as an operator runs them: the files come out in the shapes of content/, go back in as drafts,
and a council that does not exist or a broken file is one line, never a traceback."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.adapters.db.uow import UnitOfWorkFactory
from bot.clock import ManualClock
from bot.domain.actors import KnownStaff
from bot.domain.people import Role
from bot.domain.wording import WordingStatus
from bot.services.identity import writer_of
from bot.services.staff import NewStaff, do_add_staff
from bot.services.studio import DraftWording, do_save_draft
from tests.e2e.processes import run_waypoint, waypoint_env

pytestmark = pytest.mark.e2e
SUE = 1002
EASY = "Hello {name}.\nI am Waypoint. I am a computer, not a person.\n{worker} is your worker."


async def test_export_then_import_from_the_command_line(
    migrated_url: str, uow: UnitOfWorkFactory, clock: ManualClock, tmp_path: Path
) -> None:
    for telegram_id, role, hub, council in (
        (SUE, Role.SLT, "Harrogate", "North Yorkshire"),
        (1003, Role.KEY_WORKER, "Leeds", "West Yorkshire"),
    ):
        new = NewStaff(telegram_id, "Sue", role, hub, council, create=True)
        await do_add_staff(uow(), new, now=clock())
    sue = await writer_of(uow(), SUE)
    assert isinstance(sue, KnownStaff)
    draft = DraftWording("welcome", "en", EASY, None, ("👋", "💻", "🧑"))
    await do_save_draft(uow(), sue, draft, now=clock())
    env = waypoint_env(database_url=migrated_url)
    out = tmp_path / "shared"

    async def waypoint(*args: str) -> tuple[int, str, str]:
        done = await asyncio.to_thread(run_waypoint, env, tmp_path, *args)
        return done.returncode, done.stdout, done.stderr

    code, stdout, stderr = await waypoint(
        "content", "export", "--council", "North Yorkshire", "--to", str(out)
    )
    assert code == 0, stderr
    assert "onboarding.toml" in stdout
    assert (out / "messages" / "onboarding.toml").is_file()
    code, stdout, stderr = await waypoint(
        "content", "import", "--council", "West Yorkshire", str(out)
    )
    assert "Imported 1 versions as drafts" in stdout
    assert code == 0, stderr
    async with uow() as work:
        west = await work.organisations.council("west-yorkshire")
        assert west is not None
        versions = [
            (v.message_id, v.easy, v.status)
            for v in await work.wording_versions.of_council(west.id)
        ]
    assert versions == [("welcome", EASY, WordingStatus.DRAFT)]

    code, _, stderr = await waypoint("content", "import", "--council", "Nowhere", str(out))
    assert (code, stderr) == (2, "waypoint: --council 'Nowhere': there is no such council\n")
    (out / "messages" / "onboarding.toml").write_text("[welcome\n", encoding="utf-8")
    code, _, stderr = await waypoint("content", "import", "--council", "West Yorkshire", str(out))
    assert code == 2
    assert stderr.startswith("waypoint: ")
    assert "onboarding.toml" in stderr
    assert len(stderr.splitlines()) == 1
    assert "Traceback" not in stderr
