"""A concern is never lost: not when Telegram is down, not in a storm of 429s, not when the
alerting step fails after the concern was stored. Both databases; the clock is the test's."""

from __future__ import annotations

import asyncio
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bot.adapters.db.engine import create_engine, session_factory
from bot.adapters.db.uow import PostOffice, UnitOfWorkFactory
from bot.adapters.outbox.sender import Sender, SenderSettings
from bot.adapters.outbox.transport import TelegramTransport
from bot.content.catalogue import Catalogue
from bot.devtools.fake_telegram import FakeTelegram
from bot.domain.ladder import Urgency
from bot.domain.safety.worry import Worry
from bot.services.concerns import do_raise_concern
from bot.services.ladder_steps import do_take_due_steps
from tests.integration.concern_world import JO, MAX, SAM, Hub, hub

__all__ = ["hub"]
PROJECT_CONTENT = Path(__file__).resolve().parents[2] / "content"
WORDS = "he said he will hurt me if i tell"


async def _deliver(hub: Hub, fake: FakeTelegram, rounds: int = 30) -> None:
    """Run a sender on the test's clock until it has nothing left to do."""
    transport = TelegramTransport(FakeTelegram.token_for_tests(), fake.url, timeout=0.3)
    await transport.start()

    async def sleep(seconds: float) -> None:
        hub.clock.advance(timedelta(seconds=seconds))

    sender = Sender(
        hub.uow, transport, settings=SenderSettings(), clock=hub.clock, sleep=sleep,
        owner="faults", jitter=lambda: 0.0,
    )  # fmt: skip
    try:
        for _ in range(rounds):
            while await sender.try_send_batch():
                pass
            hub.clock.advance(timedelta(seconds=5))
    finally:
        await transport.stop()


def _alerts(fake: FakeTelegram) -> list[str]:
    return [m.text or "" for m in fake.sent_messages(JO) if WORDS in (m.text or "")]


async def _raise(hub: Hub) -> int:
    return await hub.raise_concern(Worry("words", Urgency.HIGH, WORDS, "abuse"))


async def test_telegram_down_for_a_while_delays_the_alert_but_never_drops_it(
    hub: Hub, fake_telegram: FakeTelegram
) -> None:
    await _raise(hub)
    fake_telegram.fail_next("sendMessage", "server_error", times=6)
    await _deliver(hub, fake_telegram)
    assert len(_alerts(fake_telegram)) == 1
    told = [m.text for m in fake_telegram.sent_messages(SAM)]
    assert all(text in told for text in hub.words("concern_raised", worker="Jo"))


async def test_a_storm_of_429s_delivers_the_alert_exactly_once(
    hub: Hub, fake_telegram: FakeTelegram
) -> None:
    await _raise(hub)
    fake_telegram.fail_next("sendMessage", "retry_after", times=8, retry_after=3)
    await _deliver(hub, fake_telegram)
    assert len(_alerts(fake_telegram)) == 1


async def test_a_worker_who_blocked_the_bot_means_duty_gets_the_words(
    hub: Hub, fake_telegram: FakeTelegram
) -> None:
    await _raise(hub)
    fake_telegram.fail_next("sendMessage", "blocked", chat_id=JO)
    await _deliver(hub, fake_telegram)
    dee = [m.text or "" for m in fake_telegram.sent_messages(1101)]
    assert any(WORDS in text for text in dee)


@pytest.fixture
def broken_content(tmp_path: Path) -> Path:
    """The project's content with the alert wording missing: a bad deploy of content/."""
    content = tmp_path / "content"
    shutil.copytree(PROJECT_CONTENT, content)
    staff = content / "messages" / "concerns_staff.toml"
    text = staff.read_text(encoding="utf-8")
    start = text.index("[concern_alert]")
    end = text.index("[concern_alert_top]")
    staff.write_text(text[:start] + text[end:], encoding="utf-8")
    return content


async def test_a_concern_is_stored_even_when_alerting_fails_and_the_next_round_alerts(
    hub: Hub, migrated_url: str, broken_content: Path
) -> None:
    engine = create_engine(migrated_url)
    try:
        broken = UnitOfWorkFactory(
            session_factory(engine), PostOffice(Catalogue.load(broken_content, allow_drafts=True))
        )
        worry = Worry("words", Urgency.HIGH, WORDS, "abuse")
        concern_id = await do_raise_concern(broken(), SAM, worry, now=hub.clock())
        assert concern_id is not None
        stored = await hub.concern(concern_id)
        assert (stored.words, stored.rung, stored.next_step_at) == (WORDS, -1, hub.clock())
        assert await hub.alerted() == []
        # Fixed content (or another instance) takes the step on its next round.
        assert await do_take_due_steps(hub.uow(), now=hub.clock()) == 1
        assert await hub.alerted() == ["named_worker: Jo"]
    finally:
        await engine.dispose()


@pytest.mark.parametrize(
    "change", ["UPDATE concern_events SET detail = 'x'", "DELETE FROM concern_events"]
)
async def test_the_chronology_cannot_be_changed_or_deleted(hub: Hub, change: str) -> None:
    concern_id = await _raise(hub)
    with pytest.raises(DBAPIError, match="append-only"):
        async with hub.uow() as uow:
            await uow.session.execute(text(change))
    assert await hub.events(concern_id) == ["raised", "notified"]


async def test_two_instances_taking_steps_at_once_take_each_step_once(hub: Hub) -> None:
    await _raise(hub)
    hub.clock.advance(timedelta(minutes=10))
    moved = await asyncio.gather(
        *(do_take_due_steps(hub.uow(), now=hub.clock()) for _ in range(4))
    )
    assert sum(moved) == 1
    assert await hub.alerted() == ["named_worker: Jo", "duty: Dee"]


async def test_two_people_tapping_i_have_got_this_at_once_one_has_it(hub: Hub) -> None:
    concern_id = await _raise(hub)
    await asyncio.gather(hub.acknowledge(JO, concern_id), hub.acknowledge(MAX, concern_id))
    seen = [key for key in await hub.keys(SAM) if key == "concern_seen"]
    assert seen == ["concern_seen"]
    holder = (await hub.concern(concern_id)).acknowledged_by
    loser = JO if holder == hub.ids[MAX] else MAX
    assert (await hub.keys(loser))[-1] == "concern_already_taken"
