"""Joining Waypoint through Telegram: a worker invites, a young person joins, strangers are
turned away kindly, and bad codes are refused without saying why."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.adapters.db.models import AuditEvent, CodeAttempt, YoungPerson
from bot.domain import guessing
from bot.domain.invites import INVITE_LIFETIME
from tests.e2e.conftest import JO, SAM, STRANGER, Running, as_preview

# A flow through Telegram, run on the demo's database (SQLite): its storage is tested on
# both databases in tests/integration, and CI stays under 20 minutes.
pytestmark = pytest.mark.database("sqlite")

LINK = re.compile(r"https://t\.me/waypoint_demo_bot\?start=([A-Za-z0-9_-]+)")


async def _invite(running: Running, name: str = "Sam") -> str:
    [reply] = await running.say(JO, f"/invite {name}")
    match = LINK.search(reply)
    assert match, reply
    return match.group(1)


async def _join(running: Running, user, code: str) -> list[str]:
    """Open the link as `user`; wait for the welcome and for the worker to be told."""
    told_before = len(running.fake.sent_messages(JO.id))
    welcome = await running.hear(
        user, f"/start {code}", running.words("welcome", name="Sam", worker="Jo")
    )
    await running.fake.await_messages(JO.id, told_before + 1)
    return welcome


async def _count(running: Running, model: type) -> int:
    async with running.uow() as work:
        return await work.session.scalar(select(func.count()).select_from(model)) or 0


class TestInviteAndJoin:
    async def test_the_worker_gets_a_link_that_names_the_young_person_and_the_deadline(
        self, running: Running
    ) -> None:
        [reply] = await running.say(JO, "/invite Sam")
        assert LINK.search(reply)
        assert "Sam" in reply
        # 10:00 UTC on Tuesday 3 March plus 7 days, shown in London time.
        assert "Tuesday 10 March at 10:00 am" in reply

    async def test_the_young_person_is_welcomed_by_name_and_the_worker_is_told(
        self, running: Running
    ) -> None:
        code = await _invite(running)
        welcome = await running.hear(
            SAM, f"/start {code}", running.words("welcome", name="Sam", worker="Jo")
        )
        assert welcome == running.words("welcome", name="Sam", worker="Jo")
        [told] = (await running.fake.await_messages(JO.id, 2))[1:]
        assert told.text == running.catalogue.text("young_person_joined", name="Sam")

    async def test_preview_shows_exactly_what_the_young_person_gets(self, running) -> None:
        code = await _invite(running)
        await running.hear(
            SAM, f"/start {code}", running.words("welcome", name="Sam", worker="Jo")
        )
        preview = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "bot.entrypoints.cli", "content", "preview", "welcome",
             "--profile", "easy", "--lang", "en", "--value", "name=Sam", "--value", "worker=Jo"],
            capture_output=True, text=True, timeout=60, check=True,
        )  # fmt: skip
        assert preview.stdout == as_preview(running.fake.sent_messages(SAM.id)) + "\n"

    async def test_a_linked_young_person_writing_gets_their_home_message(self, running) -> None:
        await _join(running, SAM, await _invite(running))
        reply = await running.hear(SAM, "hello", running.words("home", name="Sam", worker="Jo"))
        assert reply == running.words("home", name="Sam", worker="Jo")

    async def test_invite_without_a_name_explains_how(self, running) -> None:
        [reply] = await running.say(JO, "/invite")
        assert reply == running.catalogue.text("invite_usage")


class TestStrangers:
    async def test_a_stranger_is_told_who_the_bot_is_for_and_nothing_is_kept(
        self, running: Running
    ) -> None:
        [reply] = await running.say(STRANGER, "hi is anyone there")
        assert reply == running.catalogue.text("stranger")
        [reply] = await running.say(STRANGER, "/start")
        assert reply == running.catalogue.text("stranger")
        [reply] = await running.say(STRANGER, "/invite Sam")
        assert reply == running.catalogue.text("stranger")
        assert await _count(running, YoungPerson) == 0
        assert await _count(running, CodeAttempt) == 0
        assert await _count(running, AuditEvent) == 1  # only Jo being added


class TestBadCodes:
    async def test_wrong_used_and_expired_codes_get_the_same_words(self, running) -> None:
        refused = running.catalogue.text("code_refused")
        used = await _invite(running)
        await _join(running, SAM, used)
        expired = await _invite(running, "Alex")
        running.clock.advance(INVITE_LIFETIME)
        for code in ("wrong-code-0000000000", used, expired):
            [reply] = await running.say(STRANGER, f"/start {code}")
            assert reply == refused
        assert await _count(running, YoungPerson) == 1

    async def test_guessing_is_slowed_down(self, running: Running) -> None:
        code = await _invite(running, "Alex")
        for n in range(guessing.FREE_FAILURES):
            await running.say(STRANGER, f"/start guess-{n:016d}")
        [reply] = await running.say(STRANGER, f"/start {code}")
        assert reply == running.catalogue.text("code_refused")
        running.clock.advance(timedelta(minutes=1))
        expected = running.words("welcome", name="Alex", worker="Jo")
        assert await running.hear(STRANGER, f"/start {code}", expected) == expected
