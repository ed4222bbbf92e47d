"""Updates as Telegram sends them: fetching them raw, and reading the little Waypoint needs
before they are parsed (their id and chat)."""

from __future__ import annotations

from typing import Any

from telegram import Bot, Update

from bot.adapters.db.inbox import Received

# The updates Waypoint acts on; anything else Telegram would send is not even fetched.
# An edited message is heard like a new one: a worry typed by editing is still a worry.
ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY]
_CHAT_KINDS = ("message", "edited_message", "channel_post", "edited_channel_post")


def _int(value: object) -> int | None:
    """An id as the database can store it (a signed 64-bit integer), or None."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**63:
        return value
    return None


def chat_of(raw: dict[str, Any]) -> int | None:
    """The chat an update belongs to, so each chat's updates are handled in order."""
    for kind in _CHAT_KINDS:
        body = raw.get(kind)
        if isinstance(body, dict) and isinstance(body.get("chat"), dict):
            return _int(body["chat"].get("id"))
    for value in raw.values():
        if isinstance(value, dict) and isinstance(value.get("from"), dict):
            return _int(value["from"].get("id"))
    return None


def words_in(raw: dict[str, Any]) -> str | None:
    """What someone wrote in a message update (its text or caption), if it can be read."""
    for kind in ("message", "edited_message"):
        body = raw.get(kind)
        if isinstance(body, dict):
            for key in ("text", "caption"):
                if isinstance(body.get(key), str) and body[key].strip():
                    return str(body[key])[:4096]
    return None


def received(raw: object) -> Received | None:
    """One entry of a getUpdates answer as the inbox stores it; None if it has no update id."""
    if not isinstance(raw, dict):
        return None
    update_id = _int(raw.get("update_id"))
    if update_id is None:
        return None
    return Received(update_id, chat_of(raw), raw)


async def fetch_updates(
    bot: Bot,
    *,
    offset: int,
    timeout: int,  # noqa: ASYNC109  (Telegram's long-poll parameter, not ours to cancel)
    allowed: list[str],
) -> list[object]:
    """Long-poll getUpdates and return the updates exactly as Telegram sent them.

    `Bot.get_updates` parses the batch and, when one update cannot be parsed, logs the whole
    raw batch (people's words and names) and raises, so polling never gets past it. The raw
    answer is stored first and parsed one update at a time later.
    """
    data = {"offset": offset, "timeout": timeout, "allowed_updates": allowed}
    # The long poll itself takes `timeout`; the connection may take a while longer.
    result = await bot._post("getUpdates", data, read_timeout=timeout + 10)
    return list(result) if isinstance(result, list) else []
