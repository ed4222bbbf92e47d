"""Bad settings stop start-up with one line that names the variable and what to fix."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bot.config import ConfigurationError, load_settings

GOOD_TOKEN = "123456789:" + "A" * 35


class TestBadSettings:
    @pytest.mark.parametrize(
        ("variable", "value", "expected"),
        [
            ("WAYPOINT_TIMEZONE", "Mars/Olympus", "not a known time zone"),
            ("WAYPOINT_TELEGRAM_API_URL", "api.telegram.org", "not an http:// or https://"),
            ("WAYPOINT_TELEGRAM_TOKEN", "12345", "does not look like a bot token"),
            ("WAYPOINT_DATABASE_URL", "mysql://x@y/z", "not supported"),
            ("WAYPOINT_DATABASE_URL", "not a url", "not a database URL"),
            ("WAYPOINT_SENTRY_DSN", "nonsense", "not a Sentry DSN"),
            ("WAYPOINT_LOG_LEVEL", "LOUD", "not one of"),
            ("WAYPOINT_CONSOLE_URL", "console.example.org", "not an http:// or https://"),
            ("WAYPOINT_CONSOLE_LISTEN", "8081", "not a host and port"),
        ],
    )
    def test_names_the_variable_and_the_problem(
        self, monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str
    ) -> None:
        monkeypatch.setenv(variable, value)
        with pytest.raises(ConfigurationError) as caught:
            load_settings()
        message = str(caught.value)
        assert message.startswith(f"{variable}: ")
        assert expected in message
        assert "\n" not in message

    def test_a_bad_token_is_never_echoed(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("WAYPOINT_TELEGRAM_TOKEN", "999:short-secret-canary")
        with pytest.raises(ConfigurationError) as caught:
            load_settings()
        assert "canary" not in str(caught.value)

    def test_the_command_line_prints_one_line_and_no_traceback(self, tmp_path) -> None:
        env = {**os.environ, "WAYPOINT_TIMEZONE": "Europe/Londn"}
        result = subprocess.run(
            [sys.executable, "-m", "bot.entrypoints.cli", "migrate"],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=60,
            check=False,
        )
        assert result.returncode == 2
        assert result.stderr.strip().splitlines() == [
            "waypoint: WAYPOINT_TIMEZONE: 'Europe/Londn' is not a known time zone "
            "(use a name such as Europe/London)"
        ]


class TestGoodSettings:
    def test_defaults_need_nothing_set(self, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.chdir(tmp_path)
        settings = load_settings()
        assert settings.telegram_token is None
        assert settings.telegram_api_url == "https://api.telegram.org"
        assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path / 'waypoint.db'}"
        assert settings.timezone == "Europe/London"

    def test_plain_database_urls_get_the_async_driver(self, monkeypatch) -> None:
        monkeypatch.setenv("WAYPOINT_DATABASE_URL", "postgresql://wp:p%40ss@db:5432/waypoint")
        monkeypatch.setenv("WAYPOINT_TELEGRAM_TOKEN", GOOD_TOKEN)
        settings = load_settings()
        assert settings.database_url == "postgresql+asyncpg://wp:p%40ss@db:5432/waypoint"
        assert settings.telegram_token is not None
        assert GOOD_TOKEN not in repr(settings)

    def test_a_dot_env_file_is_read(self, tmp_path, monkeypatch) -> None:
        (tmp_path / ".env").write_text("WAYPOINT_TIMEZONE=Europe/Dublin\n")
        monkeypatch.chdir(tmp_path)
        assert load_settings().timezone == "Europe/Dublin"
