"""`waypoint demo`: the real bot, offline, against the fake Telegram server, in your terminal.

You type as a young person (Sam). You see what Sam gets from Waypoint, and what their worker
(Jo) gets. Start a line with "jo:" to type as Jo instead. The database is a fresh SQLite file
in a temporary folder, so every demo starts from the same place.
"""

from __future__ import annotations

import asyncio
import re
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import TextIO

from pydantic import SecretStr

from bot.adapters.db.migrate import upgrade_async
from bot.config import ConfigurationError, Settings
from bot.devtools.fake_telegram import FakeTelegram, FakeUser, SentMessage
from bot.domain.numbers import whole_number
from bot.domain.people import Role
from bot.entrypoints.bootstrap import Running, bootstrap
from bot.entrypoints.console import console_settings, listening
from bot.entrypoints.serve import Console, serving
from bot.services.staff import NewStaff, do_add_staff

WORKER = FakeUser(id=1001, first_name="Jo")
YOUNG_PERSON = FakeUser(id=2001, first_name="Sam")
_NAMES = {WORKER.id: "Jo (worker)", YOUNG_PERSON.id: "Sam"}
_LINK = re.compile(r"\?start=([A-Za-z0-9_-]+)")
_FIRST_REPLY = 10.0  # seconds to wait for the bot to answer at all
_QUIET = 2.0  # well over the 1.1 s the sender leaves between two messages to one chat


class _Screen:
    """Prints what the bot sends as it arrives, and lets the script wait for the bot to finish."""

    def __init__(self, out: TextIO, loop: asyncio.AbstractEventLoop) -> None:
        self._out = out
        self._loop = loop
        self._arrived = asyncio.Event()

    def show(self, message: SentMessage) -> None:
        """Called from the fake server's thread for every message the bot sends."""
        who = _NAMES.get(message.chat_id, str(message.chat_id))
        body = textwrap.indent(message.text or "", "    │ ")
        self._out.write(f"\n  Waypoint → {who}:\n{body}\n")
        for number, label in enumerate(_button_labels(message), 1):
            self._out.write(f"    [{number}] {label}\n")
        self._out.flush()
        self._loop.call_soon_threadsafe(self._arrived.set)

    async def settle(self) -> None:
        """Wait for the first reply, then until the bot has been quiet for a moment."""
        timeout = _FIRST_REPLY
        while True:
            try:
                await asyncio.wait_for(self._arrived.wait(), timeout)
            except TimeoutError:
                return
            self._arrived.clear()
            timeout = _QUIET


def _button_labels(message: SentMessage) -> list[str]:
    rows = (message.reply_markup or {}).get("inline_keyboard", [])
    return [str(button["text"]) for row in rows for button in row]


def _tap(fake: FakeTelegram, user: FakeUser, text: str) -> bool:
    """Typing a button's number taps it, as a thumb would on a phone."""
    mine = [m for m in fake.sent_messages(user.id) if not m.edited]
    markup = mine[-1].reply_markup if mine else None
    rows = (markup or {}).get("inline_keyboard", [])
    number = whole_number(text, low=1, high=len(rows))
    if number is None:
        return False
    fake.press_button(user, str(rows[number - 1][0]["callback_data"]))
    return True


async def _seed(running: Running) -> None:
    await do_add_staff(
        running.waypoint.uow(),
        NewStaff(
            WORKER.id, "Jo", Role.KEY_WORKER, hub="Demo Hub", council="Demo Council", create=True
        ),
        now=running.waypoint.clock(),
    )


async def _say(
    fake: FakeTelegram, screen: _Screen, user: FakeUser, text: str, out: TextIO
) -> list[SentMessage]:
    """Send `text` as `user` and wait until the bot has gone quiet; returns what it sent."""
    out.write(f"\n{_NAMES[user.id]} types: {text}\n")
    before = len(fake.sent_messages())
    if not _tap(fake, user, text):
        fake.send_text(user, text)
    await screen.settle()
    return fake.sent_messages()[before:]


async def _opening_scene(fake: FakeTelegram, screen: _Screen, out: TextIO) -> None:
    sent = await _say(fake, screen, WORKER, "/invite Sam", out)
    match = next((m for s in sent if (m := _LINK.search(s.text or ""))), None)
    if match is None:
        raise RuntimeError("the bot did not answer /invite with a link")
    out.write("\nSam opens the link, which sends Waypoint the code:")
    await _say(fake, screen, YOUNG_PERSON, f"/start {match.group(1)}", out)


async def _chat(fake: FakeTelegram, screen: _Screen, source: TextIO, out: TextIO) -> None:
    interactive = source.isatty()
    out.write(
        "\nNow type as Sam and press Enter. Start a line with 'jo:' to type as Jo."
        " Type /quit (or press Ctrl-D) to stop.\n"
        "Things to try: /language (type a button's number to tap it), /symbols,"
        " 'jo: /profile Sam', 'jo: /profile Sam sentences 1', /talk,"
        " /worried or words that sound worried (then 'jo: 1' taps \"I've got this\"),"
        " 'jo: /console' (a link to the staff console).\n"
    )
    while True:
        if interactive:
            out.write("> ")
            out.flush()
        line = await asyncio.to_thread(source.readline)
        if not line or line.strip() == "/quit":
            return
        text = line.strip()
        if not text:
            continue
        user = YOUNG_PERSON
        if text.lower().startswith("jo:"):
            user, text = WORKER, text[3:].strip()
        await _say(fake, screen, user, text, out)


def _console(settings: Settings, out: TextIO) -> Console | None:
    """The staff console on its usual address, said where; when its files are missing or the
    address is taken (another demo), the demo runs without it and says why in one line."""
    host, port = settings.console_address
    try:
        console = Console(console_settings(settings), host, port)
        listening(host, port, variable="WAYPOINT_CONSOLE_LISTEN").close()
    except ConfigurationError as error:
        out.write(f"The staff console is off: {error}.\n")
        return None
    out.write(
        f"The staff console is at {settings.console_url}/ : type 'jo: /console' for Jo's"
        " sign-in link, and open it in a browser.\n"
    )
    return console


async def demo(
    settings: Settings, *, source: TextIO = sys.stdin, out: TextIO = sys.stdout
) -> None:
    """Run the scripted opening, then let the person at the terminal chat as Sam."""
    with tempfile.TemporaryDirectory(prefix="waypoint-demo-") as folder, FakeTelegram() as fake:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'demo.db'}"
        await upgrade_async(url)
        token = FakeTelegram.token_for_tests()
        demo_settings = settings.model_copy(
            update={
                "database_url": url,
                "telegram_token": SecretStr(token),
                # The demo never talks to a real young person.
                "allow_draft_content": True,
            }
        )
        running = bootstrap(demo_settings, api_url=fake.url)
        await _seed(running)
        out.write(
            "Waypoint demo: offline, with a pretend Telegram and a fresh database.\n"
            "Jo is a key worker at Demo Hub. Sam is a young person Jo works with.\n"
            # So an operator's command (waypoint sessions book ...) can act on this demo.
            f"In another terminal, WAYPOINT_DATABASE_URL={url.replace('+aiosqlite', '')}"
            " WAYPOINT_ALLOW_DRAFT_CONTENT=true waypoint ... works on this demo's database.\n"
        )
        console = _console(demo_settings, out)
        screen = _Screen(out, asyncio.get_running_loop())
        fake.on_bot_message = screen.show
        async with serving(
            running, token=token, api_url=fake.url, poll_timeout=1, console=console
        ):
            await _opening_scene(fake, screen, out)
            await _chat(fake, screen, source, out)
        out.write("\nDemo finished.\n")
