"""Operational faults, as an operator meets them: each is one line on stderr saying what is
wrong and what to do, exit code 2, never a traceback, never a password or a token."""

from __future__ import annotations

import asyncio
import json
import os
import pty
import select
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import func
from sqlalchemy import select as sql_select
from sqlalchemy.engine import make_url

from bot.adapters.db.engine import create_engine
from bot.adapters.db.migrate import upgrade
from bot.adapters.db.models import Council, Hub, Staff
from bot.devtools.fake_telegram import FakeTelegram
from tests.e2e.processes import run_waypoint, waypoint_command, waypoint_env, waypoint_output

pytestmark = pytest.mark.e2e

PASSWORD = "Pa55-w0rd-never-shown"
TOKEN = FakeTelegram.token_for_tests()
STAFF_ADD = ("staff", "add", "--telegram-id", "1001", "--name", "Jo", "--role", "key_worker")


def _id(command: tuple[str, ...]) -> str:
    return "-".join(command[:2]) if command[0] == "staff" else command[0]


def _fault(result: subprocess.CompletedProcess[str], *secrets: str) -> str:
    """The one line a fault must be; fails the test on anything else."""
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert "Traceback" not in output
    for secret in (PASSWORD, TOKEN, *secrets):
        assert secret not in output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("waypoint: "), result.stderr
    return lines[0]


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _no_stdin(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """As systemd and `docker run` without -i start it: standard input is /dev/null."""
    return subprocess.run(
        [*waypoint_command(), *args],
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _with_password(url: str, *, database: str | None = None, sslmode: str | None = None) -> str:
    """The URL with a password in it (PostgreSQL here trusts, so any password connects)."""
    parsed = make_url(url).set(password=PASSWORD)
    if database is not None:
        parsed = parsed.set(database=database)
    if sslmode is not None:
        parsed = parsed.update_query_dict({"sslmode": sslmode})
    return parsed.render_as_string(hide_password=False)


def _counts(url: str, *models: type) -> list[int]:
    async def count() -> list[int]:
        engine = create_engine(url)
        try:
            async with engine.connect() as connection:
                return [
                    int(await connection.scalar(sql_select(func.count()).select_from(model)) or 0)
                    for model in models
                ]
        finally:
            await engine.dispose()

    return asyncio.run(count())


async def _postgres(url: str, query: str) -> object:
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn)
    try:
        return await connection.fetchval(query)
    finally:
        await connection.close()


@pytest.mark.parametrize(
    "command", [("migrate",), ("health",), ("run",), (*STAFF_ADD, "--hub", "Harrogate")], ids=_id
)
def test_postgresql_not_answering(command: tuple[str, ...], tmp_path: Path) -> None:
    port = _closed_port()
    url = f"postgresql://waypoint:{PASSWORD}@127.0.0.1:{port}/waypoint"
    result = run_waypoint(waypoint_env(database_url=url, telegram_token=TOKEN), tmp_path, *command)
    assert _fault(result) == (
        f"waypoint: PostgreSQL at 127.0.0.1:{port} is not answering: is it running,"
        " and is WAYPOINT_DATABASE_URL right?"
    )


@pytest.mark.postgres
@pytest.mark.parametrize("command", [("migrate",), ("health",), ("run",)], ids=_id)
def test_a_database_that_does_not_exist(
    command: tuple[str, ...], postgres_url: str, tmp_path: Path
) -> None:
    missing = f"waypoint_missing_{uuid.uuid4().hex[:8]}"
    url = _with_password(postgres_url, database=missing)
    result = run_waypoint(waypoint_env(database_url=url, telegram_token=TOKEN), tmp_path, *command)
    line = _fault(result)
    assert f"has no database '{missing}': create it (createdb {missing})" in line


@pytest.mark.parametrize(
    "command", [("migrate",), ("run",), (*STAFF_ADD, "--hub", "Harrogate")], ids=_id
)
def test_a_sqlite_path_in_a_folder_that_does_not_exist(
    command: tuple[str, ...], tmp_path: Path
) -> None:
    path = tmp_path / "missing" / "waypoint.db"
    env = waypoint_env(database_url=f"sqlite:///{path}", telegram_token=TOKEN)
    assert _fault(run_waypoint(env, tmp_path, *command)) == (
        f"waypoint: cannot create the SQLite database {path}: the folder {path.parent} does not"
        " exist (create it, or correct WAYPOINT_DATABASE_URL)"
    )
    assert not path.parent.exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_a_sqlite_path_waypoint_may_not_write(tmp_path: Path) -> None:
    folder = tmp_path / "read-only"
    folder.mkdir(mode=0o500)
    path = folder / "waypoint.db"
    try:
        line = _fault(
            run_waypoint(waypoint_env(database_url=f"sqlite:///{path}"), tmp_path, "migrate")
        )
    finally:
        folder.chmod(0o700)
    assert line.startswith(f"waypoint: cannot write the SQLite database {path} (permission")
    assert not path.exists()


@pytest.mark.postgres
def test_sslmode_in_the_url_is_understood(postgres_url: str, tmp_path: Path) -> None:
    # Once a TypeError from asyncpg; `prefer` works whether or not the server has SSL.
    env = waypoint_env(database_url=_with_password(postgres_url, sslmode="prefer"))
    assert "The database is up to date." in waypoint_output(env, tmp_path, "migrate")
    assert waypoint_output(env, tmp_path, "health").strip() == "healthy"
    misspelt = waypoint_env(database_url=_with_password(postgres_url, sslmode="requird"))
    assert _fault(run_waypoint(misspelt, tmp_path, "health")) == (
        "waypoint: WAYPOINT_DATABASE_URL: sslmode='requird' is not one of disable, allow,"
        " prefer, require, verify-ca, verify-full"
    )


@pytest.mark.postgres
def test_sslmode_require_on_a_server_without_ssl(postgres_url: str, tmp_path: Path) -> None:
    if asyncio.run(_postgres(postgres_url, "SHOW ssl")) == "on":
        pytest.skip("this PostgreSQL has SSL on, so sslmode=require simply works")
    url = _with_password(postgres_url, sslmode="require")
    result = run_waypoint(waypoint_env(database_url=url, telegram_token=TOKEN), tmp_path, "run")
    assert _fault(result).endswith(
        "does not accept SSL connections, but WAYPOINT_DATABASE_URL asks for sslmode=require:"
        " turn SSL on in PostgreSQL, or use sslmode=prefer"
    )


def test_telegram_unreachable_at_start(tmp_path: Path) -> None:
    api = f"http://127.0.0.1:{_closed_port()}"
    env = waypoint_env(telegram_token=TOKEN, telegram_api_url=api)
    line = _fault(run_waypoint(env, tmp_path, "run"))
    assert line.startswith(f"waypoint: cannot reach Telegram at {api} (")
    assert line.endswith("): check the network and WAYPOINT_TELEGRAM_API_URL")


class _Refuses(BaseHTTPRequestHandler):
    """Telegram's answer to a revoked token (401), or a web server that is not the Bot API
    (404, and a page that is not JSON)."""

    not_the_bot_api = False

    def do_POST(self) -> None:
        if self.not_the_bot_api:
            status, kind, body = 404, "text/html", "<html><h1>Not Found</h1></html>"
        else:
            status, kind = 401, "application/json"
            body = json.dumps({"ok": False, "error_code": 401, "description": "Unauthorized"})
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *_: object) -> None:
        return


@pytest.fixture(params=["telegram", "not-the-bot-api"])
def refusing_telegram(request: pytest.FixtureRequest) -> Iterator[str]:
    handler = type("Handler", (_Refuses,), {"not_the_bot_api": request.param != "telegram"})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_telegram_refuses_the_token_at_start(refusing_telegram: str, tmp_path: Path) -> None:
    env = waypoint_env(telegram_token=TOKEN, telegram_api_url=refusing_telegram)
    assert _fault(run_waypoint(env, tmp_path, "run")) == (
        "waypoint: Telegram refuses the bot token: copy WAYPOINT_TELEGRAM_TOKEN again from"
        f" @BotFather, and check WAYPOINT_TELEGRAM_API_URL ({refusing_telegram})"
    )


def test_health_on_an_unmigrated_database_says_so_and_creates_nothing(
    database_url: str, tmp_path: Path
) -> None:
    if database_url.startswith("sqlite"):
        path = Path(make_url(database_url).database or "")
        env = waypoint_env(database_url=database_url)
        assert _fault(run_waypoint(env, tmp_path, "health")) == (
            f"waypoint: there is no SQLite database at {path}: run waypoint migrate to create"
            " it, or correct WAYPOINT_DATABASE_URL"
        )
        assert not list(tmp_path.iterdir()), "health created a file"
        path.touch()
        assert _fault(run_waypoint(env, tmp_path, "health")) == (
            f"waypoint: the SQLite database {path} has not been set up: run waypoint migrate"
        )
        assert [p.name for p in tmp_path.iterdir()] == ["waypoint.db"]
        assert path.stat().st_size == 0
        return
    line = _fault(
        run_waypoint(waypoint_env(database_url=_with_password(database_url)), tmp_path, "health")
    )
    assert line.startswith(f"waypoint: database '{make_url(database_url).database}' on ")
    assert line.endswith(" has not been set up: run waypoint migrate")
    tables = "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
    assert asyncio.run(_postgres(database_url, tables)) == 0


@pytest.mark.parametrize(
    ("settings", "dotenv", "expected"),
    [
        ({"telegram_token": ""}, None, "WAYPOINT_TELEGRAM_TOKEN is empty"),
        ({"telegram_tokn": TOKEN}, None,
         "WAYPOINT_TELEGRAM_TOKN is set but WAYPOINT_TELEGRAM_TOKEN is not (a misspelling?)"),
        ({}, "WAYPOINT_TELEGRAM_TOKEN=\n", "WAYPOINT_TELEGRAM_TOKEN is empty"),
    ],
    ids=["empty", "misspelt", "empty-in-dotenv"],
)  # fmt: skip
def test_a_token_left_out_without_a_terminal_refuses_to_start(
    settings: dict[str, str], dotenv: str | None, expected: str, tmp_path: Path
) -> None:
    if dotenv is not None:
        (tmp_path / ".env").write_text(dotenv)
    env = waypoint_env(**settings)
    for result in (
        run_waypoint(env, tmp_path, "run", stdin="hello\n"),
        _no_stdin(env, tmp_path, "run"),
    ):
        assert _fault(result) == (
            f"waypoint: {expected} and there is no terminal for the offline demo: set"
            " WAYPOINT_TELEGRAM_TOKEN to the bot token from @BotFather"
        )
        assert "offline demo" not in result.stdout


def test_no_token_and_no_input_refuses_to_start(tmp_path: Path) -> None:
    # systemd's and Docker's standard input is /dev/null: a demo there would exit 0 at once.
    assert _fault(_no_stdin(waypoint_env(), tmp_path, "run")) == (
        "waypoint: WAYPOINT_TELEGRAM_TOKEN is not set and there is no terminal for the offline"
        " demo: set WAYPOINT_TELEGRAM_TOKEN to the bot token from @BotFather"
    )
    assert not list(tmp_path.iterdir())


def test_an_empty_token_in_a_terminal_still_starts_the_demo(tmp_path: Path) -> None:
    screen, terminal = pty.openpty()
    demo = subprocess.Popen(
        [*waypoint_command(), "run"], env=waypoint_env(telegram_token=""), cwd=tmp_path,
        stdin=terminal, stdout=terminal, stderr=terminal,
    )  # fmt: skip
    os.close(terminal)
    seen, deadline = b"", time.monotonic() + 90
    try:
        while b"Now type as Sam" not in seen and time.monotonic() < deadline:
            if select.select([screen], [], [], 1)[0]:
                seen += os.read(screen, 65536)
        os.write(screen, b"/quit\n")
        assert demo.wait(timeout=60) == 0
    finally:
        demo.kill()
        os.close(screen)
    assert b"WAYPOINT_TELEGRAM_TOKEN is empty, so Waypoint starts its offline demo." in seen
    assert b"Now type as Sam" in seen


def test_staff_add_refuses_a_hub_or_council_that_does_not_exist(
    migrated_url: str, tmp_path: Path
) -> None:
    env = waypoint_env(database_url=migrated_url)
    first = run_waypoint(
        env, tmp_path, *STAFF_ADD, "--hub", "Harrogate", "--council", "North Yorkshire"
    )
    assert _fault(first) == (
        "waypoint: there is no council called 'North Yorkshire': check the spelling, or add"
        " --create-hub to create it and its hub 'Harrogate'"
    )
    added = waypoint_output(
        env, tmp_path, *STAFF_ADD, "--hub", "Harrogate", "--council", "North Yorkshire",
        "--create-hub",
    )  # fmt: skip
    assert "Added Jo as key_worker at Harrogate, North Yorkshire (new council and hub)" in added
    alex = ("staff", "add", "--telegram-id", "1002", "--name", "Alex", "--role", "duty")
    typos = {
        ("--hub", "Harrogat", "--council", "North Yorkshire"): "waypoint: North Yorkshire has no"
        " hub called 'Harrogat': check the spelling, or add --create-hub to create it",
        ("--hub", "Harrogat"): "waypoint: there is no hub called 'Harrogat': check the spelling,"
        " or add --create-hub --council NAME to create it",
        ("--hub", "Harrogate", "--council", "North Yorkshre"): "waypoint: there is no council"
        " called 'North Yorkshre' (councils: North Yorkshire): check the spelling, or add"
        " --create-hub to create it and its hub 'Harrogate'",
    }
    for where, expected in typos.items():
        assert _fault(run_waypoint(env, tmp_path, *alex, *where)) == expected
    assert _counts(migrated_url, Council, Hub, Staff) == [1, 1, 1], "a typo created something"
    added = waypoint_output(env, tmp_path, *alex, "--hub", "Scarborough", "--create-hub")
    assert "Added Alex as duty at Scarborough, North Yorkshire (new hub)" in added
    assert "Added Alex as duty at Harrogate" in waypoint_output(
        env, tmp_path, "staff", "add", "--telegram-id", "1003", "--name", "Alex", "--role",
        "duty", "--hub", "harrogate",
    )  # fmt: skip


def test_a_database_url_asyncpg_cannot_take_is_one_line(tmp_path: Path) -> None:
    url = f"postgresql://waypoint:{PASSWORD}@127.0.0.1:{_closed_port()}/w?application_name=w"
    assert _fault(run_waypoint(waypoint_env(database_url=url), tmp_path, "migrate")) == (
        "waypoint: WAYPOINT_DATABASE_URL has ?application_name=..., which Waypoint's PostgreSQL"
        " driver (asyncpg) does not take: remove it"
    )


def test_health_on_a_migrated_sqlite_database_leaves_it_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "waypoint.db"
    url = f"sqlite+aiosqlite:///{path}"
    upgrade(url)
    before = path.read_bytes()
    assert waypoint_output(waypoint_env(database_url=url), tmp_path, "health").strip() == "healthy"
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["waypoint.db"]
