"""The fake Bot API server, driven by the real python-telegram-bot and by plain HTTP."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.error import HTTPError

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)

from bot.devtools.bot_api_spec import BotApiSpec, UploadedFile
from bot.devtools.fake_telegram import FakeTelegram, FakeUser, SentMessage
from bot.devtools.wire import decode_value

ALICE = FakeUser(id=4242, first_name="Alice", username="alice")
BOB = FakeUser(id=5151, first_name="Bob")
KEYBOARD = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="answer:yes")]])

AppFactory = Callable[..., Awaitable[Application[Any, Any, Any, Any, Any, Any]]]


# -- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def spec() -> BotApiSpec:
    loaded = BotApiSpec.find_default()
    if loaded is None:
        pytest.skip(f"Bot API description not found at {BotApiSpec.default_path()}")
    return loaded


@pytest.fixture
def fake(spec: BotApiSpec) -> Iterator[FakeTelegram]:
    with FakeTelegram(spec=spec) as server:
        yield server


@pytest.fixture
def strict_fake(spec: BotApiSpec) -> Iterator[FakeTelegram]:
    with FakeTelegram(spec=spec, strict_spec=True) as server:
        yield server


async def _start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    args = " ".join(context.args or [])
    await update.effective_message.reply_html(f"Hello <b>{args}</b>", reply_markup=KEYBOARD)


async def _button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    await query.edit_message_text(f"You chose {query.data}")


@pytest.fixture
async def make_app(fake: FakeTelegram) -> AsyncIterator[AppFactory]:
    """Build initialised PTB applications against the fake; shuts them down afterwards."""
    apps: list[Application[Any, Any, Any, Any, Any, Any]] = []

    async def build(**options: float) -> Application[Any, Any, Any, Any, Any, Any]:
        builder = (
            ApplicationBuilder()
            .token(FakeTelegram.token_for_tests())
            .base_url(f"{fake.url}/bot")
            .base_file_url(f"{fake.url}/file/bot")
        )
        if "read_timeout" in options:
            builder = builder.read_timeout(options["read_timeout"])
        app = builder.build()
        app.add_handler(CommandHandler("start", _start))
        app.add_handler(CallbackQueryHandler(_button))
        await app.initialize()
        apps.append(app)
        return app

    yield build
    for app in apps:
        await app.shutdown()


def _http(
    url: str, *, method: str = "GET", body: Any = None, form: dict[str, str] | None = None
) -> tuple[int, Any]:
    """One plain-urllib request; returns the status and the decoded JSON answer."""
    data: bytes | None = None
    headers: dict[str, str] = {}
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    elif body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except HTTPError as error:
        with error:
            return error.code, json.loads(error.read())


def _api(fake: FakeTelegram, method: str, **form: str) -> tuple[int, Any]:
    return _http(
        f"{fake.url}/bot{FakeTelegram.token_for_tests()}/{method}", method="POST", form=form
    )


# -- (a) the real PTB against the fake --------------------------------------------------------


async def test_polling_bot_replies_and_follows_the_spec(
    fake: FakeTelegram, make_app: AppFactory
) -> None:
    app = await make_app()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1)
    try:
        fake.send_text(ALICE, "/start hi")
        [reply] = await fake.await_messages(ALICE.id, 1)
        fake.press_button(ALICE, "answer:yes", message_id=reply.message_id)
        messages = await fake.await_messages(ALICE.id, 2)
    finally:
        await app.updater.stop()
        await app.stop()

    assert reply.text == "Hello <b>hi</b>"
    assert reply.parse_mode == "HTML"
    assert reply.reply_markup == KEYBOARD.to_dict()
    assert messages[1] == SentMessage(
        ALICE.id, reply.message_id, "You chose answer:yes", None, None, edited=True
    )
    methods = [r.method for r in fake.requests]
    assert methods[:3] == ["getMe", "deleteWebhook", "getUpdates"]
    assert {"sendMessage", "answerCallbackQuery", "editMessageText"} <= set(methods)
    assert fake.violations == []


def test_run_polling_works_unchanged(fake: FakeTelegram) -> None:
    async def start_then_quit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text("bye")
        context.application.stop_running()

    app = (
        ApplicationBuilder()
        .token(FakeTelegram.token_for_tests())
        .base_url(f"{fake.url}/bot")
        .base_file_url(f"{fake.url}/file/bot")
        .build()
    )
    app.add_handler(CommandHandler("start", start_then_quit))

    def run() -> None:
        asyncio.set_event_loop(asyncio.new_event_loop())
        app.run_polling(poll_interval=0, timeout=1, stop_signals=None, close_loop=True)

    runner = threading.Thread(target=run, daemon=True)
    runner.start()
    fake.send_text(BOB, "/start")
    assert [m.text for m in fake.wait_for_messages(BOB.id, 1)] == ["bye"]
    runner.join(timeout=10)
    assert not runner.is_alive()
    assert fake.violations == []
    # PTB's last call confirms the processed update; it also ends the abandoned long poll.
    polls = [(r.params, r.status) for r in fake.requests if r.method == "getUpdates"]
    assert ({"timeout": 0, "offset": 2}, 200) in polls


async def test_html_is_rendered_into_entities(fake: FakeTelegram, make_app: AppFactory) -> None:
    app = await make_app()
    message = await app.bot.send_message(
        ALICE.id, "<b>Hi</b> &lt;3 🙂 <i>x</i>", parse_mode="HTML"
    )
    assert message.text == "Hi <3 🙂 x"
    assert [(e.type, e.offset, e.length) for e in message.entities] == [
        ("bold", 0, 2),
        ("italic", 9, 1),
    ]
    with pytest.raises(BadRequest, match=r"(?i)unsupported start tag \"blink\""):
        await app.bot.send_message(ALICE.id, "<blink>no</blink>", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await app.bot.edit_message_text(
            "<b>Hi</b> &lt;3 🙂 <i>x</i>",
            chat_id=ALICE.id,
            message_id=message.message_id,
            parse_mode="HTML",
        )
    edited = await app.bot.edit_message_text(
        "Hi <3 🙂 x", chat_id=ALICE.id, message_id=message.message_id
    )
    assert isinstance(edited, Message)
    assert edited.entities == ()


async def test_files_can_be_downloaded(fake: FakeTelegram, make_app: AppFactory) -> None:
    app = await make_app()
    file_id = fake.register_file("documents/file_0.txt", b"\x00hello\r\n")
    telegram_file = await app.bot.get_file(file_id)
    assert bytes(await telegram_file.download_as_bytearray()) == b"\x00hello\r\n"
    # PTB downloads from {base_file_url}{token}/{file_path}, with the colon percent-encoded.
    assert fake.requests[-1].method == "getFile"


def test_file_route_serves_registered_files_only(fake: FakeTelegram) -> None:
    fake.register_file("photos/p.jpg", b"12345678")
    files = f"{fake.url}/file/bot{FakeTelegram.token_for_tests()}"
    assert _http(f"{files}/nope.txt")[0] == 404
    probe = urllib.request.Request(f"{files}/photos/p.jpg", method="HEAD")  # noqa: S310
    with urllib.request.urlopen(probe, timeout=10) as response:  # noqa: S310
        assert (response.status, response.headers["Content-Length"]) == (200, "8")
        assert response.read() == b""


async def test_uploads_are_decoded_but_flagged_as_unimplemented(
    fake: FakeTelegram, make_app: AppFactory
) -> None:
    app = await make_app()
    payload = b"line1\r\nline2\n\x00\xff"
    # PTB strips "Bad Request: " and then str.capitalize()s the rest, lowering every letter.
    with pytest.raises(BadRequest, match=r"(?i)fake server does not implement senddocument"):
        await app.bot.send_document(ALICE.id, document=payload, filename="x.txt", caption="42")
    recorded = fake.requests[-1]
    assert recorded.params["caption"] == "42"
    assert recorded.params["document"] == UploadedFile("x.txt", "text/plain", payload)
    assert fake.violations == ["sendDocument: not implemented by the fake server"]


# -- (b) spec checks ----------------------------------------------------------------------------


def test_spec_check_reports_each_kind_of_problem(spec: BotApiSpec) -> None:
    assert spec.check("sendMessage", {"chat_id": 1, "text": "hi"}) == []
    assert spec.check("sendMessage", {"chat_id": "@channel", "text": "hi"}) == []
    assert spec.check("sendMessage", {"chat_id": 1}) == [
        "sendMessage: missing required field 'text'"
    ]
    assert spec.check("sendMesage", {}) == ["sendMesage: unknown method"]
    assert spec.check("sendMessage", {"chat_id": 1, "text": "hi", "colour": "red"}) == [
        "sendMessage: unknown field 'colour'"
    ]
    [problem] = spec.check("sendMessage", {"chat_id": True, "text": "hi"})
    assert problem.startswith("sendMessage: field 'chat_id' should be Integer or String")
    assert spec.check("setMyCommands", {"commands": [{"command": "a", "description": "b"}]}) == []
    assert spec.check("setMyCommands", {"commands": ["a"]}) != []


def test_spec_check_looks_inside_objects_at_the_limits_the_description_states(
    spec: BotApiSpec,
) -> None:
    chat = {"type": "chat", "chat_id": 5}
    good = {"commands": [{"command": "help", "description": "See"}], "scope": chat}
    assert spec.check("setMyCommands", good) == []
    assert spec.check("setMyCommands", {**good, "scope": {"type": "chats", "chat_id": 5}}) == [
        "setMyCommands: field 'scope' is no kind of BotCommandScope"
    ]
    long = {"commands": [{"command": "x" * 33, "description": "d"}]}
    assert spec.check("setMyCommands", long) == [
        "setMyCommands: field 'commands[0].command' must be 1-32 characters, got 33"
    ]
    extra = {"commands": [{"command": "a", "description": "b", "emoji": "x"}]}
    assert spec.check("setMyCommands", extra) == [
        "setMyCommands: field 'commands[0].emoji' is not a field of BotCommand"
    ]
    many = {"commands": [{"command": "a", "description": "b"}] * 101}
    assert spec.check("setMyCommands", many) == [
        "setMyCommands: field 'commands' at most 100 items, got 101"
    ]


def test_menus_are_kept_per_chat_and_refused_like_telegram_refuses_them(
    fake: FakeTelegram,
) -> None:
    user = FakeUser(id=42, first_name="Kim")
    scope = json.dumps({"type": "chat", "chat_id": 42})
    commands = json.dumps([{"command": "help", "description": "See your commands"}])
    status, _ = _api(fake, "setMyCommands", commands=commands, scope=scope)
    assert status == 400  # Kim has never written to the bot: no chat yet
    fake.send_text(user, "/start")
    assert _api(fake, "setMyCommands", commands=commands, scope=scope)[0] == 200
    assert fake.menu(42) == [{"command": "help", "description": "See your commands"}]
    bad = json.dumps([{"command": "Help!", "description": "x"}])
    assert _api(fake, "setMyCommands", commands=bad, scope=scope)[0] == 400
    assert _api(fake, "deleteMyCommands", scope=scope)[0] == 200
    assert fake.menu(42) is None
    assert fake.menu_calls(42) == [[{"command": "help", "description": "See your commands"}], None]


def test_values_are_decoded_by_declared_type() -> None:
    assert decode_value("42", ("String",)) == "42"
    assert decode_value("42", ("Integer", "String")) == 42
    assert decode_value("@chan", ("Integer", "String")) == "@chan"
    assert decode_value("false", ("Boolean",)) is False
    assert decode_value('{"inline_keyboard": []}', ("InlineKeyboardMarkup",)) == {
        "inline_keyboard": []
    }
    assert decode_value("[1, 2]", ("Array of Integer",)) == [1, 2]
    assert decode_value("42", None, name="text") == "42"
    assert decode_value("42", None, name="chat_id") == 42


def test_valid_call_has_no_violation(strict_fake: FakeTelegram) -> None:
    status, answer = _api(strict_fake, "sendMessage", chat_id="7", text="42")
    assert status == 200
    assert answer["result"]["text"] == "42"
    assert answer["result"]["chat"] == {"id": 7, "type": "private", "first_name": "User 7"}
    assert strict_fake.violations == []


@pytest.mark.parametrize(
    ("method", "form", "statuses", "violation"),
    [
        # Even when lenient, the fake fails an empty text the way Telegram does.
        (
            "sendMessage",
            {"chat_id": "7"},
            (400, 400),
            "sendMessage: missing required field 'text'",
        ),
        ("sendMesage", {"chat_id": "7"}, (404, 404), "sendMesage: unknown method"),
        (
            "sendMessage",
            {"chat_id": "7", "text": "x", "disable_notification": "maybe"},
            (200, 400),
            "sendMessage: field 'disable_notification' should be Boolean",
        ),
    ],
)
def test_spec_violations_are_recorded_and_rejected_in_strict_mode(
    spec: BotApiSpec, method: str, form: dict[str, str], statuses: tuple[int, int], violation: str
) -> None:
    for strict, expected_status in zip((False, True), statuses, strict=True):
        with FakeTelegram(spec=spec, strict_spec=strict) as server:
            got_status, answer = _api(server, method, **form)
            assert got_status == expected_status
            assert len(server.violations) == 1
            assert server.violations[0].startswith(violation)
            if strict and expected_status == 400:
                assert answer["description"] == f"Bad Request: {server.violations[0]}"


def test_find_default_honours_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    description = {
        "version": "Bot API test",
        "methods": {"getMe": {"returns": ["User"]}},
        "types": {},
    }
    path = tmp_path / "api.json"
    path.write_text(json.dumps(description), encoding="utf-8")
    monkeypatch.setenv("WAYPOINT_BOT_API_SPEC", str(path))
    loaded = BotApiSpec.find_default()
    assert loaded is not None
    assert list(loaded.methods) == ["getMe"]
    monkeypatch.setenv("WAYPOINT_BOT_API_SPEC", str(tmp_path / "missing.json"))
    assert BotApiSpec.find_default() is None


# -- (c) faults map onto PTB's exceptions -------------------------------------------------------


async def test_retry_after(
    fake: FakeTelegram, make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without this, PTB 22 warns (an error here) when it builds RetryAfter.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    app = await make_app()
    fake.fail_next("sendMessage", "retry_after", retry_after=3)
    with pytest.raises(RetryAfter) as caught:
        await app.bot.send_message(ALICE.id, "hi")
    assert caught.value.retry_after == dt.timedelta(seconds=3)
    await app.bot.send_message(ALICE.id, "hi again")
    assert [m.text for m in fake.sent_messages(ALICE.id)] == ["hi again"]


@pytest.mark.parametrize(
    ("kind", "error", "match"),
    [
        ("server_error", NetworkError, "Bad Gateway"),
        ("blocked", Forbidden, "bot was blocked by the user"),
    ],
)
async def test_error_faults(
    fake: FakeTelegram, make_app: AppFactory, kind: Any, error: type[Exception], match: str
) -> None:
    app = await make_app()
    fake.fail_next(None, kind, chat_id=ALICE.id, times=2)
    await app.bot.send_message(BOB.id, "other chats are fine")
    for _ in range(2):
        with pytest.raises(error, match=match):
            await app.bot.send_message(ALICE.id, "hi")
    await app.bot.send_message(ALICE.id, "recovered")
    assert [r.status for r in fake.requests[-4:]] == [
        200,
        *[403 if kind == "blocked" else 502] * 2,
        200,
    ]


async def test_timeout_fault(fake: FakeTelegram, make_app: AppFactory) -> None:
    app = await make_app(read_timeout=0.3)
    fake.fail_next("sendMessage", "timeout", delay=1.0)
    with pytest.raises(TimedOut):
        await app.bot.send_message(ALICE.id, "hi")
    assert fake.sent_messages() == []


def test_faults_for_any_method_spare_get_updates(fake: FakeTelegram) -> None:
    fake.fail_next(None, "server_error")
    assert _api(fake, "getUpdates", timeout="0")[0] == 200
    assert _api(fake, "getMe")[0] == 502
    assert _api(fake, "getMe")[0] == 200
    fake.fail_next("sendMessage", "blocked")
    fake.clear_faults()
    assert _api(fake, "sendMessage", chat_id="1", text="x")[0] == 200


# -- (d) the HTTP control API and the protocol details ---------------------------------------


def test_control_api_from_plain_http(fake: FakeTelegram) -> None:
    control = f"{fake.url}/_control"
    user = {"id": 77, "first_name": "Cleo"}
    status, answer = _http(f"{control}/text", method="POST", body={"user": user, "text": "/go x"})
    assert status == 200
    message = answer["result"]["message"]
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 3}]

    status, answer = _api(fake, "getUpdates", offset="0", timeout="0")
    assert [u["update_id"] for u in answer["result"]] == [1]
    assert _api(fake, "sendMessage", chat_id="77", text="hello")[0] == 200
    _, answer = _http(f"{control}/sent?chat_id=77&count=1&timeout=5")
    assert answer["result"][0]["text"] == "hello"
    assert answer["result"][0]["message_id"] == 2

    status, answer = _http(
        f"{control}/button", method="POST", body={"user": user, "callback_data": "b1"}
    )
    assert answer["result"]["callback_query"]["message"]["text"] == "hello"
    _, answer = _http(f"{control}/update", method="POST", body={"poll": {"id": "p"}})
    assert answer["result"]["update_id"] == 3

    assert _http(f"{control}/faults", method="POST", body={"kind": "blocked"})[0] == 200
    assert _api(fake, "sendMessage", chat_id="77", text="x")[0] == 403
    assert _http(f"{control}/faults", method="POST", body={"kind": "bogus"})[0] == 400
    _http(f"{control}/faults", method="POST", body={"kind": "blocked"})
    assert _http(f"{control}/faults", method="DELETE")[0] == 200
    assert _api(fake, "sendMessage", chat_id="77", text="x")[0] == 200

    _, answer = _http(f"{control}/requests")
    assert [r["method"] for r in answer["result"]][:2] == ["getUpdates", "sendMessage"]
    _api(fake, "noSuchMethod")
    assert _http(f"{control}/violations")[1]["result"] == ["noSuchMethod: unknown method"]
    assert _http(f"{control}/nothing")[0] == 404


def test_get_updates_offset_limit_and_allowed_updates(fake: FakeTelegram) -> None:
    for text in ("one", "two", "three"):
        fake.send_text(ALICE, text)
    fake.inject_update({"message_reaction": {"chat": {"id": 1}}})
    _, answer = _api(fake, "getUpdates", limit="2", timeout="0")
    assert [u["message"]["text"] for u in answer["result"]] == ["one", "two"]
    _, answer = _api(fake, "getUpdates", offset="2", timeout="0")
    assert [u["update_id"] for u in answer["result"]] == [2, 3]
    # Like Telegram, the fake drops updates the poller did not allow instead of keeping them.
    fake.inject_update({"message_reaction": {"chat": {"id": 2}}})
    allowed = '["message_reaction"]'
    _, answer = _api(fake, "getUpdates", offset="4", timeout="0", allowed_updates=allowed)
    assert [u["message_reaction"]["chat"]["id"] for u in answer["result"]] == [2]


def test_long_poll_returns_when_an_update_arrives_and_stop_is_prompt(spec: BotApiSpec) -> None:
    fake = FakeTelegram(spec=spec).start()
    answers: list[tuple[int, Any]] = []

    def poll(offset: str) -> threading.Thread:
        def run() -> None:
            answers.append(_api(fake, "getUpdates", offset=offset, timeout="30"))

        poller = threading.Thread(target=run, daemon=True)
        poller.start()
        fake.wait_until_polling()
        return poller

    first = poll("0")
    fake.send_text(ALICE, "wake up")
    first.join(timeout=5)
    second = poll("2")
    started = time.monotonic()
    fake.stop()
    second.join(timeout=5)
    assert time.monotonic() - started < 2
    assert answers[0][1]["result"][0]["message"]["text"] == "wake up"
    assert answers[1] == (200, {"ok": True, "result": []})


def test_protocol_details(fake: FakeTelegram) -> None:
    encoded_token = urllib.parse.quote(FakeTelegram.token_for_tests(), safe="")
    status, answer = _http(f"{fake.url}/bot{encoded_token}/getme", method="POST")
    assert status == 200
    assert answer["result"]["username"] == "waypoint_demo_bot"
    assert answer["result"]["is_bot"] is True
    assert fake.requests[-1].method == "getMe"
    assert _http(f"{fake.url}/botnotatoken/getMe", method="POST")[0] == 404
    status, answer = _http(
        f"{fake.url}/bot{FakeTelegram.token_for_tests()}/sendMessage",
        method="POST",
        body={"chat_id": 3, "text": "json body"},
    )
    assert (status, answer["result"]["text"]) == (200, "json body")
    token = FakeTelegram.token_for_tests()
    bot_id, secret = token.split(":")
    assert bot_id.isdigit()
    assert len(secret) == 35


def test_waits_time_out_with_a_useful_message(fake: FakeTelegram) -> None:
    seen: list[SentMessage] = []
    fake.on_bot_message = seen.append
    _api(fake, "sendMessage", chat_id=str(ALICE.id), text="only one")
    with pytest.raises(
        TimeoutError, match=r"2 message\(s\) to chat 4242; 1 arrived: \['only one'\]"
    ):
        fake.wait_for_messages(ALICE.id, 2, timeout=0.1)
    assert [m.text for m in seen] == ["only one"]
    with pytest.raises(LookupError):
        fake.press_button(BOB, "x")
