"""Handlers for the Bot API methods the fake server implements, one function per method."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from typing import Any

from bot.devtools.fake_telegram_formatting import render
from bot.devtools.fake_telegram_models import GET_UPDATES, ApiError, JsonDict, SentMessage
from bot.devtools.fake_telegram_world import BotWorld, chat_id_param, inline_markup, utf16_length

Handler = Callable[[BotWorld, JsonDict], Any]

MAX_TEXT_LENGTH = 4096
MAX_POLL_SECONDS = 50.0
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a content and reply markup of the current message"
)
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)


def _int_param(params: JsonDict, name: str, default: int) -> int:
    value = params.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ApiError(400, f"Bad Request: wrong parameter {name} in request")
    return int(value)


def get_me(world: BotWorld, params: JsonDict) -> Any:
    """Describe the bot."""
    return dict(world.bot_user)


def _wait_for_updates(world: BotWorld, generation: int, timeout: float) -> None:
    world.waiting_polls += 1
    # Wakes a long poll that a newer getUpdates is about to supersede.
    world.cond.notify_all()
    try:
        world.cond.wait_for(
            lambda: (
                world.closing
                or world.poll_generation != generation
                or any(world.is_allowed(u) for u in world.updates)
            ),
            timeout=timeout,
        )
    finally:
        world.waiting_polls -= 1


def get_updates(world: BotWorld, params: JsonDict) -> Any:
    """Long-poll the update queue, confirming everything below ``offset``."""
    if world.webhook.get("url"):
        raise ApiError(
            409,
            "Conflict: can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first",
        )
    limit = min(max(_int_param(params, "limit", 100), 1), 100)
    timeout = min(max(float(_int_param(params, "timeout", 0)), 0.0), MAX_POLL_SECONDS)
    allowed = params.get("allowed_updates")
    if isinstance(allowed, list):
        world.allowed_updates = frozenset(str(kind) for kind in allowed) or None
    offset = _int_param(params, "offset", 0)
    if world.on_poll is not None:
        world.on_poll(offset)
    world.confirm(offset)
    world.poll_generation += 1
    generation = world.poll_generation
    _wait_for_updates(world, generation, timeout)
    if world.poll_generation != generation:
        raise ApiError(
            409,
            "Conflict: terminated by other getUpdates request; make sure that only one bot "
            "instance is running",
        )
    return world.deliverable(limit)


def delete_webhook(world: BotWorld, params: JsonDict) -> Any:
    """Forget the webhook, optionally dropping queued updates."""
    world.webhook.clear()
    world.webhook_secret = None
    if params.get("drop_pending_updates") is True:
        world.updates.clear()
    return True


def set_webhook(world: BotWorld, params: JsonDict) -> Any:
    """Remember a webhook, which FakeTelegram then delivers updates to; an empty url removes
    it."""
    url = params.get("url")
    if not isinstance(url, str):
        raise ApiError(400, "Bad Request: bad webhook: an HTTPS URL must be provided for webhook")
    world.webhook.clear()
    world.webhook_secret = None
    if url:
        world.webhook.update(
            {key: value for key, value in params.items() if key != "secret_token"}
        )
        secret = params.get("secret_token")
        world.webhook_secret = secret if isinstance(secret, str) else None
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            world.allowed_updates = frozenset(str(kind) for kind in allowed) or None
    world.cond.notify_all()
    return True


def get_webhook_info(world: BotWorld, params: JsonDict) -> Any:
    """Report the webhook setting and the queue length."""
    info: JsonDict = {
        "url": world.webhook.get("url", ""),
        "has_custom_certificate": False,
        "pending_update_count": len(world.updates),
    }
    for key in ("max_connections", "allowed_updates", "ip_address"):
        if key in world.webhook:
            info[key] = world.webhook[key]
    return info


def _checked_text(params: JsonDict) -> str:
    text = params.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ApiError(400, "Bad Request: message text is empty")
    if utf16_length(text) > MAX_TEXT_LENGTH:
        raise ApiError(400, "Bad Request: message is too long")
    return text


def _text_body(params: JsonDict, text: str) -> JsonDict:
    entities = params.get("entities")
    parse_mode = params.get("parse_mode")
    if entities is None and isinstance(parse_mode, str):
        try:
            text, entities = render(text, parse_mode)
        except ValueError as exc:
            raise ApiError(400, f"Bad Request: can't parse entities: {exc}") from exc
    return {"text": text, "entities": entities or None}


def _optional_str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _optional_dict(value: Any) -> JsonDict | None:
    return value if isinstance(value, dict) else None


def _flag(value: Any) -> bool:
    """A boolean parameter, sent as JSON `true` or (form-encoded) the word "true"."""
    return value is True or (isinstance(value, str) and value.lower() == "true")


def send_message(world: BotWorld, params: JsonDict) -> Any:
    """Deliver a text message from the bot."""
    chat_id = chat_id_param(params)
    text = _checked_text(params)
    body = _text_body(params, text)
    body["reply_markup"] = inline_markup(params.get("reply_markup"))
    message = world.new_message(chat_id, dict(world.bot_user), body)
    world.record_sent(
        SentMessage(
            chat_id=chat_id,
            message_id=message["message_id"],
            text=text,
            reply_markup=_optional_dict(params.get("reply_markup")),
            parse_mode=_optional_str(params.get("parse_mode")),
            disable_notification=_flag(params.get("disable_notification")),
            link_preview_disabled=_previews_off(params.get("link_preview_options")),
        )
    )
    return message


def _previews_off(value: Any) -> bool:
    """Whether link_preview_options (a JSON object, or its serialised form) turns previews off."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return False
    return isinstance(value, dict) and value.get("is_disabled") is True


def edit_message_text(world: BotWorld, params: JsonDict) -> Any:
    """Replace a message's text; like Telegram, a missing reply_markup drops the keyboard."""
    if "inline_message_id" in params:
        return True
    message = world.editable_message(params)
    text = _checked_text(params)
    body = _text_body(params, text)
    markup = inline_markup(params.get("reply_markup"))
    old = (message.get("text"), message.get("entities"), message.get("reply_markup"))
    if old == (body["text"], body["entities"], markup):
        raise ApiError(400, NOT_MODIFIED)
    message.pop("entities", None)
    message.pop("reply_markup", None)
    message.update({key: value for key, value in body.items() if value is not None})
    if markup is not None:
        message["reply_markup"] = markup
    message["edit_date"] = int(time.time())
    world.record_sent(
        SentMessage(
            chat_id=message["chat"]["id"],
            message_id=message["message_id"],
            text=text,
            reply_markup=markup,
            parse_mode=_optional_str(params.get("parse_mode")),
            edited=True,
        )
    )
    return dict(message)


def edit_message_reply_markup(world: BotWorld, params: JsonDict) -> Any:
    """Replace or remove a message's inline keyboard."""
    if "inline_message_id" in params:
        return True
    message = world.editable_message(params)
    markup = inline_markup(params.get("reply_markup"))
    if message.get("reply_markup") == markup:
        raise ApiError(400, NOT_MODIFIED)
    message.pop("reply_markup", None)
    if markup is not None:
        message["reply_markup"] = markup
    message["edit_date"] = int(time.time())
    return dict(message)


def delete_message(world: BotWorld, params: JsonDict) -> Any:
    """Delete a message from a chat."""
    chat_id = chat_id_param(params)
    message_id = params.get("message_id")
    chat_messages = world.messages.get(chat_id, {})
    if not isinstance(message_id, int) or message_id not in chat_messages:
        raise ApiError(400, "Bad Request: message to delete not found")
    del chat_messages[message_id]
    return True


def answer_callback_query(world: BotWorld, params: JsonDict) -> Any:
    """Acknowledge a button press; each query can be answered once."""
    query_id = params.get("callback_query_id")
    if query_id not in world.open_callback_queries:
        raise ApiError(
            400,
            "Bad Request: query is too old and response timeout expired or query ID is invalid",
        )
    world.open_callback_queries.discard(str(query_id))
    return True


def _commands_key(world: BotWorld, params: JsonDict) -> tuple[str, str]:
    scope = params.get("scope") or {"type": "default"}
    if not isinstance(scope, dict):
        raise ApiError(400, "Bad Request: can't parse BotCommandScope JSON object")
    if scope.get("type") == "chat":
        # Like Telegram: a private chat exists once its user has written to the bot.
        chat_id = chat_id_param(scope)
        if chat_id not in world.messages:
            raise ApiError(400, "Bad Request: chat not found")
        scope = {"type": "chat", "chat_id": chat_id}
    return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")


_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
MAX_COMMANDS = 100


def _checked_commands(params: JsonDict) -> list[JsonDict]:
    """The commands as Telegram checks them: at most 100, each a lowercase name of 1 to 32
    letters, digits and underscores, with a description of 1 to 256 characters."""
    commands = params.get("commands")
    if not isinstance(commands, list) or not all(isinstance(c, dict) for c in commands):
        raise ApiError(400, "Bad Request: can't parse commands JSON object")
    if len(commands) > MAX_COMMANDS:
        raise ApiError(400, "Bad Request: too many commands specified")
    for command in commands:
        if not _COMMAND.match(str(command.get("command", ""))):
            raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        description = command.get("description")
        if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
            raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
    return commands


def set_my_commands(world: BotWorld, params: JsonDict) -> Any:
    """Store the command list for a scope and language, and note the call."""
    commands = _checked_commands(params)
    key = _commands_key(world, params)
    world.commands[key] = commands
    world.command_calls.append((key, commands))
    world.cond.notify_all()
    return True


def get_my_commands(world: BotWorld, params: JsonDict) -> Any:
    """Return the command list for a scope and language."""
    return list(world.commands.get(_commands_key(world, params), []))


def delete_my_commands(world: BotWorld, params: JsonDict) -> Any:
    """Remove the command list for a scope and language."""
    key = _commands_key(world, params)
    world.commands.pop(key, None)
    world.command_calls.append((key, None))
    world.cond.notify_all()
    return True


def send_chat_action(world: BotWorld, params: JsonDict) -> Any:
    """Accept a 'typing…' style status."""
    chat_id_param(params)
    if params.get("action") not in CHAT_ACTIONS:
        raise ApiError(400, "Bad Request: wrong parameter action in request")
    return True


def get_file(world: BotWorld, params: JsonDict) -> Any:
    """Describe a registered file so the client can download it from ``/file/bot…``."""
    file_id = params.get("file_id")
    if not isinstance(file_id, str) or file_id not in world.files:
        raise ApiError(400, "Bad Request: invalid file_id")
    file_path, data = world.files[file_id]
    return {
        "file_id": file_id,
        "file_unique_id": f"u{file_id}",
        "file_size": len(data),
        "file_path": file_path,
    }


def accept(world: BotWorld, params: JsonDict) -> Any:
    """Answer True and do nothing, for close and logOut."""
    return True


HANDLERS: dict[str, Handler] = {
    "getMe": get_me,
    GET_UPDATES: get_updates,
    "deleteWebhook": delete_webhook,
    "setWebhook": set_webhook,
    "getWebhookInfo": get_webhook_info,
    "sendMessage": send_message,
    "editMessageText": edit_message_text,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
    "answerCallbackQuery": answer_callback_query,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "sendChatAction": send_chat_action,
    "getFile": get_file,
    "close": accept,
    "logOut": accept,
}
