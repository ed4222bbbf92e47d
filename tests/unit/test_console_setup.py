"""Starting the staff console: its settings, and one line (never a traceback) when its GOV.UK
files are missing or its address is taken."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from bot.config import ConfigurationError, load_settings
from bot.entrypoints import cli, console
from bot.entrypoints.console import govuk_folder, listening


def test_the_console_defaults_to_this_computer() -> None:
    settings = load_settings()
    assert settings.console_url == "http://127.0.0.1:8081"
    assert settings.console_address == ("127.0.0.1", 8081)


def test_its_public_address_loses_a_trailing_slash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WAYPOINT_CONSOLE_URL", "https://console.example.org/")
    assert load_settings().console_url == "https://console.example.org"


def test_the_govuk_files_are_found_after_npm_ci() -> None:
    assert (govuk_folder() / "govuk-frontend.min.css").is_file()


def test_missing_govuk_files_are_one_line_saying_run_npm_ci(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(console, "asset_roots", lambda: [tmp_path])
    with pytest.raises(ConfigurationError, match="run npm ci"):
        govuk_folder()
    assert cli.main(["web"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("waypoint: ")
    assert "run npm ci" in error
    assert error.count("\n") == 1


def test_an_address_taken_is_one_line_naming_the_setting() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ConfigurationError) as caught:
            listening("127.0.0.1", port, variable="WAYPOINT_CONSOLE_LISTEN")
    message = str(caught.value)
    assert message.startswith(f"cannot listen on 127.0.0.1:{port}")
    assert "WAYPOINT_CONSOLE_LISTEN" in message
