"""Communication profiles through Telegram: a worker or therapist changes how Waypoint writes
to a young person, and the very next message follows; young people pick their own language
and pictures, by tapping or by writing."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import pytest
from sqlalchemy import select

from bot.adapters.db.models import AuditEvent
from bot.content.render import RIGHT_TO_LEFT_MARK
from bot.devtools.fake_telegram import FakeUser
from bot.domain.people import Role
from bot.domain.profiles import CommunicationProfile, Replies
from bot.services.staff import NewStaff, do_add_staff
from tests.e2e.conftest import JO, SAM, Running, as_preview

KIM = FakeUser(id=1002, first_name="Kim")  # speech and language therapist, same hub
LEE = FakeUser(id=1003, first_name="Lee")  # another key worker, same hub
ASH = FakeUser(id=1004, first_name="Ash")  # a key worker at another hub
ARABIC = CommunicationProfile(language="ar")


async def _staff(running: Running, user: FakeUser, role: Role, hub: str = "Harrogate") -> None:
    new = NewStaff(user.id, user.first_name, role, hub, "North Yorkshire", create=True)
    await do_add_staff(running.uow(), new, now=running.clock())


@pytest.fixture
async def sam_joined(running: Running) -> Running:
    await running.join_sam()
    return running


def _right_to_left(chunks: list[str]) -> bool:
    return all(line.startswith(RIGHT_TO_LEFT_MARK) for c in chunks for line in c.split("\n"))


class TestStaffChangeAProfile:
    async def test_arabic_from_telegram_changes_the_very_next_message(self, sam_joined) -> None:
        running = sam_joined
        told = running.words("profile_changed_no_review", profile=ARABIC, worker="Jo")
        before = len(running.fake.sent_messages(SAM.id))
        [done] = await running.say(JO, "/profile Sam language ar")
        assert done == running.catalogue.text(
            "profile_updated", name="Sam", setting="language", value="ar"
        )
        heard = await running.fake.await_messages(SAM.id, before + len(told))
        assert [m.text for m in heard[before:]] == told
        assert "طريقة كتابتي لك تغيّرت" in told[0]

        home = running.words("home", profile=ARABIC, name="Sam", worker="Jo")
        assert await running.hear(SAM, "hello", home) == home
        assert _right_to_left(home)
        assert "مرحبًا" in home[0]

    async def test_a_review_date_is_told_in_arabic_words_from_babel(self, sam_joined) -> None:
        running = sam_joined
        await running.say(JO, "/profile Sam language ar")
        await running.fake.await_messages(SAM.id, 3)
        before = len(running.fake.sent_messages(SAM.id))
        await running.say(JO, "/profile Sam review 2026-03-10")
        [told] = (await running.fake.await_messages(SAM.id, before + 1))[before:]
        # The clock says Tuesday 3 March 2026; the review is a week later.
        assert "الثلاثاء 10 مارس" in (told.text or "")
        assert _right_to_left([told.text or ""])

    async def test_pictures_and_shorter_messages_follow_at_once(self, sam_joined) -> None:
        running = sam_joined
        for change in ("symbols on", "sentences 1"):
            await running.say(JO, f"/profile Sam {change}")
        profile = CommunicationProfile(symbols=True, max_sentences=1)
        await running.fake.await_messages(SAM.id, 2 + 2)
        home = running.words("home", profile=profile, name="Sam", worker="Jo")
        assert await running.hear(SAM, "hi", home) == home
        assert len(home) == 5
        assert home[0] == "👋 Hi Sam."

    async def test_a_therapist_at_the_hub_may_change_it(self, sam_joined) -> None:
        running = sam_joined
        await _staff(running, KIM, Role.SLT)
        [reply] = await running.say(KIM, "/profile Sam reading standard")
        assert reply.startswith("Done: Sam's reading is now standard.")

    async def test_another_worker_may_not_and_another_hub_cannot_see_sam(self, sam_joined) -> None:
        running = sam_joined
        await _staff(running, LEE, Role.KEY_WORKER)
        await _staff(running, ASH, Role.KEY_WORKER, hub="Scarborough")
        [reply] = await running.say(LEE, "/profile Sam language ar")
        assert reply == running.catalogue.text("profile_not_allowed", name="Sam")
        [reply] = await running.say(ASH, "/profile Sam")
        assert reply == running.catalogue.text("profile_nobody", name="Sam")
        assert len(running.fake.sent_messages(SAM.id)) == 2  # only the welcome

    async def test_showing_and_a_bad_value_change_nothing_and_say_what_to_write(
        self, sam_joined
    ) -> None:
        running = sam_joined
        [shown] = await running.say(JO, "/profile Sam")
        assert "language: en" in shown
        assert "wait: 10 minutes before any follow-up" in shown
        [refused] = await running.say(JO, "/profile Sam language fr")
        assert refused == "Nothing was changed: language must be one of en, ar."
        [usage] = await running.say(JO, "/profile")
        assert usage.startswith("To see how Waypoint writes to a young person")

    async def test_every_look_and_change_is_audited_without_its_contents(self, sam_joined) -> None:
        running = sam_joined
        await running.say(JO, "/profile Sam")
        await running.say(JO, "/profile Sam language ar")
        async with running.uow() as work:
            actions = list(
                await work.session.scalars(
                    select(AuditEvent.action).where(AuditEvent.action.like("profile.%"))
                )
            )
        assert actions == ["profile.viewed", "profile.change_asked", "profile.changed"]


class TestYoungPeopleChooseForThemselves:
    async def test_tapping_a_language_changes_it_and_takes_the_buttons_away(
        self, sam_joined
    ) -> None:
        running = sam_joined
        question = running.words("choose_language")
        await running.hear(SAM, "/language", question)
        [last] = running.fake.sent_messages(SAM.id)[-1:]
        assert last.reply_markup is not None
        labels = [row[0]["text"] for row in last.reply_markup["inline_keyboard"]]
        assert labels == ["English", "العربية", "Something else", "I don't know / Help"]

        before = len(running.fake.sent_messages(SAM.id))
        running.fake.press_button(SAM, "c|choose_language|language_ar")
        [reply] = (await running.fake.await_messages(SAM.id, before + 1))[before:]
        assert (
            reply.text == running.words("language_changed", profile=ARABIC, language="العربية")[0]
        )
        assert "reply_markup" not in running.fake.current_message(SAM.id, last.message_id)

    async def test_help_is_always_a_choice(self, sam_joined) -> None:
        running = sam_joined
        await running.hear(SAM, "/symbols", running.words("choose_symbols"))
        expected = running.words("help", worker="Jo")
        before = len(running.fake.sent_messages(SAM.id))
        running.fake.press_button(SAM, "c|choose_symbols|help")
        heard = await running.fake.await_messages(SAM.id, before + len(expected))
        assert [m.text for m in heard[before:]] == expected

    async def test_writing_the_number_works_as_well_as_tapping(self, sam_joined) -> None:
        running = sam_joined
        await running.say(JO, "/profile Sam replies text")
        await running.fake.await_messages(SAM.id, 3)
        written = CommunicationProfile(replies=Replies.FREE_TEXT)
        question = running.words("choose_symbols", profile=written)
        asked = await running.hear(SAM, "/symbols", question)
        assert (
            asked[-1]
            == "1. Yes, pictures\n2. No pictures\n3. Something else\n4. I don't know / Help"
        )
        # No choice buttons; only the "I'm worried" keyboard under the message box.
        assert "inline_keyboard" not in (running.fake.sent_messages(SAM.id)[-1].reply_markup or {})
        pictures = CommunicationProfile(replies=Replies.FREE_TEXT, symbols=True)
        done = running.words("symbols_on", profile=pictures)
        assert await running.hear(SAM, "1", done) == done
        assert done[0].startswith("🖼️ ")

    async def test_preview_matches_what_an_arabic_reader_is_sent(self, sam_joined) -> None:
        running = sam_joined
        await running.say(JO, "/profile Sam language ar")
        await running.fake.await_messages(SAM.id, 3)
        start = len(running.fake.sent_messages(SAM.id))
        await running.hear(SAM, "/language", running.words("choose_language", profile=ARABIC))
        preview = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "bot.entrypoints.cli", "content", "preview",
             "choose_language", "--profile", "easy", "--lang", "ar"],
            capture_output=True, text=True, timeout=60, check=True,
        )  # fmt: skip
        sent = running.fake.sent_messages(SAM.id)[start:]
        assert preview.stdout == as_preview(sent) + "\n"
        assert "[العربية]" in preview.stdout
