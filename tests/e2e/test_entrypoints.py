"""The `waypoint` command itself, as a user's deployment runs it, in separate processes."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bot.content.catalogue import Catalogue
from bot.devtools.fake_telegram import FakeTelegram
from tests.e2e.conftest import JO, SAM

pytestmark = pytest.mark.e2e
LINK = re.compile(r"https://t\.me/waypoint_demo_bot\?start=([A-Za-z0-9_-]+)")


def _waypoint() -> list[str]:
    script = Path(sys.executable).with_name("waypoint")
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot.entrypoints.cli"]


def _env(**settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WAYPOINT_")}
    env.update({f"WAYPOINT_{name.upper()}": value for name, value in settings.items()})
    return env


def _run(
    env: dict[str, str], cwd: Path, *args: str, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*_waypoint(), *args], env=env, cwd=cwd, input=stdin, capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip


def _cli(env: dict[str, str], cwd: Path, *args: str) -> str:
    result = _run(env, cwd, *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_run_serves_telegram_from_invite_to_welcome(
    database_url: str, fake_telegram: FakeTelegram, tmp_path: Path
) -> None:
    env = _env(
        telegram_token=FakeTelegram.token_for_tests(),
        telegram_api_url=fake_telegram.url,
        database_url=database_url,
    )
    added = _cli(
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
    )
    assert "Added Jo as key_worker at Harrogate, North Yorkshire (new council and hub)" in added
    printed = _cli(
        env, tmp_path, "invite", "create", "--worker-telegram-id", str(JO.id), "--name", "Alex"
    )
    assert LINK.fullmatch(printed.strip())

    log = (tmp_path / "run.log").open("w")
    bot = subprocess.Popen([*_waypoint(), "run"], env=env, cwd=tmp_path, stdout=log, stderr=log)
    try:
        fake_telegram.send_text(JO, "/invite Sam")
        [invite] = fake_telegram.wait_for_messages(JO.id, 1, timeout=60)
        match = LINK.search(invite.text or "")
        assert match, invite.text
        fake_telegram.send_text(SAM, f"/start {match.group(1)}")
        [welcome] = fake_telegram.wait_for_messages(SAM.id, 1, timeout=30)
        catalogue = Catalogue.load()
        assert welcome.text == catalogue.text("welcome", name="Sam", worker="Jo")
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
    result = _run(_env(), tmp_path, "run", stdin="hello\njo: hi\n")
    assert result.returncode == 0, result.stderr
    assert "offline demo" in result.stderr
    catalogue = Catalogue.load()
    for line in catalogue.text("welcome", name="Sam", worker="Jo").splitlines():
        assert f"│ {line}" in result.stdout
    assert "Waypoint → Jo (worker):" in result.stdout
    assert "│ " + catalogue.text("home", name="Sam", worker="Jo").splitlines()[0] in result.stdout
    assert "Demo finished." in result.stdout
    assert not list(tmp_path.iterdir()), "the demo left files behind"


def test_health_reports_a_database_that_needs_migrating(database_url: str, tmp_path: Path) -> None:
    env = _env(database_url=database_url)
    before = _run(env, tmp_path, "health")
    assert before.returncode == 2
    assert before.stderr.startswith("waypoint: ")
    assert "Traceback" not in before.stderr
    assert "The database is up to date." in _cli(env, tmp_path, "migrate")
    assert _cli(env, tmp_path, "health").strip() == "healthy"
