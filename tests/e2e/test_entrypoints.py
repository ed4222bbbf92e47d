"""The `waypoint` command itself, as a user's deployment runs it, in separate processes."""

from __future__ import annotations

import asyncio
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import select

from bot.adapters.db.models import AuditEvent, OutboxMessage
from bot.adapters.db.uow import UnitOfWorkFactory
from bot.clock import ManualClock
from bot.content.catalogue import Catalogue
from bot.content.extract import update_translations
from bot.content.helplines import helpline_values
from bot.content.render import render
from bot.devtools.fake_telegram import FakeTelegram
from bot.domain.people import Role
from bot.domain.profiles import CommunicationProfile
from bot.services.invites import do_create_invite, do_redeem_invite
from bot.services.staff import NewStaff, do_add_staff
from bot.services.staff_words import profile_lines
from tests.e2e.conftest import JO, SAM
from tests.e2e.processes import run_waypoint, waypoint_command, waypoint_env, waypoint_output

PROJECT_CONTENT = Path(__file__).resolve().parents[2] / "content"

pytestmark = pytest.mark.e2e
LINK = re.compile(r"https://t\.me/waypoint_demo_bot\?start=([A-Za-z0-9_-]+)")


def test_run_serves_telegram_from_invite_to_welcome(
    database_url: str, fake_telegram: FakeTelegram, tmp_path: Path
) -> None:
    env = waypoint_env(
        telegram_token=FakeTelegram.token_for_tests(),
        telegram_api_url=fake_telegram.url,
        database_url=database_url,
    )
    added = waypoint_output(
        env,
        tmp_path,
        "staff",
        "add",
        "--telegram-id",
        str(JO.id),
        "--name",
        "Jo",
        "--role",
        "key_worker",
        "--hub",
        "Harrogate",
        "--council",
        "North Yorkshire",
        "--create-hub",
    )
    assert "Added Jo as key_worker at Harrogate, North Yorkshire (new council and hub)" in added
    printed = waypoint_output(
        env, tmp_path, "invite", "create", "--worker-telegram-id", str(JO.id), "--name", "Alex"
    )
    assert LINK.fullmatch(printed.strip())

    log = (tmp_path / "run.log").open("w")
    bot = subprocess.Popen(
        [*waypoint_command(), "run"], env=env, cwd=tmp_path, stdout=log, stderr=log
    )
    try:
        fake_telegram.send_text(JO, "/invite Sam")
        [invite] = fake_telegram.wait_for_messages(JO.id, 1, timeout=60)
        match = LINK.search(invite.text or "")
        assert match, invite.text
        fake_telegram.send_text(SAM, f"/start {match.group(1)}")
        expected = render(
            Catalogue.load(allow_drafts=True), "welcome", {"name": "Sam", "worker": "Jo"},
            CommunicationProfile(),
        ).chunks  # fmt: skip
        welcome = fake_telegram.wait_for_messages(SAM.id, len(expected), timeout=30)
        assert tuple(m.text for m in welcome) == expected
        fake_telegram.wait_for_messages(JO.id, 2, timeout=30)
    finally:
        bot.send_signal(signal.SIGTERM)
        try:
            returncode = bot.wait(timeout=60)
        finally:
            bot.kill()
            log.close()
    output = (tmp_path / "run.log").read_text()
    assert returncode == 0, output
    assert "Traceback" not in output
    assert FakeTelegram.token_for_tests() not in output
    methods = {request.method for request in fake_telegram.requests}
    assert {"getMe", "getUpdates", "sendMessage"} <= methods
    # The fake_telegram fixture fails the test if any request broke the Bot API description.


def test_run_without_a_token_is_the_offline_demo(tmp_path: Path) -> None:
    result = run_waypoint(waypoint_env(), tmp_path, "run", stdin="hello\njo: hi\n")
    assert result.returncode == 0, result.stderr
    assert "offline demo" in result.stderr
    catalogue, sam = Catalogue.load(allow_drafts=True), CommunicationProfile()
    welcome = render(catalogue, "welcome", {"name": "Sam", "worker": "Jo"}, sam)
    for line in "\n".join(welcome.chunks).splitlines():
        assert f"│ {line}" in result.stdout
    assert "Waypoint → Jo (worker):" in result.stdout
    home = render(catalogue, "home", {"name": "Sam", "worker": "Jo", **helpline_values()}, sam)
    assert "│ " + home.chunks[0].splitlines()[0] in result.stdout
    assert "Demo finished." in result.stdout
    assert not list(tmp_path.iterdir()), "the demo left files behind"


def test_health_reports_a_database_that_needs_migrating(database_url: str, tmp_path: Path) -> None:
    env = waypoint_env(database_url=database_url)
    before = run_waypoint(env, tmp_path, "health")
    assert before.returncode == 2
    assert before.stderr.startswith("waypoint: ")
    assert "Traceback" not in before.stderr
    assert "The database is up to date." in waypoint_output(env, tmp_path, "migrate")
    assert waypoint_output(env, tmp_path, "health").strip() == "healthy"


async def test_profile_set_from_the_command_line_tells_the_young_person(
    migrated_url: str, uow: UnitOfWorkFactory, clock: ManualClock, tmp_path: Path
) -> None:
    await do_add_staff(
        uow(),
        NewStaff(1001, "Jo", Role.KEY_WORKER, "Harrogate", "North Yorkshire", create=True),
        now=clock(),
    )
    invite = await do_create_invite(uow(), worker_telegram_id=1001, first_name="Sam", now=clock())
    linked = await do_redeem_invite(uow(), telegram_user_id=2001, code=invite.code, now=clock())
    env, number = waypoint_env(database_url=migrated_url), str(linked.young_person.id)

    changed = await asyncio.to_thread(
        waypoint_output, env, tmp_path, "profile", "set", number, "language", "ar"
    )
    arabic = profile_lines(Catalogue.load(allow_drafts=True), CommunicationProfile(language="ar"))
    assert arabic in changed
    shown = await asyncio.to_thread(waypoint_output, env, tmp_path, "profile", "show", number)
    assert shown.strip() == arabic
    refused = await asyncio.to_thread(
        run_waypoint, env, tmp_path, "profile", "set", number, "wait", "0"
    )
    assert refused.returncode == 2
    assert "wait (minutes before a follow-up) must be a whole number from 1 to 1440" in (
        refused.stderr
    )
    async with uow() as work:
        told = await work.session.scalar(
            select(OutboxMessage.text).where(
                OutboxMessage.message_key == "profile_changed_by_hub_no_review"
            )
        )
        actions = list(await work.session.scalars(select(AuditEvent.action)))
    assert told is not None
    assert told in render(
        # Changed at the command line: Sam hears it was their hub, not Jo.
        Catalogue.load(allow_drafts=True), "profile_changed_by_hub_no_review", {},
        CommunicationProfile(language="ar"),
    ).chunks  # fmt: skip
    assert actions.count("profile.changed") == 1
    assert actions.count("profile.viewed") == 1


def test_the_translation_template_is_up_to_date_with_the_content(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(PROJECT_CONTENT, content)
    template = update_translations(content)[0]

    def entries(path: Path) -> list[tuple[str | None, str]]:
        with path.open("rb") as handle:
            return [(m.context, str(m.id)) for m in read_po(handle) if m.id]

    assert entries(template) == entries(PROJECT_CONTENT / "locale" / "waypoint.pot"), (
        "content/messages changed: run `waypoint content extract` and commit content/locale"
    )


def test_pybabel_finds_the_content_extractor(tmp_path: Path) -> None:
    pybabel = Path(sys.executable).with_name("pybabel")
    out = tmp_path / "waypoint.pot"
    subprocess.run(
        [str(pybabel), "extract", "-F", "babel.cfg", "-o", str(out), "."],
        cwd=PROJECT_CONTENT.parent, capture_output=True, check=True, timeout=60,
    )  # fmt: skip
    with out.open("rb") as handle:
        contexts = {m.context for m in read_po(handle) if m.id}
    assert {"welcome|easy", "welcome|standard", "choose_language|easy"} <= contexts
    assert not any(c.startswith("profile_usage") for c in contexts if c), "staff read English"
