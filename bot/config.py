"""Settings: one object, read from WAYPOINT_* environment variables and a `.env` file."""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path
from typing import Annotated, Self
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values
from pydantic import (
    AfterValidator,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

# Telegram tokens are "<bot id>:<secret>"; the secret is 35 url-safe characters today.
_TOKEN_SHAPE = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{30,}$")

_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
}


# libpq's sslmode values; bot.adapters.db.engine hands them to asyncpg.
_SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
_SECRET_SHAPE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
DEFAULT_API_URL = "https://api.telegram.org"
TOKEN_VARIABLE = "WAYPOINT_TELEGRAM_TOKEN"  # noqa: S105  (its name, not a token)


class ConfigurationError(Exception):
    """A setting is wrong; the message names the variable and says what to fix."""


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError(f"{value!r} is not an http:// or https:// address")
    return value.rstrip("/")


HttpUrl = Annotated[str, AfterValidator(_http_url)]


class Settings(BaseSettings):
    """Everything Waypoint reads from its environment."""

    model_config = SettingsConfigDict(
        env_prefix="WAYPOINT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    telegram_token: SecretStr | None = None
    telegram_api_url: HttpUrl = DEFAULT_API_URL
    bot_username: str | None = None
    database_url: str = Field(default_factory=lambda: f"sqlite:///{Path.cwd() / 'waypoint.db'}")
    sentry_dsn: SecretStr | None = None
    timezone: str = "Europe/London"
    log_level: str = "INFO"
    # Telegram allows about 30 messages a second overall; stay a little under it.
    send_rate: float = Field(default=29.0, gt=0, le=30)
    outbox_lease_seconds: float = Field(default=30.0, gt=0)
    outbox_max_attempts: int = Field(default=8, ge=1)
    # Only wording a speech and language therapist approved goes to young people. Trials and
    # the demo may use drafts; a real hub must not.
    allow_draft_content: bool = False
    # Given apart from WAYPOINT_DATABASE_URL, so a password with @, / or : needs no escaping.
    database_password: SecretStr | None = None
    # Webhook mode: the public https:// address Telegram calls (ending in its path), where
    # Waypoint listens for it (behind a reverse proxy), and the secret Telegram sends back.
    webhook_url: HttpUrl | None = None
    webhook_listen: str = "0.0.0.0:8080"
    webhook_secret: SecretStr | None = None
    # The staff console (issue 15): the public base URL put in sign-in links, and where
    # `waypoint run` (polling) and `waypoint web` listen for browsers.
    console_url: HttpUrl = "http://127.0.0.1:8081"
    console_listen: str = "127.0.0.1:8081"

    @field_validator(
        "telegram_token",
        "sentry_dsn",
        "bot_username",
        "database_password",
        "webhook_url",
        "webhook_secret",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("telegram_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _TOKEN_SHAPE.match(value.get_secret_value()):
            # Never echo the token back: it may be a real one with a typo.
            raise ValueError(
                "does not look like a bot token from @BotFather (digits, ':', secret)"
            )
        return value

    @field_validator("sentry_dsn")
    @classmethod
    def _dsn_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            parts = urlsplit(value.get_secret_value())
            if parts.scheme not in {"http", "https"} or not parts.hostname:
                raise ValueError("is not a Sentry DSN (https://<key>@<host>/<project>)")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"{value!r} is not a known time zone (use a name such as Europe/London)"
            ) from None
        return value

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError(
                f"{value!r} is not a database URL (try sqlite:///waypoint.db "
                "or postgresql://user@host/dbname)"
            ) from None
        driver = _DRIVERS.get(url.drivername)
        if driver is None:
            raise ValueError(
                f"database {url.drivername!r} is not supported (use sqlite or postgresql)"
            )
        mode = url.query.get("sslmode")
        if driver.startswith("postgresql") and mode is not None and mode not in _SSL_MODES:
            raise ValueError(f"sslmode={mode!r} is not one of {', '.join(_SSL_MODES)}")
        return url.set(drivername=driver).render_as_string(hide_password=False)

    @field_validator("webhook_listen", "console_listen")
    @classmethod
    def _host_and_port(cls, value: str) -> str:
        host, _, port = value.rpartition(":")
        # Port 0 is any free port (the tests start several instances side by side).
        if not host or not port.isdigit() or not 0 <= int(port) < 65536:
            raise ValueError(f"{value!r} is not a host and port, like 0.0.0.0:8080")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _secret_shape(cls, value: SecretStr | None) -> SecretStr | None:
        # Telegram's rule for secret_token: 1 to 256 of A-Z, a-z, 0-9, _ and -.
        if value is not None and not _SECRET_SHAPE.match(value.get_secret_value()):
            raise ValueError(
                "must be 1 to 256 letters, digits, _ or - (try: openssl rand -hex 32)"
            )
        return value

    @model_validator(mode="after")
    def _together(self) -> Self:
        if self.webhook_url is not None and self.webhook_secret is None:
            raise ValueError(
                "webhook mode needs WAYPOINT_WEBHOOK_SECRET too (try: openssl rand -hex 32)"
            )
        if self.database_password is not None:
            url = make_url(self.database_url).set(
                password=self.database_password.get_secret_value()
            )
            self.database_url = url.render_as_string(hide_password=False)
        return self

    @property
    def webhook_address(self) -> tuple[str, int]:
        """Where to listen for Telegram's calls."""
        host, _, port = self.webhook_listen.rpartition(":")
        return host, int(port)

    @property
    def console_address(self) -> tuple[str, int]:
        """Where the staff console listens for browsers (when not beside the webhook)."""
        host, _, port = self.console_listen.rpartition(":")
        return host, int(port)

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError(f"{value!r} is not one of DEBUG, INFO, WARNING, ERROR")
        return level

    @property
    def zone(self) -> ZoneInfo:
        """The time zone as an object."""
        return ZoneInfo(self.timezone)


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning a validation failure into one line that says what to fix."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "webhook_url"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise ConfigurationError(f"WAYPOINT_{field.upper()}: {message}") from None


def _given_variables(env_file: Path) -> dict[str, str]:
    """Every variable Waypoint could read: the `.env` file's, then the environment's."""
    given = {
        name.upper(): value or ""
        for name, value in (dotenv_values(env_file) if env_file.is_file() else {}).items()
    }
    given.update({name.upper(): value for name, value in os.environ.items()})
    return given


def _misspelt_token_name(name: str) -> bool:
    if name.startswith("WAYPOINT_") and "TOK" in name:
        return True
    return (
        name.endswith("TELEGRAM_TOKEN")
        or difflib.SequenceMatcher(None, name, TOKEN_VARIABLE).ratio() >= 0.85
    )


def token_left_out(env_file: Path = Path(".env")) -> str | None:
    """When no token is set: whether one was meant to be, as the start of a sentence.

    "WAYPOINT_TELEGRAM_TOKEN is empty" when the variable is there (environment or `.env`)
    with nothing in it; "WAYPOINT_TELEGRAM_TOKN is set but WAYPOINT_TELEGRAM_TOKEN is not
    (a misspelling?)" when a name close to it is; None when nothing says a token was meant.
    Only names are ever given, never a value.
    """
    given = _given_variables(env_file)
    if TOKEN_VARIABLE in given:
        return None if given[TOKEN_VARIABLE].strip() else f"{TOKEN_VARIABLE} is empty"
    known = {f"WAYPOINT_{name.upper()}" for name in Settings.model_fields}
    for name in sorted(given):
        if name not in known and _misspelt_token_name(name):
            return f"{name} is set but {TOKEN_VARIABLE} is not (a misspelling?)"
    return None
