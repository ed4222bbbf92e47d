"""A worry is never lost, stalled or dropped on its way in, through the real bot and a fake
Telegram that behaves like the real one (4,096 characters, unreadable updates, failing small
calls, floods, edits). Issue 9, points 3, 4, 7, 12, 13 and 16."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest
from sqlalchemy import func, select
from telegram import Update
from telegram.ext import TypeHandler

from bot.adapters.db.inbox import HANDLED, SET_ASIDE
from bot.adapters.db.models import Concern, InboxUpdate, OutboxMessage
from bot.devtools.fake_telegram import FakeUser
from bot.devtools.fake_telegram_world import utf16_length
from bot.domain.people import Role
from bot.domain.profiles import CommunicationProfile, Replies
from bot.domain.strangers import ANSWERS_PER_WINDOW
from bot.services.staff import NewStaff, do_add_staff
from tests.e2e.conftest import JO, SAM, STRANGER, Running

DEE = FakeUser(id=1101, first_name="Dee")
WORRY = "i want to kill myself tonight"


@pytest.fixture
async def hub(running: Running) -> Running:
    """Jo and Dee on duty; Sam has joined and read the welcome."""
    new = NewStaff(DEE.id, "Dee", Role.DUTY, "Harrogate", "North Yorkshire", create=True)
    await do_add_staff(running.uow(), new, now=running.clock())
    await running.join_sam()
    return running


async def _alert_for(running: Running, user: FakeUser, before: int) -> str:
    """The first alert (a message with "I've got this") the user gets after `before`."""
    for _ in range(3):
        sent = await running.fake.await_messages(user.id, before + 1, timeout=10)
        for message in sent[before:]:
            rows = (message.reply_markup or {}).get("inline_keyboard", [])
            if any(str(row[0]["callback_data"]).startswith("a|") for row in rows):
                return message.text or ""
        before = len(sent)
    raise AssertionError(f"no alert reached {user.first_name}")


class TestAFlood:
    async def test_a_strangers_flood_gets_a_few_answers_and_a_worry_still_gets_through(
        self, hub: Running
    ) -> None:
        running = hub
        for n in range(100):
            running.fake.send_text(STRANGER, f"spam {n}")
        jo_before = running.count(JO)
        running.fake.send_text(SAM, WORRY)
        assert WORRY in await _alert_for(running, JO, jo_before)
        await running.serving.dispatcher.settled()
        # A stranger gets a few answers an hour, through the outbox: not one each; and
        # nothing about them is left once they have gone.
        await running.fake.await_messages(STRANGER.id, ANSWERS_PER_WINDOW)
        # The sender records what it sent with its next claim, and only then forgets the row:
        # wait for that (a condition, not a time), up to 10 seconds.
        for _ in range(200):
            async with running.uow() as work:
                unhandled = await work.session.scalar(
                    select(func.count())
                    .select_from(InboxUpdate)
                    .where(InboxUpdate.state != HANDLED)
                )
                kept = await work.session.scalar(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(OutboxMessage.chat_id == STRANGER.id)
                )
            if (unhandled, kept) == (0, 0):
                break
            await asyncio.sleep(0.05)
        assert (unhandled, kept) == (0, 0)
        assert running.count(STRANGER) == ANSWERS_PER_WINDOW

    async def test_one_chats_messages_are_handled_in_the_order_they_were_sent(
        self, hub: Running
    ) -> None:
        running = hub
        await running.say(SAM, "/talk")
        jo_before = running.count(JO)
        for n in range(5):
            running.fake.send_text(SAM, f"part {n} of my news")
        relayed = await running.fake.await_messages(JO.id, jo_before + 5)
        texts = [m.text or "" for m in relayed[jo_before:]]
        assert [next(f"part {n}" in t for t in texts[n : n + 1]) for n in range(5)] == [True] * 5


class TestLongWords:
    async def test_long_words_after_talk_reach_the_worker_in_parts_with_nothing_lost(
        self, hub: Running
    ) -> None:
        running = hub
        await running.say(SAM, "/talk")
        words = " ".join(f"word{n}" for n in range(700))[:4090]
        jo_before = running.count(JO)
        running.fake.send_text(SAM, words)
        parts = await running.fake.await_messages(JO.id, jo_before + 2)
        received = " ".join(m.text or "" for m in parts[jo_before:])
        assert all(utf16_length(m.text or "") <= 4096 for m in parts)
        for word in words.split()[:-1]:  # the last may be cut by the 4,090 characters
            assert word in received

    async def test_the_rest_of_a_long_concern_really_is_in_slash_concern(
        self, hub: Running
    ) -> None:
        running = hub
        words = f"{WORRY} " + " ".join(f"scared{n}" for n in range(600))[:3960]
        jo_before = running.count(JO)
        running.fake.send_text(SAM, words)
        alert = await _alert_for(running, JO, jo_before)
        [concern] = await running.concerns()
        assert f"/concern {concern.id}" in alert
        dee_before = running.count(DEE)
        running.fake.send_text(DEE, f"/concern {concern.id}")
        record = await running.fake.await_messages(DEE.id, dee_before + 2)
        shown = " ".join(m.text or "" for m in record[dee_before:])
        assert all(utf16_length(m.text or "") <= 4096 for m in record)
        assert all(word in shown for word in words.split()[:-1])

    async def test_a_long_list_of_open_concerns_arrives_in_parts(self, hub: Running) -> None:
        running = hub
        async with running.uow() as work:
            sam = await work.young_people.by_telegram_id(SAM.id)
            assert sam is not None
            for n in range(60):
                work.session.add(
                    Concern(
                        hub_id=sam.hub_id, young_person_id=sam.id, raised_at=running.clock(),
                        source="words", category="unsafe", urgency="high",
                        words=f"worry number {n}", state="acknowledged", in_hours=True, rung=0,
                    )
                )  # fmt: skip
            await work.commit()
        dee_before = running.count(DEE)
        running.fake.send_text(DEE, "/concerns")
        listed = await running.fake.await_messages(DEE.id, dee_before + 2, timeout=30)
        assert all(utf16_length(m.text or "") <= 4096 for m in listed[dee_before:])


class TestUpdatesTelegramSendsThatCannotBeRead:
    async def test_an_unreadable_update_is_set_aside_unlogged_and_the_next_worry_arrives(
        self, hub: Running, caplog: pytest.LogCaptureFixture
    ) -> None:
        running = hub
        canary = "CanaryUnreadableWords"
        # "date" must be a number and "chat" an object: PTB cannot build an Update from this.
        running.fake.inject_update(
            {"message": {"message_id": 1, "date": canary, "chat": canary, "text": canary}}
        )
        jo_before = running.count(JO)
        with caplog.at_level(logging.INFO):
            running.fake.send_text(SAM, WORRY)
            assert WORRY in await _alert_for(running, JO, jo_before)
            await running.serving.dispatcher.settled()
        assert canary not in caplog.text
        async with running.uow() as work:
            kept = list(
                await work.session.scalars(
                    select(InboxUpdate.payload).where(InboxUpdate.state == SET_ASIDE)
                )
            )
        assert len(kept) == 1
        assert canary in (kept[0] or "")


class TestButtons:
    async def test_i_have_got_this_counts_even_when_telegram_refuses_the_answer(
        self, hub: Running
    ) -> None:
        running = hub
        jo_before = running.count(JO)
        running.fake.send_text(SAM, WORRY)
        await _alert_for(running, JO, jo_before)
        [concern] = await running.concerns()
        running.fake.fail_next("answerCallbackQuery", "too_old")
        running.fake.press_button(JO, f"a|{concern.id}|ack")
        seen = running.words("concern_seen", staff="Jo")
        for _ in range(100):
            if set(seen) <= {m.text for m in running.fake.sent_messages(SAM.id)}:
                break
            await asyncio.sleep(0.1)
        [stored] = await running.concerns()
        assert stored.state == "acknowledged"


class TestOddNumbers:
    @pytest.mark.parametrize(
        "command", ["/concern ²", "/concern ①", "/concern " + "9" * 30, "/ack ³", "/close ² done"]
    )
    async def test_odd_digits_get_an_answer_not_an_exception(
        self, hub: Running, command: str, caplog: pytest.LogCaptureFixture
    ) -> None:
        running = hub
        before = running.count(DEE)
        with caplog.at_level(logging.INFO):
            running.fake.send_text(DEE, command)
            await running.fake.await_messages(DEE.id, before + 1)
        assert "handler failed" not in caplog.text
        assert command.split()[1] not in caplog.text

    async def test_a_circled_number_as_a_written_choice_is_not_an_exception(
        self, hub: Running, caplog: pytest.LogCaptureFixture
    ) -> None:
        running = hub
        writes = CommunicationProfile(replies=Replies.FREE_TEXT)
        told = running.count(SAM) + running.parts(
            "profile_changed_no_review", profile=writes, worker="Jo"
        )
        await running.say(JO, "/profile Sam replies text")
        await running.fake.await_messages(SAM.id, told)
        await running.say(
            SAM, "/language", replies=len(running.words("choose_language", profile=writes))
        )
        before = running.count(SAM)
        with caplog.at_level(logging.INFO):
            running.fake.send_text(SAM, "①")
            await running.fake.await_messages(SAM.id, before + 1)
        assert "handler failed" not in caplog.text


class TestEdits:
    async def test_a_worry_typed_by_editing_a_message_is_heard(self, hub: Running) -> None:
        running = hub
        sam_before = running.count(SAM)
        sent = running.fake.send_text(SAM, "hello")
        await running.fake.await_messages(SAM.id, sam_before + 1)
        jo_before = running.count(JO)
        running.fake.edit_text(SAM, sent["message"]["message_id"], WORRY)
        assert WORRY in await _alert_for(running, JO, jo_before)
        [concern] = await running.concerns()
        assert concern.words == WORRY

    async def test_editing_an_old_command_does_not_run_it_again(self, hub: Running) -> None:
        running = hub
        jo_before = running.count(JO)
        sent = running.fake.send_text(SAM, "/worried")
        await _alert_for(running, JO, jo_before)
        running.fake.edit_text(SAM, sent["message"]["message_id"], "/worried now")
        sam_before = running.count(SAM)
        running.fake.send_text(SAM, "/talk")
        await running.fake.await_messages(SAM.id, sam_before + 1)
        await running.serving.dispatcher.settled()
        [concern] = await running.concerns()
        async with running.uow() as work:
            assert "joined" not in await work.concerns.kinds(concern.id)


class TestEveryWayAWorryArrives:
    async def test_a_worry_written_as_a_photos_caption_is_heard(self, hub: Running) -> None:
        running = hub
        jo_before = running.count(JO)
        running.fake.inject_update(
            {
                "message": {
                    "message_id": 900, "from": SAM.to_api(), "chat": SAM.private_chat(),
                    "date": int(time.time()), "caption": WORRY,
                    "photo": [{"file_id": "p", "file_unique_id": "u", "width": 9, "height": 9}],
                }
            }
        )  # fmt: skip
        assert WORRY in await _alert_for(running, JO, jo_before)

    async def test_a_young_persons_message_that_cannot_be_handled_becomes_a_concern(
        self, hub: Running
    ) -> None:
        running = hub

        async def broken(update: Update, _: object) -> None:
            if update.effective_user is not None and update.effective_user.id == SAM.id:
                raise RuntimeError("a fault in a handler")

        running.app.add_handler(TypeHandler(Update, broken), group=-5)
        jo_before = running.count(JO)
        running.fake.send_text(SAM, "hello, can you help")
        alert = await _alert_for(running, JO, jo_before)
        assert "hello, can you help" in alert
        [concern] = await running.concerns()
        assert concern.source == "unhandled"
