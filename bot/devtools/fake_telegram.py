"""A fake Telegram Bot API server that an unmodified python-telegram-bot can talk to.

Build the application with ``.base_url(f"{fake.url}/bot")`` and
``.base_file_url(f"{fake.url}/file/bot")``; then drive users from Python (``send_text``,
``press_button``) or over HTTP (``/_control/...``) and inspect what the bot sent.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import http.client
import json
import logging
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlsplit

from bot.devtools.bot_api_spec import BotApiSpec
from bot.devtools.fake_telegram_http import FakeTelegramServer
from bot.devtools.fake_telegram_limits import FloodLimiter, RateLimits
from bot.devtools.fake_telegram_methods import HANDLERS
from bot.devtools.fake_telegram_models import (
    ApiError,
    FakeUser,
    Fault,
    FaultKind,
    JsonDict,
    RecordedRequest,
    Reply,
    SentMessage,
)
from bot.devtools.fake_telegram_world import BotWorld, utf16_length
from bot.devtools.wire import decode_params

__all__ = [
    "BotApiSpec",
    "FakeTelegram",
    "FakeUser",
    "FaultKind",
    "RateLimits",
    "RecordedRequest",
    "SentMessage",
    "main",
]

logger = logging.getLogger(__name__)

_HANDLERS_BY_LOWER_NAME = {name.lower(): name for name in HANDLERS}
_TEST_TOKEN_SECRET = "AAFakeTokenForTests_0123456789abcde"  # noqa: S105 - not a credential


class FakeTelegram:
    """An in-process fake of ``api.telegram.org`` on 127.0.0.1, served from a daemon thread."""

    def __init__(
        self,
        *,
        spec: BotApiSpec | None = None,
        bot_username: str = "waypoint_demo_bot",
        bot_id: int = 7000000001,
        strict_spec: bool = False,
        port: int = 0,
        rate_limits: RateLimits | None = None,
    ) -> None:
        self.spec = spec
        self.strict_spec = strict_spec
        self.rate_limits = rate_limits
        self.violations: list[str] = []
        self.requests: list[RecordedRequest] = []
        self.on_bot_message: Callable[[SentMessage], None] | None = None
        # Updates the webhook took (answered 2xx), for tests to wait on.
        self.webhook_deliveries = 0
        self._port = port
        self._cond = threading.Condition()
        self._stopping = threading.Event()
        self._faults: list[Fault] = []
        self._limiter = FloodLimiter(rate_limits) if rate_limits is not None else None
        self._server: FakeTelegramServer | None = None
        self._thread: threading.Thread | None = None
        self._delivery: threading.Thread | None = None
        self._world = BotWorld(
            cond=self._cond,
            bot_user={
                "id": bot_id,
                "is_bot": True,
                "first_name": "Waypoint",
                "username": bot_username,
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
                "can_connect_to_business": False,
                "has_main_web_app": False,
            },
        )

    # -- lifecycle -----------------------------------------------------------------------

    @staticmethod
    def token_for_tests() -> str:
        """A well-formed bot token (the fake accepts any well-formed token)."""
        return f"123456789:{_TEST_TOKEN_SECRET}"

    @property
    def url(self) -> str:
        """The API root, the fake's counterpart of ``https://api.telegram.org``."""
        if self._server is None:
            raise RuntimeError("FakeTelegram is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> Self:
        """Bind the port and serve in a daemon thread."""
        if self._server is not None:
            raise RuntimeError("FakeTelegram is already started")
        with self._cond:
            self._world.closing = False
        self._stopping.clear()
        self._server = FakeTelegramServer(("127.0.0.1", self._port), self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-telegram",
            daemon=True,
        )
        self._thread.start()
        self._delivery = threading.Thread(
            target=self._deliver_to_webhook, name="fake-telegram-webhook", daemon=True
        )
        self._delivery.start()
        return self

    def stop(self) -> None:
        """Stop serving; waiting long polls and held requests are released first."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        self._stopping.set()
        with self._cond:
            self._world.closing = True
            self._cond.notify_all()
        server.shutdown()
        server.close_connections(timeout=2.0)
        server.server_close()
        thread.join(timeout=2.0)
        if self._delivery is not None:
            self._delivery.join(timeout=5.0)
        self._server = self._thread = self._delivery = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def hold(self, seconds: float) -> None:
        """Wait like a slow server would, but wake at once when the fake stops."""
        self._stopping.wait(seconds)

    # -- webhook delivery ----------------------------------------------------------------

    def _next_for_webhook(self) -> tuple[str, str | None, JsonDict] | None:
        """Wait (briefly) for an update to deliver while a webhook is set."""
        with self._cond:
            self._cond.wait_for(
                lambda: (
                    self._stopping.is_set()
                    or bool(self._world.webhook.get("url") and self._world.deliverable(1))
                ),
                timeout=0.5,
            )
            batch = self._world.deliverable(1) if self._world.webhook.get("url") else []
            if self._stopping.is_set() or not batch:
                return None
            return str(self._world.webhook["url"]), self._world.webhook_secret, batch[0]

    def _deliver_to_webhook(self) -> None:
        """Like Telegram: POST each update, in order, to the webhook; forget it on a 2xx
        answer, send it again after anything else."""
        while not self._stopping.is_set():
            next_one = self._next_for_webhook()
            if next_one is None:
                continue
            url, secret, update = next_one
            if post_update(url, secret, update):
                with self._cond:
                    self._world.updates = [
                        u for u in self._world.updates if u["update_id"] != update["update_id"]
                    ]
                    self.webhook_deliveries += 1
            else:
                self._stopping.wait(0.2)

    # -- simulating users ----------------------------------------------------------------

    def add_user(self, user: FakeUser) -> None:
        """Make a user known, so chats with them carry their name."""
        with self._cond:
            self._world.users[user.id] = user

    def send_text(self, user: FakeUser, text: str) -> JsonDict:
        """Queue an update with a private-chat text message from ``user``."""
        body: JsonDict = {"text": text}
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            length = utf16_length(command)
            body["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        with self._cond:
            self._world.users[user.id] = user
            message = self._world.new_message(user.id, user.to_api(), body)
            return self._world.queue_update({"message": message})

    def edit_text(self, user: FakeUser, message_id: int, text: str) -> JsonDict:
        """Queue an ``edited_message`` update: ``user`` changed one of their own messages."""
        with self._cond:
            message = self._world.messages.get(user.id, {}).get(message_id)
            if message is None or message.get("from", {}).get("id") != user.id:
                raise LookupError(f"{user.id} has no message {message_id} to edit")
            message["text"] = text
            message["edit_date"] = int(time.time())
            message.pop("entities", None)
            return self._world.queue_update({"edited_message": copy.deepcopy(message)})

    def on_poll(self, hook: Callable[[int], None] | None) -> None:
        """Call ``hook(offset)`` at the start of every getUpdates, under the server's lock:
        a test can kill the bot at the very moment Telegram is told what it received."""
        with self._cond:
            self._world.on_poll = hook

    def press_button(
        self, user: FakeUser, callback_data: str, *, message_id: int | None = None
    ) -> JsonDict:
        """Queue a callback query for a button on the bot's message (the latest by default)."""
        with self._cond:
            self._world.users[user.id] = user
            message = self._world.bot_message(user.id, message_id)
            if message is None:
                which = "any message" if message_id is None else f"message {message_id}"
                raise LookupError(f"the bot has not sent {which} to chat {user.id}")
            query_id = str(5_000_000_000_000 + self._world.next_id())
            self._world.open_callback_queries.add(query_id)
            query = {
                "id": query_id,
                "from": user.to_api(),
                "message": copy.deepcopy(message),
                "chat_instance": str(-(7 * 10**18 + user.id)),
                "data": callback_data,
            }
            return self._world.queue_update({"callback_query": query})

    def inject_update(self, update: JsonDict) -> JsonDict:
        """Queue a raw update, numbering it when it has no ``update_id``."""
        with self._cond:
            return self._world.queue_update(update)

    def register_file(self, file_path: str, data: bytes) -> str:
        """Make a file downloadable via getFile and ``/file/bot…``; returns its file_id."""
        with self._cond:
            file_id = f"FAKEFILE{self._world.next_id()}"
            self._world.files[file_id] = (file_path.lstrip("/"), data)
            return file_id

    def file_content(self, file_path: str) -> bytes | None:
        """The bytes of a registered file, looked up by its ``file_path``."""
        with self._cond:
            for path, data in self._world.files.values():
                if path == file_path:
                    return data
        return None

    # -- inspecting the bot ----------------------------------------------------------------

    def waiting_updates(self) -> list[int]:
        """Ids of the updates Telegram still holds: not yet confirmed by a getUpdates offset."""
        with self._cond:
            return [int(update["update_id"]) for update in self._world.updates]

    def sent_messages(self, chat_id: int | None = None) -> list[SentMessage]:
        """Messages (and text edits) the bot sent, optionally to one chat only."""
        with self._cond:
            return [m for m in self._world.sent if chat_id is None or m.chat_id == chat_id]

    def delivered_texts(self) -> list[tuple[int, str]]:
        """``(chat_id, text)`` of every text message the bot sent (edits excluded), in order."""
        with self._cond:
            return [(m.chat_id, m.text) for m in self._world.sent if m.text and not m.edited]

    def current_message(self, chat_id: int, message_id: int) -> JsonDict | None:
        """The latest state of a message as the chat would show it, or None if deleted."""
        with self._cond:
            message = self._world.messages.get(chat_id, {}).get(message_id)
            return copy.deepcopy(message) if message is not None else None

    def wait_for_messages(
        self, chat_id: int, count: int, timeout: float = 5.0
    ) -> list[SentMessage]:
        """Block until the chat has at least ``count`` messages from the bot; return them all."""
        with self._cond:
            self._cond.wait_for(
                lambda: len(self._sent_to(chat_id)) >= count or self._world.closing,
                timeout=timeout,
            )
            messages = self._sent_to(chat_id)
            stopped = " (the fake was stopped)" if self._world.closing else ""
        if len(messages) < count:
            texts = [m.text for m in messages]
            raise TimeoutError(
                f"waited {timeout:g}s for {count} message(s) to chat {chat_id}{stopped}; "
                f"{len(messages)} arrived: {texts!r}"
            )
        return messages

    async def await_messages(
        self,
        chat_id: int,
        count: int,
        # The wait runs in a worker thread, which asyncio.timeout could not interrupt.
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[SentMessage]:
        """Like :meth:`wait_for_messages`, without blocking the running event loop."""
        return await asyncio.to_thread(self.wait_for_messages, chat_id, count, timeout)

    def wait_until_polling(self, timeout: float = 5.0) -> None:
        """Block until some client is waiting inside a getUpdates long poll."""
        with self._cond:
            if not self._cond.wait_for(lambda: self._world.waiting_polls > 0, timeout=timeout):
                raise TimeoutError(f"no getUpdates long poll arrived within {timeout:g}s")

    def menu(self, chat_id: int) -> list[JsonDict] | None:
        """The command menu the bot set for one chat (scope chat), or None if it has none."""
        with self._cond:
            return copy.deepcopy(self._world.commands.get(_chat_scope(chat_id)))

    def menu_calls(self, chat_id: int) -> list[list[JsonDict] | None]:
        """Each menu the bot set for one chat, in order (None where it took the menu away)."""
        with self._cond:
            return [
                copy.deepcopy(commands)
                for key, commands in self._world.command_calls
                if key == _chat_scope(chat_id)
            ]

    def wait_for_menus(self, chat_id: int, count: int, timeout: float = 5.0) -> list[Any]:
        """Block until the bot has set (or taken away) one chat's menu ``count`` times."""
        with self._cond:
            self._cond.wait_for(
                lambda: len(self._menu_calls(chat_id)) >= count or self._world.closing,
                timeout=timeout,
            )
            calls = self._menu_calls(chat_id)
        if len(calls) < count:
            raise TimeoutError(f"waited {timeout:g}s for {count} menu(s) for chat {chat_id}")
        return calls

    async def await_menus(
        self,
        chat_id: int,
        count: int,
        timeout: float = 5.0,  # noqa: ASYNC109 - the wait runs in a worker thread
    ) -> list[Any]:
        """Like :meth:`wait_for_menus`, without blocking the running event loop."""
        return await asyncio.to_thread(self.wait_for_menus, chat_id, count, timeout)

    def _menu_calls(self, chat_id: int) -> list[Any]:
        return [c for key, c in self._world.command_calls if key == _chat_scope(chat_id)]

    def _sent_to(self, chat_id: int) -> list[SentMessage]:
        return [m for m in self._world.sent if m.chat_id == chat_id]

    @property
    def limit_refusals(self) -> int:
        """How many calls strict mode refused for breaking a flood limit (faults excluded)."""
        return self._limiter.refusals if self._limiter is not None else 0

    # -- faults --------------------------------------------------------------------------

    def fail_next(
        self,
        method: str | None,
        kind: FaultKind,
        *,
        times: int = 1,
        retry_after: int = 1,
        chat_id: int | None = None,
        delay: float = 0.0,
    ) -> None:
        """Make the next ``times`` matching calls fail; ``method=None`` spares getUpdates."""
        fault = Fault(method, kind, times, retry_after, chat_id, delay)
        with self._cond:
            self._faults.append(fault)

    def clear_faults(self) -> None:
        """Forget every scripted fault."""
        with self._cond:
            self._faults.clear()

    def _take_fault(self, method: str, params: JsonDict) -> Fault | None:
        fault = next((f for f in self._faults if f.matches(method, params)), None)
        if fault is not None:
            fault.times -= 1
            if fault.times <= 0:
                self._faults.remove(fault)
        return fault

    # -- serving the Bot API ---------------------------------------------------------------

    def api_request(self, token: str, method: str, fields: JsonDict) -> Reply:
        """Answer one Bot API call whose form fields are still raw strings or uploads."""
        started = time.monotonic()
        method = self._canonical_name(method)
        types_of = partial(self.spec.field_types, method) if self.spec is not None else None
        params = decode_params(fields, types_of)
        with self._cond:
            reply = self._answer(method, params)
            self.requests.append(RecordedRequest(method, params, token, reply.status, started))
            outbox, self._world.outbox = self._world.outbox, []
        self._notify(outbox)
        return reply

    def _canonical_name(self, method: str) -> str:
        if self.spec is not None:
            return self.spec.canonical_name(method) or method
        return _HANDLERS_BY_LOWER_NAME.get(method.lower(), method)

    def _answer(self, method: str, params: JsonDict) -> Reply:
        known = method in self.spec.methods if self.spec is not None else method in HANDLERS
        if not known:
            self.violations.append(f"{method}: unknown method")
            return Reply.error(404, "Not Found")
        problems = self.spec.check(method, params) if self.spec is not None else []
        self.violations.extend(problems)
        if self.strict_spec and problems:
            return Reply.error(400, f"Bad Request: {problems[0]}")
        fault = self._take_fault(method, params)
        if fault is not None:
            return fault.reply()
        if self._limiter is not None:
            return self._limiter.guard(method, params, partial(self._run_handler, method, params))
        return self._run_handler(method, params)

    def _run_handler(self, method: str, params: JsonDict) -> Reply:
        handler = HANDLERS.get(method)
        if handler is None:
            self.violations.append(f"{method}: not implemented by the fake server")
            return Reply.error(400, f"Bad Request: fake server does not implement {method}")
        try:
            return Reply.ok(handler(self._world, params))
        except ApiError as exc:
            return Reply.error(exc.status, exc.description)
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            # Lenient mode lets ill-typed parameters reach the handlers; answer, don't crash.
            return Reply.error(400, f"Bad Request: can't use the parameters ({exc!r})")

    def _notify(self, messages: list[SentMessage]) -> None:
        callback = self.on_bot_message
        if callback is None:
            return
        for message in messages:
            try:
                callback(message)
            except Exception:
                # A broken observer must not turn into a failed Bot API call.
                logger.exception("on_bot_message callback failed")


def _chat_scope(chat_id: int) -> tuple[str, str]:
    """How the fake keys a chat's own command menu (no language code)."""
    return json.dumps({"type": "chat", "chat_id": chat_id}, sort_keys=True), ""


def post_update(url: str, secret: str | None, update: JsonDict) -> bool:
    """POST one update as Telegram's webhook call does; whether it was answered with a 2xx."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    try:
        connection.request("POST", parts.path or "/", json.dumps(update), headers)
        return 200 <= connection.getresponse().status < 300
    except OSError:
        return False
    finally:
        connection.close()


def main(argv: list[str] | None = None) -> None:
    """Run the fake server standalone until interrupted."""
    parser = argparse.ArgumentParser(description="Fake Telegram Bot API server")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--spec", type=Path, default=None, help="path to api.json")
    parser.add_argument("--bot-username", default="waypoint_demo_bot")
    parser.add_argument("--strict", action="store_true", help="reject calls that break the spec")
    parser.add_argument(
        "--strict-limits", action="store_true", help="answer 429 beyond Telegram's flood limits"
    )
    args = parser.parse_args(argv)
    spec = BotApiSpec.load(args.spec) if args.spec else BotApiSpec.find_default()
    fake = FakeTelegram(
        spec=spec,
        bot_username=args.bot_username,
        strict_spec=args.strict,
        port=args.port,
        rate_limits=RateLimits() if args.strict_limits else None,
    )
    fake.on_bot_message = lambda m: print(f"bot -> {m.chat_id}: {m.text}", flush=True)  # noqa: T201
    with fake:
        print(f"Fake Telegram Bot API at {fake.url}", flush=True)  # noqa: T201
        print(f"  base_url={fake.url}/bot  base_file_url={fake.url}/file/bot", flush=True)  # noqa: T201
        print(f"  spec: {spec.version if spec else 'none'}", flush=True)  # noqa: T201
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("stopping", flush=True)  # noqa: T201


if __name__ == "__main__":
    main()
