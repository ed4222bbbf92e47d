"""Going live without a trial flag (issue 16): `waypoint run` on a fresh install starts with the
shipped draft wording; a key worker's /invite is refused, naming the unapproved wording and the
studio's link, until the council's therapist has approved it; then the invite works, and the
young person is welcomed in the council's approved wording, taken up by the running instance
from its refresh tick (the therapist approved it from another process)."""

from __future__ import annotations

import asyncio
import re
import signal
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import IO

import pytest

from bot.adapters.db.engine import create_engine, session_factory
from bot.adapters.db.uow import PostOffice, UnitOfWorkFactory
from bot.clock import system_clock
from bot.content.catalogue import Catalogue
from bot.content.render import render
from bot.content.wordings import Wordings
from bot.devtools.fake_telegram import FakeTelegram
from bot.domain.actors import KnownStaff
from bot.domain.profiles import CommunicationProfile, Level
from bot.entrypoints.ticks import WORDINGS_EVERY
from bot.services.identity import writer_of
from bot.services.staff_words import staff_text
from bot.services.studio import (
    NAMED_IN_REFUSAL,
    DraftWording,
    do_approve_wording,
    do_save_draft,
    unapproved_wording,
)
from bot.services.studio_refresh import try_refresh_wordings
from tests.e2e.conftest import JO, SAM
from tests.e2e.processes import run_waypoint, waypoint_command, waypoint_env, waypoint_output

# A command an operator runs against production, so on PostgreSQL: its storage is tested on
# both databases in tests/integration, and CI stays under 20 minutes.
pytestmark = [pytest.mark.e2e, pytest.mark.database("postgres")]
LINK = re.compile(r"https://t\.me/waypoint_demo_bot\?start=([A-Za-z0-9_-]+)")
CONSOLE = "https://console.example.org"
SUE = 1002


def _add(env: dict[str, str], cwd: Path, telegram_id: int, name: str, role: str) -> None:
    args = ["--telegram-id", str(telegram_id), "--name", name, "--role", role]
    where = ["--hub", "Harrogate", "--council", "North Yorkshire"]
    extra = ["--create-hub"] if role == "key_worker" else []
    waypoint_output(env, cwd, "staff", "add", *args, *where, *extra)


def _as_shipped(catalogue: Catalogue, message_id: str) -> DraftWording:
    message = catalogue.message(message_id)
    english = message.variants["en"]
    return DraftWording(
        message_id,
        "en",
        english.texts.get(Level.EASY),
        english.texts.get(Level.STANDARD),
        english.symbols,
        message.buttons,
    )


def _start(env: dict[str, str], cwd: Path, log: IO[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*waypoint_command(), "run"], env=env, cwd=cwd, stdout=log, stderr=log, text=True
    )


async def _approve_all(uow: UnitOfWorkFactory, sue: KnownStaff, ids: list[str]) -> None:
    catalogue = Catalogue.load()
    for message_id in ids:
        draft = _as_shipped(catalogue, message_id)
        if message_id == "welcome":
            assert draft.easy is not None
            draft = replace(draft, easy=draft.easy.replace("Hi {name}.", "Hello {name}."))
        saved = await do_save_draft(uow(), sue, draft, now=system_clock())
        await do_approve_wording(uow(), sue, saved.version_id, now=system_clock())


async def test_a_fresh_install_runs_with_drafts_and_invites_once_wording_is_approved(
    database_url: str, fake_telegram: FakeTelegram, tmp_path: Path
) -> None:
    env = waypoint_env(
        telegram_token=FakeTelegram.token_for_tests(),
        telegram_api_url=fake_telegram.url,
        database_url=database_url,
        allow_draft_content="false",
        console_url=CONSOLE,
    )
    await asyncio.to_thread(_add, env, tmp_path, JO.id, "Jo", "key_worker")
    await asyncio.to_thread(_add, env, tmp_path, SUE, "Sue", "slt")
    log = (tmp_path / "run.log").open("w")
    bot = _start(env, tmp_path, log)
    engine = create_engine(database_url)
    # The therapist's instance (as the console would be): drafts not allowed.
    wordings = Wordings(Catalogue.load())
    uow = UnitOfWorkFactory(session_factory(engine), PostOffice(wordings))
    try:
        fake_telegram.send_text(JO, "/invite Sam")
        [refusal] = await fake_telegram.await_messages(JO.id, 1, timeout=60)
        sue = await writer_of(uow(), SUE)
        assert isinstance(sue, KnownStaff)
        async with uow() as work:
            missing = await unapproved_wording(work, sue.council_id)
        assert "welcome" in missing
        more = len(missing) - NAMED_IN_REFUSAL
        expected = staff_text(
            wordings.shipped,
            "invite_wording_not_approved",
            count=str(len(missing)),
            first=", ".join(missing[:NAMED_IN_REFUSAL]) + f" and {more} more",
            studio=f"{CONSOLE}/studio",
        )
        assert refusal.text == expected
        # The operator's command line says the same, in one line.
        cli = await asyncio.to_thread(
            run_waypoint,
            env,
            tmp_path,
            *("invite", "create", "--worker-telegram-id", str(JO.id), "--name", "Sam"),
        )
        assert cli.returncode == 2
        assert cli.stderr == f"waypoint: {' '.join(expected.split())}\n"

        await _approve_all(uow, sue, missing)
        async with uow() as work:
            assert await unapproved_wording(work, sue.council_id) == []
        # The running instance takes the approved wording up at its next refresh tick.
        await asyncio.sleep(2 * WORDINGS_EVERY.total_seconds())
        fake_telegram.send_text(JO, "/invite Sam")
        sent = await fake_telegram.await_messages(JO.id, 2, timeout=60)
        match = LINK.search(sent[1].text or "")
        assert match, sent[1].text
        fake_telegram.send_text(SAM, f"/start {match.group(1)}")
        await try_refresh_wordings(uow())
        welcome = render(
            wordings.for_council(sue.council_id),
            "welcome",
            {"name": "Sam", "worker": "Jo"},
            CommunicationProfile(),
        ).chunks
        assert (
            welcome
            != render(
                wordings.shipped.for_safety(),
                "welcome",
                {"name": "Sam", "worker": "Jo"},
                CommunicationProfile(),
            ).chunks
        )
        got = await fake_telegram.await_messages(SAM.id, len(welcome), timeout=30)
        assert tuple(m.text for m in got[: len(welcome)]) == welcome
        # Words the bot puts together for Sam itself (the menu) come from the council's
        # approved wording too, not the shipped drafts.
        [menu] = await fake_telegram.await_menus(SAM.id, 1, timeout=30)
        assert menu
    finally:
        await engine.dispose()
        bot.send_signal(signal.SIGTERM)
        try:
            returncode = bot.wait(timeout=60)
        finally:
            bot.kill()
            log.close()
    output = (tmp_path / "run.log").read_text()
    assert returncode == 0, output
    assert "Traceback" not in output
    # At start, one warning (an operator's log line, not staff wording) counts the drafts.
    assert f" WARNING bot.entrypoints.bootstrap: {len(missing)} " in output
