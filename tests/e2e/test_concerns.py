"""Concerns through Telegram, end to end: a young person's words or the "I'm worried" button
reach their worker at once; the worker acknowledges; the young person is told who has it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.adapters.db.models import AuditEvent, ConcernEvent
from bot.content.helplines import helpline_values
from bot.content.render import render_line
from bot.devtools.fake_telegram import FakeUser
from bot.domain.people import Role
from bot.domain.profiles import CommunicationProfile
from bot.services.ladder_steps import do_take_due_steps
from bot.services.staff import NewStaff, do_add_staff
from tests.e2e.conftest import JO, SAM, STRANGER, Running

DEE = FakeUser(id=1101, first_name="Dee")
MAX = FakeUser(id=1201, first_name="Max")


@pytest.fixture
async def hub(running: Running) -> Running:
    """Jo, Dee on duty and Max the manager; Sam has joined and read the welcome."""
    for user, role in ((DEE, Role.DUTY), (MAX, Role.MANAGER)):
        new = NewStaff(user.id, user.first_name, role, "Harrogate", "North Yorkshire", create=True)
        await do_add_staff(running.uow(), new, now=running.clock())
    await running.join_sam()
    return running


async def _after(running: Running, user: FakeUser, before: int, count: int) -> list[str]:
    sent = await running.fake.await_messages(user.id, before + count)
    return [m.text or "" for m in sent[before:]]


class TestWorryingWords:
    async def test_words_reach_the_worker_who_acknowledges_and_the_young_person_is_told(
        self, hub: Running
    ) -> None:
        running = hub
        words = "i want to kms tonight"
        reply = (
            running.words("concern_raised", worker="Jo")
            + running.words(
                "concern_helplines", emergency="999", childline="0800 1111",
                shout="SHOUT to 85258", samaritans="116 123", nhs="111",
            )
        )  # fmt: skip
        jo_before = running.count(JO)
        heard = await running.hear(SAM, words, reply)
        assert heard == reply
        [alert] = await _after(running, JO, jo_before, 1)
        assert words in alert
        assert "suicide" in alert or "self-harm" in alert
        [concern] = await running.concerns()
        assert concern.words == words
        alert_message = running.fake.sent_messages(JO.id)[-1]
        assert alert_message.reply_markup is not None

        sam_before, jo_before = running.count(SAM), running.count(JO)
        running.fake.press_button(JO, f"a|{concern.id}|ack", message_id=alert_message.message_id)
        assert await _after(running, SAM, sam_before, 1) == ["Jo has seen your message."]
        [taken] = await _after(running, JO, jo_before, 1)
        assert taken == f"Jo has concern {concern.id} for Sam. Sam has been told."
        current = running.fake.current_message(JO.id, alert_message.message_id)
        assert current is not None
        assert "reply_markup" not in current
        [stored] = await running.concerns()
        assert stored.state == "acknowledged"

    async def test_a_worry_split_over_two_messages_is_heard(self, hub: Running) -> None:
        running = hub
        jo_before = running.count(JO)
        await running.say(SAM, "i just want to")
        await running.say(SAM, "die", replies=1)
        await _after(running, JO, jo_before, 1)
        [concern] = await running.concerns()
        assert concern.words == "i just want to\ndie"

    async def test_a_stranger_who_sounds_worried_is_shown_help_and_nothing_is_kept(
        self, hub: Running
    ) -> None:
        running = hub
        [reply] = await running.say(STRANGER, "i want to die")
        assert reply == running.catalogue.render("concern_helplines", helpline_values())
        assert await running.concerns() == []


class TestTheButton:
    async def test_every_message_keeps_i_am_worried_one_tap_away(self, hub: Running) -> None:
        running = hub
        welcome = running.fake.sent_messages(SAM.id)[-1]
        label = render_line(running.catalogue, "button_worried", {}, CommunicationProfile())
        assert welcome.reply_markup == {
            "keyboard": [[{"text": label}]], "is_persistent": True, "resize_keyboard": True,
        }  # fmt: skip

    async def test_tapping_it_then_writing_sends_the_words_on(self, hub: Running) -> None:
        running = hub
        label = render_line(running.catalogue, "button_worried", {}, CommunicationProfile())
        jo_before = running.count(JO)
        await running.say(SAM, label, replies=4)
        [alert] = await _after(running, JO, jo_before, 1)
        assert running.catalogue.text("concern_no_words") in alert
        jo_before = running.count(JO)
        [sent] = await running.say(SAM, "my mum's boyfriend hit me")
        assert sent == "I sent your message to Jo."
        [more] = await _after(running, JO, jo_before, 1)
        assert "my mum's boyfriend hit me" in more
        [concern] = await running.concerns()
        assert (concern.source, concern.words) == ("button", "my mum's boyfriend hit me")

    async def test_slash_worried_works_too(self, hub: Running) -> None:
        running = hub
        jo_before = running.count(JO)
        await running.say(SAM, "/worried", replies=4)
        await _after(running, JO, jo_before, 1)
        [concern] = await running.concerns()
        assert concern.source == "command"


class TestLadderAndRecords:
    async def test_nobody_answers_so_duty_is_told_and_sam_hears_who_has_it(
        self, hub: Running
    ) -> None:
        running = hub
        await running.say(SAM, "/worried", replies=4)
        running.clock.advance(timedelta(minutes=10))
        dee_before, sam_before = running.count(DEE), running.count(SAM)
        # The ladder's own clock job may take the step first; either way it is taken once.
        await do_take_due_steps(running.uow(), now=running.clock())
        [alert] = await _after(running, DEE, dee_before, 1)
        assert "Concern from Sam" in alert
        assert await _after(running, SAM, sam_before, 1) == ["Dee has your message too."]

    async def test_a_manager_lists_reads_and_closes_and_each_look_is_audited(
        self, hub: Running
    ) -> None:
        running = hub
        await running.say(SAM, "/worried", replies=4)
        [concern] = await running.concerns()
        [listed] = await running.say(MAX, "/concerns")
        assert f"{concern.id}: Sam" in listed
        [record] = await running.say(MAX, f"/concern {concern.id}")
        assert "Chronology:" in record
        assert "notified (Jo): named_worker: Jo" in record
        [closed] = await running.say(MAX, f"/close {concern.id} Spoke with Sam; safe at home.")
        assert closed == f"Concern {concern.id} is closed. The outcome is in its record."
        async with running.uow() as work:
            viewed = await work.session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "concern.viewed")
            )
            outcome = await work.session.scalar(
                select(ConcernEvent.detail).where(ConcernEvent.kind == "closed")
            )
        assert viewed == 1
        assert outcome == "Spoke with Sam; safe at home."

    async def test_a_key_worker_cannot_list_the_hubs_concerns(self, hub: Running) -> None:
        running = hub
        [reply] = await running.say(JO, "/concerns")
        assert reply == running.catalogue.text("staff_home", name="Jo")


class TestTalkingToTheWorker:
    async def test_the_young_person_writes_and_the_worker_answers(self, hub: Running) -> None:
        running = hub
        await running.hear(SAM, "/talk", running.words("talk_start", worker="Jo"))
        jo_before = running.count(JO)
        [sent] = await running.say(SAM, "can we meet on friday")
        assert sent == "I sent your message to Jo."
        [passed] = await _after(running, JO, jo_before, 1)
        assert "Message from Sam:\ncan we meet on friday" in passed
        sam_before = running.count(SAM)
        [ok] = await running.say(JO, "/reply Sam Yes, at the hub at 4 o'clock.")
        assert ok == "Sent to Sam."
        told = await _after(running, SAM, sam_before, 1)
        assert told == ["Jo says:\nYes, at the hub at 4 o'clock."]


class TestHeardOnce:
    async def test_a_message_after_a_worry_does_not_raise_it_again(self, hub: Running) -> None:
        running = hub
        await running.say(SAM, "i want to kill myself", replies=3)
        await running.say(SAM, "ok")
        assert len(await running.concerns()) == 1

    async def test_the_button_is_heard_in_the_young_persons_own_words(self, hub: Running) -> None:
        running = hub
        await running.say(JO, "/profile Sam words worried=stressed")
        await running.fake.await_messages(SAM.id, 3)
        label = running.fake.sent_messages(SAM.id)[-1].reply_markup
        assert label == {
            "keyboard": [[{"text": "I'm stressed"}]], "is_persistent": True,
            "resize_keyboard": True,
        }  # fmt: skip
        await running.say(SAM, "I'm stressed", replies=4)
        [concern] = await running.concerns()
        assert concern.source == "button"
