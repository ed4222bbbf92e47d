"""`waypoint content export --council C --to DIR` and `waypoint content import --council C DIR`
as an operator runs them: the files come out in the shapes of content/, go back in as drafts,
and a council that does not exist, a broken file or a version that cannot be stored is one line
naming what to fix (the file, [message id] and language), never a traceback, and stores
nothing."""

from __future__ import annotations

import asyncio
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po
from sqlalchemy import inspect

from bot.adapters.db.engine import create_engine
from bot.adapters.db.uow import UnitOfWorkFactory
from bot.clock import ManualClock
from bot.content.catalogue import Catalogue
from bot.domain.actors import KnownStaff
from bot.domain.errors import BadWording
from bot.domain.people import Role
from bot.domain.profiles import Level
from bot.domain.wording import WordingStatus
from bot.services.identity import writer_of
from bot.services.staff import NewStaff, do_add_staff
from bot.services.studio import DraftWording, checked_draft, do_save_draft
from tests.e2e.processes import run_waypoint, waypoint_env

# A command an operator runs against production, so on PostgreSQL: its storage is tested on
# both databases in tests/integration, and CI stays under 20 minutes.
pytestmark = [pytest.mark.e2e, pytest.mark.database("postgres")]
SUE = 1002
EASY = "Hello {name}.\nI am Waypoint. I am a computer, not a person.\n{worker} is your worker."


@cache
def _catalogue() -> Catalogue:
    return Catalogue.load(allow_drafts=True)


def _line(message_id: str, **values: str) -> str:
    """What the command prints for a staff message: its standard text, on one line."""
    text = _catalogue().render(message_id, values, level=Level.STANDARD)
    return " ".join(text.split()) + "\n"


def _problem(draft: DraftWording) -> str:
    """What the studio's check says is wrong with `draft` (against the shipped wording)."""
    with pytest.raises(BadWording) as refused:
        checked_draft(_catalogue(), draft)
    return refused.value.values["problem"]


def _staff_translation(folder: Path) -> Path:
    """An Arabic .po that translates a staff message (staff read plain English)."""
    path = folder / "locale" / "ar" / "LC_MESSAGES" / "waypoint.po"
    path.parent.mkdir(parents=True)
    po = Catalog(locale="ar", domain="waypoint")
    english = _catalogue().message("studio_already_approved")
    source = english.variants["en"].texts[Level.STANDARD]
    po.add(source, "هذه النسخة معتمدة.", context="studio_already_approved|standard")
    with path.open("wb") as handle:
        write_po(handle, po, width=0, omit_header=False)
    return path


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

    async def west_versions() -> list[tuple[str, str | None, WordingStatus]]:
        async with uow() as work:
            west = await work.organisations.council("west-yorkshire")
            assert west is not None
            return [
                (v.message_id, v.easy, v.status)
                for v in await work.wording_versions.of_council(west.id)
            ]

    async def refused(folder: Path) -> str:
        code, stdout, stderr = await waypoint(
            "content", "import", "--council", "West Yorkshire", str(folder)
        )
        assert (code, stdout) == (2, "")
        assert len(stderr.splitlines()) == 1
        assert "Traceback" not in stderr
        return stderr

    toml = out / "messages" / "onboarding.toml"
    code, stdout, stderr = await waypoint(
        "content", "export", "--council", "North Yorkshire", "--to", str(out)
    )
    assert (code, stdout) == (0, _line("studio_exported_file", file=str(toml))), stderr
    assert toml.is_file()
    code, stdout, stderr = await waypoint(
        "content", "import", "--council", "West Yorkshire", str(out)
    )
    assert (code, stdout) == (0, _line("studio_imported", count="1", council="West Yorkshire"))
    assert await west_versions() == [("welcome", EASY, WordingStatus.DRAFT)]

    code, _, stderr = await waypoint("content", "import", "--council", "Nowhere", str(out))
    assert (code, stderr) == (2, "waypoint: " + _line("studio_no_such_council", council="Nowhere"))

    exported = toml.read_text(encoding="utf-8")
    unknown = out / "messages" / "extra.toml"
    unknown.write_text('[no_such_message]\n[no_such_message.en]\neasy = "Hi."\n', "utf-8")
    where = {"file": str(unknown), "message": "no_such_message", "language": "en"}
    assert await refused(out) == "waypoint: " + _line("studio_import_unknown_message", **where)
    unknown.unlink()

    # A placeholder Waypoint does not fill in, then a button the message does not have.
    where = {"file": str(toml), "message": "welcome", "language": "en"}
    toml.write_text(exported.replace("{worker} is", "{boss} is"), "utf-8")
    problem = _problem(DraftWording("welcome", "en", EASY.replace("{worker}", "{boss}"), None))
    assert await refused(out) == "waypoint: " + _line(
        "studio_import_refused", problem=problem, **where
    )
    toml.write_text(
        exported.replace('status = "draft"', 'status = "draft"\nbuttons = ["yes"]'), "utf-8"
    )
    problem = _problem(DraftWording("welcome", "en", EASY, None, (), ("yes",)))
    assert await refused(out) == "waypoint: " + _line(
        "studio_import_refused", problem=problem, **where
    )
    toml.write_text(exported, "utf-8")

    po = _staff_translation(out)
    draft = DraftWording("studio_already_approved", "ar", None, "هذه النسخة معتمدة.")
    where = {"file": str(po), "message": "studio_already_approved", "language": "ar"}
    assert await refused(out) == "waypoint: " + _line(
        "studio_import_refused", problem=_problem(draft), **where
    )
    po.unlink()

    toml.write_bytes("[welcome]\n".encode("utf-16"))
    assert str(toml) in await refused(out)
    toml.write_text("[welcome\n", encoding="utf-8")
    assert str(toml) in await refused(out)
    # None of the refused imports stored anything.
    assert await west_versions() == [("welcome", EASY, WordingStatus.DRAFT)]


async def test_a_broken_folder_is_refused_before_the_database_is_migrated(
    database_url: str, tmp_path: Path
) -> None:
    folder = tmp_path / "shared"
    (folder / "messages").mkdir(parents=True)
    bad = folder / "messages" / "extra.toml"
    bad.write_text('[no_such_message]\n[no_such_message.en]\neasy = "Hi."\n', "utf-8")
    env = waypoint_env(database_url=database_url)
    done = await asyncio.to_thread(
        run_waypoint, env, tmp_path, "content", "import", "--council", "Anywhere", str(folder)
    )
    where = {"file": str(bad), "message": "no_such_message", "language": "en"}
    assert done.returncode == 2
    assert done.stderr == "waypoint: " + _line("studio_import_unknown_message", **where)
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
    finally:
        await engine.dispose()
    assert tables == []
