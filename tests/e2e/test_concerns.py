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
from bot.i18n.dates import concrete_datetime, record_datetime
from bot.services.ladder_steps import do_take_due_steps
from bot.services.staff import NewStaff, do_add_staff
from tests.e2e.conftest import JO, SAM, STRANGER, Running

# A flow through Telegram, run on the demo's database (SQLite): its storage is tested on
# both databases in tests/integration, and CI stays under 20 minutes.
pytestmark = pytest.mark.database("sqlite")

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


def _worried(running: Running) -> int:
    """How many messages Sam gets after tapping "I'm worried"."""
    return running.parts("concern_raised_no_words", "concern_helplines", worker="Jo")


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
        categories = (running.staff_text(f"category_{c}") for c in ("suicide", "self_harm"))
        assert any(category in alert for category in categories)
        [concern] = await running.concerns()
        assert concern.words == words
        alert_message = running.fake.sent_messages(JO.id)[-1]
        assert alert_message.reply_markup is not None

        sam_before, jo_before = running.count(SAM), running.count(JO)
        running.fake.press_button(JO, f"a|{concern.id}|ack", message_id=alert_message.message_id)
        seen = running.words("concern_seen", staff="Jo")
        assert await _after(running, SAM, sam_before, len(seen)) == seen
        [taken] = await _after(running, JO, jo_before, 1)
        # Jo has it, and reads that about herself.
        assert taken == running.staff_text("concern_taken_by_you", id=str(concern.id), name="Sam")
        current = running.fake.current_message(JO.id, alert_message.message_id)
        assert current is not None
        assert "reply_markup" not in current
        [stored] = await running.concerns()
        assert stored.state == "acknowledged"

    async def test_a_worry_split_over_two_messages_is_heard(self, hub: Running) -> None:
        running = hub
        jo_before = running.count(JO)
        # The learned model hears the first half alone ("Are you OK?"); the second makes the
        # pair a sure worry, so Jo is alerted now, not once Sam's time to answer is over.
        await running.say(SAM, "i just want to")
        await running.say(SAM, "die", replies=1)
        await _after(running, JO, jo_before, 1)
        [concern] = await running.concerns()
        async with running.uow() as work:
            later = [w.words for w in await work.concerns.later_words(concern.id)]
        assert "\n".join([concern.words or "", *later]) == "i just want to\ndie"

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
        await running.say(SAM, label, replies=_worried(running))
        [alert] = await _after(running, JO, jo_before, 1)
        assert running.catalogue.text("concern_no_words") in alert
        jo_before = running.count(JO)
        await running.hear(
            SAM, "my mum's boyfriend hit me", running.words("talk_sent", worker="Jo")
        )
        [more] = await _after(running, JO, jo_before, 1)
        assert "my mum's boyfriend hit me" in more
        [concern] = await running.concerns()
        assert (concern.source, concern.words) == ("button", "my mum's boyfriend hit me")

    async def test_slash_worried_works_too(self, hub: Running) -> None:
        running = hub
        jo_before = running.count(JO)
        await running.say(SAM, "/worried", replies=_worried(running))
        await _after(running, JO, jo_before, 1)
        [concern] = await running.concerns()
        assert concern.source == "command"


class TestLadderAndRecords:
    async def test_nobody_answers_so_duty_is_told_and_sam_hears_who_has_it(
        self, hub: Running
    ) -> None:
        running = hub
        await running.say(SAM, "/worried", replies=_worried(running))
        running.clock.advance(timedelta(minutes=10))
        dee_before, sam_before = running.count(DEE), running.count(SAM)
        # The ladder's own clock job may take the step first; either way it is taken once.
        await do_take_due_steps(running.uow(), now=running.clock())
        [alert] = await _after(running, DEE, dee_before, 1)
        assert "Sam" in alert
        assert running.staff_text("category_button") in alert
        passed_on = running.words("concern_passed_on", staff="Dee")
        assert await _after(running, SAM, sam_before, len(passed_on)) == passed_on

    async def test_a_manager_lists_reads_and_closes_and_each_look_is_audited(
        self, hub: Running
    ) -> None:
        running = hub
        await running.say(SAM, "/worried", replies=_worried(running))
        [concern] = await running.concerns()
        zone, what = running.uow.post.zone, running.staff_text("category_button")
        [listed] = await running.say(MAX, "/concerns")
        assert running.staff_text(
            "concern_list_line", id=str(concern.id), name="Sam", what=what,
            urgency=concern.urgency, state=concern.state,
            time=concrete_datetime(concern.raised_at, zone),
        ) in listed  # fmt: skip
        [record] = await running.say(MAX, f"/concern {concern.id}")
        assert running.staff_text(
            "case_file_line", at=record_datetime(concern.raised_at, zone), kind="notified",
            who="Jo", detail=": named_worker: Jo",
        ) in record  # fmt: skip
        [closed] = await running.say(MAX, f"/close {concern.id} Spoke with Sam; safe at home.")
        assert closed == running.staff_text("concern_closed", id=str(concern.id))
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

    async def test_a_key_worker_cannot_list_the_hubs_concerns_and_is_told_why(
        self, hub: Running
    ) -> None:
        running = hub
        [reply] = await running.say(JO, "/concerns")
        role = running.staff_text("role_key_worker")
        assert reply == running.staff_text("concern_list_not_allowed", role=role)


class TestTalkingToTheWorker:
    async def test_the_young_person_writes_and_the_worker_answers(self, hub: Running) -> None:
        running = hub
        await running.hear(SAM, "/talk", running.words("talk_start", worker="Jo"))
        jo_before = running.count(JO)
        await running.hear(SAM, "can we meet on friday", running.words("talk_sent", worker="Jo"))
        [passed] = await _after(running, JO, jo_before, 1)
        assert passed == running.staff_text(
            "talk_from_young_person", name="Sam", text="can we meet on friday"
        )
        sam_before = running.count(SAM)
        answer = "Yes, at the hub at 4 o'clock."
        [ok] = await running.say(JO, f"/reply Sam {answer}")
        assert ok == running.staff_text("talk_reply_sent", name="Sam")
        expected = running.words("talk_from_worker", worker="Jo", text=answer)
        assert await _after(running, SAM, sam_before, len(expected)) == expected


class TestHeardOnce:
    async def test_a_message_after_a_worry_does_not_raise_it_again(self, hub: Running) -> None:
        running = hub
        told = running.parts("concern_raised", "concern_helplines", worker="Jo")
        await running.say(SAM, "i want to kill myself", replies=told)
        await running.say(SAM, "ok")
        assert len(await running.concerns()) == 1

    async def test_the_button_is_heard_in_the_young_persons_own_words(self, hub: Running) -> None:
        running = hub
        before = running.count(SAM)
        await running.say(JO, "/profile Sam words worried=stressed")
        stressed = CommunicationProfile(swaps={"worried": "stressed"})
        told = running.parts("profile_changed_no_review", profile=stressed, worker="Jo")
        await running.fake.await_messages(SAM.id, before + told)
        label = render_line(running.catalogue, "button_worried", {}, stressed)
        keyboard = running.fake.sent_messages(SAM.id)[-1].reply_markup
        assert keyboard == {
            "keyboard": [[{"text": label}]], "is_persistent": True, "resize_keyboard": True,
        }  # fmt: skip
        await running.say(SAM, label, replies=_worried(running))
        [concern] = await running.concerns()
        assert concern.source == "button"
