"""Sentry never receives a young person's words, names or the bot token.

A careless handler logs the message text and raises an exception that quotes it. With
Waypoint's Sentry set-up, nothing of it reaches any event or breadcrumb. With Sentry's
defaults the same canaries do leak, which proves the test can see a leak.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
import sentry_sdk
from sentry_sdk.envelope import Envelope
from sentry_sdk.integrations.logging import LoggingIntegration
from sentry_sdk.transport import Transport
from telegram import Update
from telegram.ext import ContextTypes, TypeHandler

from bot.devtools.fake_telegram import FakeTelegram, FakeUser
from bot.observability import init_sentry
from tests.e2e.conftest import Running

# Run on the demo's database (SQLite): what it stores is tested on both databases in
# tests/integration, and CI stays under 20 minutes.
pytestmark = pytest.mark.database("sqlite")

CANARY_TEXT = "CanaryWordsXyzzy I feel unsafe at home"
CANARY_USER = FakeUser(
    id=4242, first_name="Canaryfirst", last_name="Canarylast", username="canary_handle"
)
CANARIES = ["CanaryWordsXyzzy", "Canaryfirst", "Canarylast", "canary_handle"]
TOKEN_SHAPE = re.compile(r"\d{3,}:[A-Za-z0-9_-]{30,}")
DSN = "https://public@sentry.invalid/1"


class CapturingTransport(Transport):
    """Keeps every envelope instead of sending it."""

    def __init__(self) -> None:
        super().__init__()
        self.envelopes: list[bytes] = []

    def capture_envelope(self, envelope: Envelope) -> None:
        self.envelopes.append(envelope.serialize())


@pytest.fixture
def transport() -> Iterator[CapturingTransport]:
    captured = CapturingTransport()
    yield captured
    sentry_sdk.get_client().close()
    sentry_sdk.init()


async def _careless(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
    """The kind of bug review should catch: logging and raising with a young person's words."""
    if update.message and update.message.text and "Canary" in update.message.text:
        logging.getLogger("tests.careless").info("got text %s", update.message.text)
        raise ValueError(f"cannot understand {update.message.text!r}")


async def _provoke(running: Running, transport: CapturingTransport) -> bytes:
    # Before everything, Waypoint's own pre-handler (group -1) included.
    running.app.add_handler(TypeHandler(Update, _careless), group=-2)
    running.fake.send_text(CANARY_USER, CANARY_TEXT)
    [reply] = await running.fake.await_messages(CANARY_USER.id, 1, timeout=10)
    assert reply.text == running.catalogue.text("error_general")
    sentry_sdk.flush()
    return b"\n".join(transport.envelopes)


async def test_waypoints_sentry_keeps_words_names_and_token_out(
    running: Running, transport: CapturingTransport
) -> None:
    assert init_sentry(DSN, transport=transport)
    everything = await _provoke(running, transport)
    assert b'"type":"event"' in everything, "the error should have reached Sentry as an event"
    assert b"ValueError" in everything
    for canary in CANARIES:
        assert canary.encode() not in everything, f"{canary} leaked to Sentry"
    assert not TOKEN_SHAPE.search(everything.decode(errors="replace")), "the token leaked"


async def test_sentrys_defaults_would_leak_which_proves_the_test_sees_leaks(
    running: Running, transport: CapturingTransport
) -> None:
    options: dict[str, Any] = {"transport": transport}
    sentry_sdk.init(dsn=DSN, integrations=[LoggingIntegration(level=logging.INFO)], **options)
    everything = await _provoke(running, transport)
    assert b"CanaryWordsXyzzy" in everything
    assert FakeTelegram.token_for_tests().encode() in everything
