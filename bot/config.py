"""Settings: one object, read from WAYPOINT_* environment variables and a `.env` file."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, Field, SecretStr, ValidationError, field_validator
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
    telegram_api_url: HttpUrl = "https://api.telegram.org"
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

    @field_validator("telegram_token", "sentry_dsn", "bot_username", mode="before")
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
        return url.set(drivername=driver).render_as_string(hide_password=False)

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
        field = str(first["loc"][0]) if first["loc"] else "settings"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise ConfigurationError(f"WAYPOINT_{field.upper()}: {message}") from None
