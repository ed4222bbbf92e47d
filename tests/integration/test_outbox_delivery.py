"""Delivering the outbox through every way Telegram can fail, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.adapters.db.models import AuditEvent, OutboxMessage
from bot.adapters.outbox.claims import Claim
from bot.adapters.outbox.sender import Sender
from bot.adapters.outbox.transport import TelegramTransport
from bot.clock import system_clock
from bot.content.helplines import helpline_values
from bot.devtools.fake_telegram import FakeTelegram
from bot.domain.outbox import DeliveryState, Lane
from tests.integration.outbox_world import DEE, JO, MAX, SAM, World, world

__all__ = ["world"]


def _texts(world: World, chat_id: int) -> list[str]:
    return [message.text or "" for message in world.fake.sent_messages(chat_id)]


async def _actions(world: World) -> list[str]:
    async with world.uow() as uow:
        return list(await uow.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


class TestOrderAndPace:
    async def test_safety_goes_before_reminders_queued_earlier(self, world: World) -> None:
        sender = world.sender()
        for n in range(3):
            await world.queue_to_sam(f"reminder {n}", Lane.REMINDER)
        await world.queue_to_jo("help now")
        claim = await sender.claim()
        assert claim.messages[0].chat_id == JO

    async def test_one_chat_gets_at_most_one_message_a_second(self, world: World) -> None:
        sender = world.sender()
        first = await world.queue_to_sam("one")
        second = await world.queue_to_sam("two")
        start = world.clock()
        await world.drain(sender)
        assert (await world.row(first)).state == DeliveryState.SENT
        assert (await world.row(second)).state == DeliveryState.PENDING
        world.clock.advance(sender.settings.pace.private_chat_gap)
        await world.drain(sender)
        sent = await world.row(second)
        assert sent.state == DeliveryState.SENT
        assert sent.sent_at is not None
        assert sent.sent_at - start >= timedelta(seconds=1)

    async def test_a_queue_for_one_busy_chat_does_not_hold_up_other_chats(self, world) -> None:
        sender = world.sender()
        for n in range(20):
            await world.queue_to_jo(f"to Jo {n}")
        other = await world.queue_to_sam("to Sam", Lane.SAFETY)
        first = await sender.claim()
        world.clock.advance(sender.settings.horizon)
        second = await sender.claim()
        claimed = [m.chat_id for m in first.messages + second.messages]
        assert claimed.count(JO) == 1
        assert SAM in claimed
        assert other in [m.id for m in first.messages + second.messages]

    async def test_slots_keep_the_overall_pace(self, world: World) -> None:
        sender = world.sender(batch=50, horizon=timedelta(seconds=10))
        async with world.uow() as uow:
            jo = await uow.staff.by_telegram_id(JO)
            assert jo is not None
            for n in range(20):
                [row] = uow.postbox.to_staff(
                    jo, "talk_reply_sent", {"name": str(n)}, now=world.clock()
                )
                row.chat_id = 5000 + n  # twenty different chats
            await uow.commit()
        claim = await sender.claim()
        gaps = {
            b.send_at - a.send_at for a, b in zip(claim.messages, claim.messages[1:], strict=False)
        }
        assert len(claim.messages) == 20
        assert gaps == {sender.settings.pace.slot}


class TestTelegramSaysSlowDown:
    async def test_a_429_waits_retry_after_costs_no_attempt_and_sends_once(
        self, world: World
    ) -> None:
        sender = world.sender()
        outbox_id = await world.queue_to_sam("hello")
        world.fake.fail_next("sendMessage", "retry_after", retry_after=5)
        await world.drain(sender)
        row = await world.row(outbox_id)
        assert (row.state, row.attempts, row.last_error) == ("pending", 0, "retry_after")
        world.clock.advance(timedelta(seconds=4))
        await world.drain(sender)
        assert (await world.row(outbox_id)).state == DeliveryState.PENDING
        world.clock.advance(timedelta(seconds=1))
        await world.drain(sender)
        assert (await world.row(outbox_id)).state == DeliveryState.SENT
        assert sum("hello" in text for text in _texts(world, SAM)) == 1

    async def test_a_429_holds_back_every_chat_not_just_one(self, world: World) -> None:
        sender = world.sender()
        await world.queue_to_sam("first")
        world.fake.fail_next("sendMessage", "retry_after", retry_after=3)
        await world.drain(sender)
        other = await world.queue_to_jo("urgent")
        await world.drain(sender)
        assert (await world.row(other)).state == DeliveryState.PENDING
        world.clock.advance(timedelta(seconds=3))
        await world.drain(sender)
        assert (await world.row(other)).state == DeliveryState.SENT


class TestFaultsThatMayPass:
    @pytest.mark.parametrize("kind", ["server_error", "timeout"])
    async def test_retried_with_backoff_then_sent(self, world: World, kind: str) -> None:
        sender = world.sender()
        outbox_id = await world.queue_to_sam("hello")
        delay = 1.0 if kind == "timeout" else 0.0  # longer than the transport's 0.3 s timeout
        world.fake.fail_next("sendMessage", kind, times=2, delay=delay)  # type: ignore[arg-type]
        await world.drain(sender)
        row = await world.row(outbox_id)
        assert (row.state, row.attempts) == ("pending", 1)
        assert row.not_before - world.clock() == timedelta(seconds=1)  # 2 s halved by zero jitter
        world.clock.advance(timedelta(seconds=1.1))  # the chat gap is longer than the backoff
        await world.drain(sender)
        world.clock.advance(timedelta(seconds=2.2))
        await world.drain(sender)
        row = await world.row(outbox_id)
        assert (row.state, row.attempts) == ("sent", 3)

    async def test_after_the_last_attempt_the_message_fails_and_can_be_listed(self, world) -> None:
        sender = world.sender(max_attempts=2)
        outbox_id = await world.queue_to_sam("hello", Lane.REMINDER)
        world.fake.fail_next("sendMessage", "server_error", times=5)
        for _ in range(3):
            await world.drain(sender)
            world.clock.advance(timedelta(minutes=1))
        row = await world.row(outbox_id)
        assert (row.state, row.attempts) == ("failed", 2)
        assert "outbox.failed" in await _actions(world)


class TestFailedSafetyMessages:
    async def test_go_to_the_hubs_duty_worker_with_the_words(self, world: World) -> None:
        sender = world.sender(max_attempts=1)
        outbox_id = await world.queue_to_jo("Sam says they are not safe tonight")
        world.fake.fail_next("sendMessage", "server_error", chat_id=JO)
        await world.drain(sender)
        assert (await world.row(outbox_id)).state == DeliveryState.FAILED
        world.clock.advance(timedelta(seconds=1))
        await world.drain(sender)
        [alert] = _texts(world, DEE)
        assert "Sam says they are not safe tonight" in alert
        assert "Jo" in alert
        assert _texts(world, MAX) == []
        assert "outbox.safety_rerouted.duty" in await _actions(world)

    async def test_go_to_a_manager_when_there_is_no_duty_worker(self, world: World) -> None:
        async with world.uow() as uow:
            dee = await uow.staff.by_telegram_id(DEE)
            assert dee is not None
            dee.active = False
            await uow.commit()
        sender = world.sender(max_attempts=1)
        await world.queue_to_jo("words")
        world.fake.fail_next("sendMessage", "blocked", chat_id=JO)
        await world.drain(sender)
        world.clock.advance(timedelta(seconds=1))
        await world.drain(sender)
        assert len(_texts(world, MAX)) == 1

    async def test_an_alert_that_fails_too_is_logged_not_rerouted_for_ever(
        self, world, caplog
    ) -> None:
        sender = world.sender(max_attempts=1)
        await world.queue_to_jo("words")
        world.fake.fail_next("sendMessage", "server_error", times=10)
        for _ in range(4):
            await world.drain(sender)
            world.clock.advance(timedelta(seconds=5))
        async with world.uow() as uow:
            states = Counter(await uow.session.scalars(select(OutboxMessage.state)))
        assert states["failed"] == 2  # Jo's message and Dee's alert; nothing more
        assert "could not be delivered by any route" in caplog.text
        assert "words" not in caplog.text


class TestBlocked:
    async def test_the_young_person_is_marked_unreachable_and_their_worker_told_once(
        self, world: World
    ) -> None:
        sender = world.sender()
        before = len(_texts(world, JO))
        for n in range(2):
            outbox_id = await world.queue_to_sam(f"hello {n}")
            world.fake.fail_next("sendMessage", "blocked", chat_id=SAM)
            await world.drain(sender)
            assert (await world.row(outbox_id)).last_error == "blocked"
            world.clock.advance(timedelta(seconds=2))
            await world.drain(sender)
        assert (await world.sam()).unreachable_since is not None
        told = _texts(world, JO)[before:]
        assert len(told) == 1
        assert "Sam" in told[0]


class TestRefused:
    async def test_a_message_telegram_will_never_take_fails_at_once(self, world: World) -> None:
        outbox_id = await world.queue_to_sam("x")
        async with world.uow() as uow:
            row = await uow.session.get(OutboxMessage, outbox_id)
            assert row is not None
            row.text = ""  # Telegram answers 400: message text is empty
            await uow.commit()
        await world.drain(world.sender())
        row = await world.row(outbox_id)
        assert (row.state, row.attempts) == ("failed", 1)
        assert row.last_error is not None
        assert row.last_error.startswith("BadRequest")
        # Sent on purpose: the fake refused it as Telegram does, and noted it as invalid.
        assert world.fake.violations == [
            "sendMessage: field 'text' must be 1-4096 characters, got 0"
        ]
        world.fake.violations.clear()


class TestSenderDiesMidSend:
    async def test_a_lease_that_runs_out_comes_back_and_duplicates_only_what_was_in_flight(
        self, world: World
    ) -> None:
        ids = [await world.queue_to_sam("in flight")]
        ids.append(await world.queue_to_jo("not yet sent"))
        dying = world.sender("dying")
        claim = await dying.claim()
        assert len(claim.messages) == 2
        # It sent the first and died before recording it; the second never left.
        first = claim.messages[0]
        await world.transport.send(first.chat_id, first.text, first.reply_markup)
        survivor = world.sender("survivor")
        await world.drain(survivor)
        assert [(await world.row(i)).state for i in ids] == ["sending", "sending"]
        world.clock.advance(survivor.settings.lease + timedelta(seconds=1))
        await world.drain(survivor)
        assert [(await world.row(i)).state for i in ids] == ["sent", "sent"]
        delivered = Counter(world.fake.delivered_texts())
        duplicates = sum(count - 1 for count in delivered.values())
        print(f"in flight at the kill: 1, duplicates after restart: {duplicates}")
        assert duplicates == 1

    async def test_a_row_that_keeps_killing_senders_fails_after_the_last_attempt(
        self, world
    ) -> None:
        outbox_id = await world.queue_to_sam("poison")
        for n in range(3):
            claim = await world.sender(f"victim-{n}").claim()
            assert len(claim.messages) == 1
            world.clock.advance(timedelta(minutes=1))
        await world.drain(world.sender("last", max_attempts=3))
        row = await world.row(outbox_id)
        assert (row.state, row.last_error) == ("failed", "too many attempts")

    async def test_a_sender_that_lost_its_lease_cannot_overwrite_the_new_owner(
        self, world
    ) -> None:
        outbox_id = await world.queue_to_sam("hello")
        slow = world.sender("slow")
        [message] = (await slow.claim()).messages
        world.clock.advance(slow.settings.lease + timedelta(seconds=1))
        await world.drain(world.sender("fast"))
        assert (await world.row(outbox_id)).state == "sent"
        await slow.deliver(message)  # comes back to life and sends again
        row = await world.row(outbox_id)
        assert (row.state, row.lease_owner) == ("sent", None)
        async with world.uow() as uow:
            assert await uow.session.scalar(select(func.count()).select_from(OutboxMessage)) >= 1


class TestOperators:
    def _cli(self, database_url: str, *args: str) -> str:
        env = {k: v for k, v in os.environ.items() if not k.startswith("WAYPOINT_")}
        env["WAYPOINT_DATABASE_URL"] = database_url
        result = subprocess.run(
            [sys.executable, "-m", "bot.entrypoints.cli", "outbox", *args],
            env=env, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        return result.stdout

    async def test_list_failed_messages_without_their_words_and_retry_one(
        self, world: World, migrated_url: str
    ) -> None:
        assert (
            await asyncio.to_thread(self._cli, migrated_url, "failed") == "No failed messages.\n"
        )
        outbox_id = await world.queue_to_sam("private words", Lane.REMINDER)
        world.fake.fail_next("sendMessage", "server_error")
        await world.drain(world.sender(max_attempts=1))
        listed = await asyncio.to_thread(self._cli, migrated_url, "failed")
        assert f"{outbox_id}\treminder\tyoung_person" in listed
        assert "private words" not in listed
        retried = await asyncio.to_thread(self._cli, migrated_url, "retry", str(outbox_id))
        assert retried == f"Outbox message {outbox_id} is queued again.\n"
        # The command line queued it at the real time; move the test's clock there.
        world.clock.now = system_clock() + timedelta(seconds=1)
        await world.drain(world.sender())
        row = await world.row(outbox_id)
        assert (row.state, row.attempts) == ("sent", 1)
        assert "outbox.retried" in await _actions(world)


class TestPrivacyAndRobustness:
    async def test_a_delivered_message_keeps_no_text(self, world: World) -> None:
        outbox_id = await world.queue_to_sam("Sam's private words")
        await world.drain(world.sender())
        row = await world.row(outbox_id)
        assert (row.state, row.text) == ("sent", "")

    async def test_a_failing_round_does_not_stop_the_sender(self, world: World) -> None:
        class Flaky(Sender):
            failures = 0

            async def claim(self) -> Claim:
                if not self.failures:
                    self.failures += 1
                    raise OSError("database went away")
                return await super().claim()

        await world.queue_to_sam("still arrives")
        flaky = Flaky(world.uow, world.transport, owner="flaky")  # real clock and sleep
        running = asyncio.create_task(flaky.run())
        try:
            await world.fake.await_messages(SAM, len(_texts(world, SAM)) + 1, timeout=10)
        finally:
            flaky.stop()
            await running
        assert flaky.failures == 1


class TestChunks:
    async def test_the_second_part_waits_while_the_first_is_retried(self, world: World) -> None:
        async with world.uow() as uow:
            sam = await uow.young_people.by_telegram_id(SAM)
            assert sam is not None
            # Two sentences a message: "home" (three) goes in two parts.
            sam.communication_profile = {"max_sentences": 2}
            rows = uow.postbox.to_young_person(
                sam,
                "home",
                {"name": "Sam", "worker": "Jo", **helpline_values()},
                now=world.clock(),
            )
            await uow.commit()
            parts = [row.text for row in rows]
        assert len(parts) >= 2
        before = len(_texts(world, SAM))
        world.fake.fail_next("sendMessage", "server_error", times=1)
        sender = world.sender()
        # The first part's retry falls due after the second part (queued at once) is due, so
        # only the rule that parts wait for earlier parts keeps them in order.
        for _ in range(3):
            await world.drain(sender)
            world.clock.advance(timedelta(seconds=1.2))
        assert _texts(world, SAM)[before:] == parts

    async def test_only_the_last_part_carries_the_buttons(self, world: World) -> None:
        async with world.uow() as uow:
            sam = await uow.young_people.by_telegram_id(SAM)
            assert sam is not None
            sam.communication_profile = {"max_sentences": 1}
            rows = uow.postbox.to_young_person(sam, "choose_symbols", {}, now=world.clock())
            await uow.commit()
        assert len(rows) > 1
        assert [row.reply_markup is not None for row in rows] == [False] * (len(rows) - 1) + [True]
        assert rows[0].part_of is not None
        assert len({row.part_of for row in rows}) == 1


async def test_a_slow_first_answer_at_start_is_tried_again(fake_telegram: FakeTelegram) -> None:
    fake_telegram.fail_next("getMe", "timeout", times=1, delay=1.0)  # over the 0.3 s timeout
    transport = TelegramTransport(FakeTelegram.token_for_tests(), fake_telegram.url, timeout=0.3)
    await transport.start()
    try:
        assert transport.bot.username
    finally:
        await transport.stop()
