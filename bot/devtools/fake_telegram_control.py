"""The ``/_control/`` HTTP API: drive the fake from another process (JSON in, JSON out)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from bot.devtools.fake_telegram_models import FAULT_KINDS, FakeUser
from bot.devtools.wire import to_jsonable

if TYPE_CHECKING:
    from bot.devtools.fake_telegram import FakeTelegram

Query = dict[str, str]
Route = Callable[["FakeTelegram", Query, Any], Any]


class ControlError(ValueError):
    """A control request that cannot be carried out; answered with HTTP 400."""


def _object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ControlError("expected a JSON object")
    return body


def _text(fake: FakeTelegram, query: Query, body: Any) -> Any:
    data = _object(body)
    return fake.send_text(FakeUser.from_api(_object(data["user"])), str(data["text"]))


def _button(fake: FakeTelegram, query: Query, body: Any) -> Any:
    data = _object(body)
    message_id = data.get("message_id")
    return fake.press_button(
        FakeUser.from_api(_object(data["user"])),
        str(data["callback_data"]),
        message_id=int(message_id) if message_id is not None else None,
    )


def _update(fake: FakeTelegram, query: Query, body: Any) -> Any:
    return fake.inject_update(_object(body))


def _sent(fake: FakeTelegram, query: Query, body: Any) -> Any:
    chat_id = int(query["chat_id"]) if "chat_id" in query else None
    if "count" in query and chat_id is not None:
        # Lets another process wait for replies without polling.
        timeout = float(query.get("timeout", "5"))
        messages = fake.wait_for_messages(chat_id, int(query["count"]), timeout)
    else:
        messages = fake.sent_messages(chat_id)
    return [asdict(message) for message in messages]


def _requests(fake: FakeTelegram, query: Query, body: Any) -> Any:
    return [to_jsonable(asdict(request)) for request in list(fake.requests)]


def _violations(fake: FakeTelegram, query: Query, body: Any) -> Any:
    return list(fake.violations)


def _delivered(fake: FakeTelegram, query: Query, body: Any) -> Any:
    return [list(pair) for pair in fake.delivered_texts()]


def _limits(fake: FakeTelegram, query: Query, body: Any) -> Any:
    limits = fake.rate_limits
    return {
        "rate_limits": asdict(limits) if limits is not None else None,
        "limit_refusals": fake.limit_refusals,
    }


def _add_fault(fake: FakeTelegram, query: Query, body: Any) -> Any:
    data = _object(body)
    kind = data.get("kind")
    if kind not in FAULT_KINDS:
        raise ControlError(f"kind must be one of {', '.join(FAULT_KINDS)}")
    chat_id = data.get("chat_id")
    fake.fail_next(
        data.get("method"),
        kind,
        times=int(data.get("times", 1)),
        retry_after=int(data.get("retry_after", 1)),
        chat_id=int(chat_id) if chat_id is not None else None,
        delay=float(data.get("delay", 0.0)),
    )
    return True


def _clear_faults(fake: FakeTelegram, query: Query, body: Any) -> Any:
    fake.clear_faults()
    return True


ROUTES: dict[tuple[str, str], Route] = {
    ("POST", "text"): _text,
    ("POST", "button"): _button,
    ("POST", "update"): _update,
    ("GET", "sent"): _sent,
    ("GET", "requests"): _requests,
    ("GET", "violations"): _violations,
    ("GET", "delivered"): _delivered,
    ("GET", "limits"): _limits,
    ("POST", "faults"): _add_fault,
    ("DELETE", "faults"): _clear_faults,
}


def handle_control(
    fake: FakeTelegram, verb: str, route: str, query: Query, body: bytes
) -> tuple[int, Any]:
    """Run one control request; returns the HTTP status and the JSON payload."""
    handler = ROUTES.get((verb, route.strip("/")))
    if handler is None:
        return 404, {"ok": False, "description": f"no control route {verb} /_control/{route}"}
    try:
        parsed = json.loads(body) if body else None
        result = handler(fake, query, parsed)
    except TimeoutError as exc:
        return 408, {"ok": False, "description": str(exc)}
    except (ValueError, KeyError, TypeError, LookupError) as exc:
        return 400, {"ok": False, "description": f"{type(exc).__name__}: {exc}"}
    return 200, {"ok": True, "result": result}
