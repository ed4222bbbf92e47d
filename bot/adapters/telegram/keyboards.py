"""Inline keyboards for choices and alerts, and reading back which button was tapped.

Callback data carries only a message id, a button key and, for a question about one thing of
theirs (a goal, a step), its number; never anything a young person wrote or anything about
them (Telegram keeps it; research TG-1). A number that comes back is checked against the
young person's own records before it is used (bot.services.choices).
"""

from __future__ import annotations

from typing import Any

from bot.content.render import Rendered
from bot.domain.numbers import whole_number
from bot.domain.outbox import AlertButtons, StaffChoices

_PREFIX = "c"
_SEPARATOR = "|"
CALLBACK_DATA_LIMIT = 64  # bytes, Telegram's limit


def callback_data(message_id: str, key: str, ref: int | None = None) -> str:
    """What Telegram sends back when this button is tapped."""
    parts = (_PREFIX, message_id, key) if ref is None else (_PREFIX, message_id, key, str(ref))
    data = _SEPARATOR.join(parts)
    if len(data.encode()) > CALLBACK_DATA_LIMIT:
        raise ValueError(f"{message_id}/{key}: button names too long for Telegram's 64 bytes")
    return data


def parse_choice(data: str | None) -> tuple[str, str, int | None] | None:
    """The (message id, button key, number of what it is about) a tap refers to, or None for
    data Waypoint did not make."""
    parts = (data or "").split(_SEPARATOR)
    if len(parts) not in {3, 4} or parts[0] != _PREFIX or not parts[1] or not parts[2]:
        return None
    if len(parts) == 3:
        return parts[1], parts[2], None
    ref = whole_number(parts[3])
    return None if ref is None else (parts[1], parts[2], ref)


def inline_keyboard(rendered: Rendered, ref: int | None = None) -> dict[str, Any] | None:
    """One button per row: big targets, read top to bottom, "Something else" and "Help" last."""
    if not rendered.keyboard:
        return None
    rows = [
        [{"text": b.label, "callback_data": callback_data(rendered.message_id, b.key, ref)}]
        for b in rendered.buttons
    ]
    return {"inline_keyboard": rows}


def worried_keyboard(label: str) -> dict[str, Any]:
    """The "I'm worried" button that stays under the message box, so it is always one tap away."""
    return {"keyboard": [[{"text": label}]], "is_persistent": True, "resize_keyboard": True}


_ALERT_PREFIX = "a"
ACKNOWLEDGE, CALL_ME = "ack", "call"


def alert_keyboard(buttons: AlertButtons) -> dict[str, Any]:
    """The two buttons on every alert to staff: "I've got this" and "Call me"."""
    concern = str(buttons.concern_id)
    rows = [
        [{"text": label, "callback_data": _SEPARATOR.join((_ALERT_PREFIX, concern, how))}]
        for label, how in ((buttons.acknowledge, ACKNOWLEDGE), (buttons.call_me, CALL_ME))
    ]
    return {"inline_keyboard": rows}


def parse_alert(data: str | None) -> tuple[int, bool] | None:
    """(concern id, whether "Call me") for an alert button, or None for anything else."""
    parts = (data or "").split(_SEPARATOR)
    if len(parts) != 3 or parts[0] != _ALERT_PREFIX or parts[2] not in {ACKNOWLEDGE, CALL_ME}:
        return None
    concern_id = whole_number(parts[1])
    return None if concern_id is None else (concern_id, parts[2] == CALL_ME)


_BOOKING_PREFIX = "b"


def staff_choices_keyboard(choices: StaffChoices) -> dict[str, Any]:
    """Buttons under a question to staff, one per row: `b|did|value` (a number, a date, a
    time), never anything anyone wrote."""
    rows = []
    for label, did, value in choices.options:
        data = _SEPARATOR.join((_BOOKING_PREFIX, did, value))
        if len(data.encode()) > CALLBACK_DATA_LIMIT:
            raise ValueError(f"{did}: button data too long for Telegram's 64 bytes")
        rows.append([{"text": label, "callback_data": data}])
    return {"inline_keyboard": rows}


def parse_staff_choice(data: str | None) -> tuple[str, str] | None:
    """(did, value) for a button under a question to staff, or None for anything else."""
    parts = (data or "").split(_SEPARATOR)
    if len(parts) != 3 or parts[0] != _BOOKING_PREFIX or not parts[1]:
        return None
    return parts[1], parts[2]
