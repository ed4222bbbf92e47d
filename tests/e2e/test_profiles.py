"""Communication profiles through Telegram: a worker or therapist changes how Waypoint writes
to a young person, and the very next message follows; young people pick their own language
and pictures, by tapping or by writing."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys

import pytest
from sqlalchemy import select

from bot.adapters.db.models import AuditEvent
from bot.content.helplines import helpline_values
from bot.content.render import RIGHT_TO_LEFT_MARK, render
from bot.devtools.fake_telegram import FakeUser
from bot.domain.people import Role
from bot.domain.profiles import SETTINGS, CommunicationProfile, Replies
from bot.services.people import profile_of
from bot.services.staff import NewStaff, do_add_staff
from bot.services.staff_words import profile_lines
from tests.e2e.conftest import JO, SAM, Running, as_preview

# A flow through Telegram, run on the demo's database (SQLite): its storage is tested on
# both databases in tests/integration, and CI stays under 20 minutes.
pytestmark = pytest.mark.database("sqlite")

KIM = FakeUser(id=1002, first_name="Kim")  # speech and language therapist, same hub
LEE = FakeUser(id=1003, first_name="Lee")  # another key worker, same hub
ASH = FakeUser(id=1004, first_name="Ash")  # a key worker at another hub
ARABIC = CommunicationProfile(language="ar")
SENTENCE_END = re.compile(r"(?<=[.!?\u061f])\s+")


async def _staff(running: Running, user: FakeUser, role: Role, hub: str = "Harrogate") -> None:
    new = NewStaff(user.id, user.first_name, role, hub, "North Yorkshire", create=True)
    await do_add_staff(running.uow(), new, now=running.clock())


@pytest.fixture
async def sam_joined(running: Running) -> Running:
    await running.join_sam()
    return running


def _right_to_left(chunks: list[str]) -> bool:
    return all(line.startswith(RIGHT_TO_LEFT_MARK) for c in chunks for line in c.split("\n"))


async def _change(running: Running, change: str, profile: CommunicationProfile) -> None:
    """Jo changes one of Sam's settings; wait until Sam has been told, in the new way."""
    told = running.count(SAM) + running.parts(
        "profile_changed_no_review", profile=profile, worker="Jo"
    )
    await running.say(JO, f"/profile Sam {change}")
    await running.fake.await_messages(SAM.id, told)


def _in_arabic(running: Running, message_id: str, **values: str) -> bool:
    """Whether an Arabic reader gets this message's Arabic wording, not the English."""
    filled = {**helpline_values(), **values}
    return render(running.catalogue, message_id, filled, ARABIC).language == "ar"


class TestStaffChangeAProfile:
    async def test_arabic_from_telegram_changes_the_very_next_message(self, sam_joined) -> None:
        running = sam_joined
        told = running.words("profile_changed_no_review", profile=ARABIC, worker="Jo")
        before = len(running.fake.sent_messages(SAM.id))
        [done] = await running.say(JO, "/profile Sam language ar")
        assert done == running.staff_text(
            "profile_updated", name="Sam", setting="language", value="ar", settle="2 minutes"
        )
        heard = await running.fake.await_messages(SAM.id, before + len(told))
        assert [m.text for m in heard[before:]] == told
        assert _in_arabic(running, "profile_changed_no_review", worker="Jo")

        home = running.words("home", profile=ARABIC, name="Sam", worker="Jo")
        assert await running.hear(SAM, "hello", home) == home
        assert _right_to_left(home)
        assert _in_arabic(running, "home", name="Sam", worker="Jo")

    async def test_a_review_date_is_told_in_arabic_words_from_babel(self, sam_joined) -> None:
        running = sam_joined
        await _change(running, "language ar", ARABIC)
        before = len(running.fake.sent_messages(SAM.id))
        await running.say(JO, "/profile Sam review 2026-03-10")
        [told] = (await running.fake.await_messages(SAM.id, before + 1))[before:]
        # The clock says Tuesday 3 March 2026; the review is a week later.
        assert "الثلاثاء 10 مارس" in (told.text or "")
        assert _right_to_left([told.text or ""])

    async def test_pictures_and_shorter_messages_follow_at_once(self, sam_joined) -> None:
        running = sam_joined
        await _change(running, "symbols on", CommunicationProfile(symbols=True))
        profile = CommunicationProfile(symbols=True, max_sentences=1)
        await _change(running, "sentences 1", profile)
        home = running.words("home", profile=profile, name="Sam", worker="Jo")
        assert await running.hear(SAM, "hi", home) == home
        assert all(len(SENTENCE_END.split(c)) == 1 for c in home)

    async def test_a_therapist_at_the_hub_may_change_it(self, sam_joined) -> None:
        running = sam_joined
        await _staff(running, KIM, Role.SLT)
        [reply] = await running.say(KIM, "/profile Sam reading standard")
        assert reply == running.staff_text(
            "profile_updated", name="Sam", setting="reading", value="standard",
            settle="2 minutes",
        )  # fmt: skip

    async def test_another_worker_may_not_and_another_hub_cannot_see_sam(self, sam_joined) -> None:
        running = sam_joined
        await _staff(running, LEE, Role.KEY_WORKER)
        await _staff(running, ASH, Role.KEY_WORKER, hub="Scarborough")
        [reply] = await running.say(LEE, "/profile Sam language ar")
        assert reply == running.catalogue.text("profile_not_allowed", name="Sam")
        [reply] = await running.say(ASH, "/profile Sam")
        # With a name from Ash's own hub to copy: it has no young person yet, so the stand-in.
        number = running.staff_text("example_number")
        nobody = running.staff_text(
            "young_person_nobody", name="Sam", example="Sam", number=number
        )
        assert reply == nobody
        assert running.count(SAM) == running.parts("welcome", name="Sam", worker="Jo")

    async def test_showing_and_a_bad_value_change_nothing_and_say_what_to_write(
        self, sam_joined
    ) -> None:
        running = sam_joined
        [shown] = await running.say(JO, "/profile Sam")
        summary = profile_lines(running.catalogue, CommunicationProfile())
        number = str((await running.young_person(SAM)).id)
        assert shown == running.staff_text(
            "profile_shown", name="Sam", summary=summary, number=number
        )
        [refused] = await running.say(JO, "/profile Sam language fr")
        # What is wrong with the value is Waypoint's own line; the sentence around it is content.
        problem = "language must be one of en, ar"
        assert refused == running.staff_text("profile_problem", problem=problem)
        [usage] = await running.say(JO, "/profile")
        # The example is Jo's own young person.
        assert usage == running.staff_text("profile_usage", settings=SETTINGS, young_person="Sam")

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
        choices = render(running.catalogue, "choose_language", {}, CommunicationProfile())
        assert labels == [button.label for button in choices.buttons]
        assert [button.key for button in choices.buttons] == [
            "language_en", "language_ar", "something_else", "help",
        ]  # fmt: skip

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
        written = CommunicationProfile(replies=Replies.FREE_TEXT)
        await _change(running, "replies text", written)
        question = running.words("choose_symbols", profile=written)
        asked = await running.hear(SAM, "/symbols", question)
        labels = [
            b.label for b in render(running.catalogue, "choose_symbols", {}, written).buttons
        ]
        assert asked[-1] == "\n".join(f"{n}. {label}" for n, label in enumerate(labels, 1))
        # No choice buttons; only the "I'm worried" keyboard under the message box.
        assert "inline_keyboard" not in (running.fake.sent_messages(SAM.id)[-1].reply_markup or {})
        pictures = CommunicationProfile(replies=Replies.FREE_TEXT, symbols=True)
        done = running.words("symbols_on", profile=pictures)
        assert await running.hear(SAM, "1", done) == done
        async with running.uow() as work:
            sam = await work.young_people.by_telegram_id(SAM.id)
            assert sam is not None
            assert profile_of(sam).symbols

    async def test_preview_matches_what_an_arabic_reader_is_sent(self, sam_joined) -> None:
        running = sam_joined
        await _change(running, "language ar", ARABIC)
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
        for button in render(running.catalogue, "choose_language", {}, ARABIC).buttons:
            assert f"[{button.label}]" in preview.stdout
