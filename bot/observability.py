"""Logging and Sentry, set up so that nobody's words, names or the bot token ever leave."""

from __future__ import annotations

import logging
import re
import traceback
from typing import Any, cast

import sentry_sdk
from sentry_sdk.integrations.logging import LoggingIntegration
from sentry_sdk.scrubber import DEFAULT_DENYLIST, DEFAULT_PII_DENYLIST, EventScrubber
from sentry_sdk.transport import Transport

_TOKEN = re.compile(r"\d{3,20}:[A-Za-z0-9_-]{30,}")
_REDACTED = "[redacted]"
# Keys whose values may hold a young person's words or identity (Telegram's own field names).
_DENY_KEYS = [
    "text",
    "caption",
    "query",
    "data",
    "first_name",
    "last_name",
    "username",
    "phone_number",
    "update",
    "message",
    "args",
    "name",
    "bio",
    "callback_query",
    "from_user",
    "chat",
]


class WordlessFormatter(logging.Formatter):
    """Log lines whose tracebacks keep where it failed and drop what the error said.

    An exception's message can quote what someone typed ("invalid literal for int(): '①'"),
    and a traceback ends with it; only the exception's type is kept.
    """

    def formatException(self, ei: Any) -> str:
        """The stack and the exception types (causes too), never their messages."""
        _, error, _ = ei
        lines: list[str] = []
        while error is not None:
            lines[:0] = [*traceback.format_tb(error.__traceback__), type(error).__name__]
            error = error.__cause__ or error.__context__
        return "Traceback (messages left out):\n" + "".join(
            line if line.endswith("\n") else line + "\n" for line in lines
        ).rstrip("\n")


class TemplatesOnly(logging.Filter):
    """Libraries' log lines keep their template and lose their values: python-telegram-bot
    logs a whole raw getUpdates answer (everyone's words) when it cannot parse one."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Drop the values of any record that is not Waypoint's own (which log ids only)."""
        if not record.name.startswith("bot.") and record.args:
            record.msg, record.args = str(record.msg), None
        return True


def configure_logging(level: str = "INFO") -> None:
    """Plain logs on stderr; httpx is quietened because its lines carry the token in the URL."""
    layout = "%(asctime)s %(levelname)s %(name)s: %(message)s"
    logging.basicConfig(level=level, format=layout)
    for handler in logging.getLogger().handlers:
        handler.setFormatter(WordlessFormatter(layout))
        handler.addFilter(TemplatesOnly())
    # At DEBUG these log the token, message texts and SQL parameters, whatever level is chosen.
    for name in ("httpx", "httpcore", "aiosqlite", "asyncpg", "sqlalchemy.engine"):
        logging.getLogger(name).setLevel(logging.WARNING)
    # APScheduler logs each job it adds and each run of the clock's ticks, as templates with
    # their values dropped ('Added job "%s"'): only its problems matter.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    telegram = logging.getLogger("telegram")
    telegram.setLevel(max(logging.INFO, telegram.level))


def _redact_tokens(value: Any) -> Any:
    if isinstance(value, str):
        return _TOKEN.sub(_REDACTED, value)
    if isinstance(value, dict):
        return {key: _redact_tokens(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_redact_tokens(item) for item in value]
    return value


def scrub_event(event: dict[str, Any], _hint: dict[str, Any]) -> dict[str, Any]:
    """Keep the shape of an error (types, stack, log template) and drop every value in it."""
    logentry = event.get("logentry")
    if isinstance(logentry, dict):
        logentry.pop("params", None)
        logentry["formatted"] = logentry.get("message", "")
    for exception in event.get("exception", {}).get("values", []):
        # Library error text can quote what was sent ("message text is empty", a chat title).
        exception["value"] = _REDACTED
    event.pop("extra", None)
    event.pop("user", None)
    event.pop("request", None)
    return dict(_redact_tokens(event))


def scrub_breadcrumb(crumb: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any] | None:
    """Keep log templates, not formatted lines; keep only the method of an HTTP call."""
    record = hint.get("log_record") if hint else None
    if isinstance(record, logging.LogRecord):
        crumb["message"] = str(record.msg)
        crumb.pop("data", None)
    if crumb.get("type") == "http" or crumb.get("category") in {"httplib", "httpx"}:
        data = crumb.get("data") or {}
        crumb["data"] = {"method": data.get("method"), "status_code": data.get("status_code")}
    return dict(_redact_tokens(crumb))


def init_sentry(
    dsn: str | None,
    *,
    environment: str = "production",
    transport: Transport | None = None,
) -> bool:
    """Start Sentry when a DSN is set; returns whether it was started."""
    if not dsn:
        return False
    options: dict[str, Any] = {}
    if transport is not None:
        options["transport"] = transport
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        include_local_variables=False,
        max_request_body_size="never",
        event_scrubber=EventScrubber(
            denylist=DEFAULT_DENYLIST + _DENY_KEYS,
            pii_denylist=DEFAULT_PII_DENYLIST,
            recursive=True,
        ),
        before_send=cast(Any, scrub_event),
        before_breadcrumb=cast(Any, scrub_breadcrumb),
        integrations=[LoggingIntegration(level=logging.INFO, event_level=logging.ERROR)],
        **options,
    )
    return True
