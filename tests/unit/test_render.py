"""Rendering for one young person: their words, pictures, chunks, buttons and script direction."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.adapters.telegram.keyboards import (
    alert_keyboard,
    callback_data,
    inline_keyboard,
    parse_alert,
    parse_choice,
)
from bot.content.catalogue import Catalogue
from bot.content.render import (
    FIRST_STRONG_ISOLATE,
    POP_ISOLATE,
    RIGHT_TO_LEFT_MARK,
    chunk,
    render,
    when,
)
from bot.domain.outbox import AlertButtons
from bot.domain.profiles import CommunicationProfile, Level, Replies
from bot.i18n.dates import clock_words, day_words

PROJECT_CONTENT = Path(__file__).resolve().parents[2] / "content"
LONDON = ZoneInfo("Europe/London")
NAMES = {"name": "Sam", "worker": "Jo"}
SENTENCE_END = re.compile(r"(?<=[.!?\u061f])\s+")
# The project's wording and pictures belong to its therapists: tests of word swaps and
# pictures use their own.
OWN_WORDING = """
[hello]
[hello.en]
easy = \"\"\"
Hi {name}.
I am a computer, not a person.
{worker} is your worker.\"\"\"
symbols = ["👋", "💻", "🧑"]

[button_something_else]
[button_something_else.en]
easy = "Something else"

[button_help]
[button_help.en]
easy = "Help"
"""


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return Catalogue.load(PROJECT_CONTENT, allow_drafts=True)


@pytest.fixture
def own_catalogue(tmp_path: Path) -> Catalogue:
    (tmp_path / "messages").mkdir()
    (tmp_path / "messages" / "own.toml").write_text(OWN_WORDING, encoding="utf-8")
    return Catalogue.load(tmp_path, allow_drafts=True)


def _sentences(text: str) -> int:
    return sum(len(SENTENCE_END.split(line.strip())) for line in text.split("\n"))


def _lines(chunks: tuple[str, ...] | list[str]) -> list[str]:
    return [line for c in chunks for line in c.split("\n")]


class TestChunks:
    def test_a_message_is_split_after_the_most_sentences_the_profile_allows(self) -> None:
        lines = ["One. Two.", "Three.", "Four. Five."]
        assert chunk(lines, 3) == ["One. Two.\nThree.", "Four. Five."]
        assert chunk(lines, 2) == ["One. Two.", "Three.\nFour.", "Five."]
        assert chunk(lines, 10) == ["One. Two.\nThree.\nFour. Five."]

    def test_arabic_question_marks_end_sentences_too(self) -> None:
        assert chunk(["هل تريد؟ نعم."], 1) == ["هل تريد؟", "نعم."]

    def test_the_welcome_comes_in_messages_of_at_most_3_sentences(self, catalogue) -> None:
        rendered = render(catalogue, "welcome", NAMES, CommunicationProfile())
        lines = catalogue.text("welcome", **NAMES).splitlines()
        assert rendered.chunks == tuple(chunk(lines, 3))
        assert all(_sentences(c) <= 3 for c in rendered.chunks)

    def test_one_sentence_at_a_time_when_the_profile_asks(self, catalogue) -> None:
        rendered = render(catalogue, "welcome", NAMES, CommunicationProfile(max_sentences=1))
        assert [_sentences(c) for c in rendered.chunks] == [1] * len(rendered.chunks)
        assert " ".join(rendered.chunks).split() == catalogue.text("welcome", **NAMES).split()


class TestProfileWords:
    def test_standard_reading_gets_the_standard_text(self, catalogue) -> None:
        profile = CommunicationProfile(level=Level.STANDARD)
        chunks = render(catalogue, "welcome", NAMES, profile).chunks
        standard = catalogue.text("welcome", level=Level.STANDARD, **NAMES)
        assert " ".join(chunks).split() == standard.split()

    def test_pictures_go_before_each_line_when_the_profile_asks(self, own_catalogue) -> None:
        rendered = render(own_catalogue, "hello", NAMES, CommunicationProfile(symbols=True))
        assert rendered.chunks == (
            "👋 Hi Sam.\n💻 I am a computer, not a person.\n🧑 Jo is your worker.",
        )

    def test_no_pictures_unless_asked(self, own_catalogue) -> None:
        rendered = render(own_catalogue, "hello", NAMES, CommunicationProfile())
        assert rendered.chunks == ("Hi Sam.\nI am a computer, not a person.\nJo is your worker.",)

    def test_the_young_persons_own_words_replace_the_content_words(self, own_catalogue) -> None:
        profile = CommunicationProfile(swaps={"worker": "helper", "computer": "robot"})
        text = "\n".join(render(own_catalogue, "hello", NAMES, profile).chunks)
        assert text == "Hi Sam.\nI am a robot, not a person.\nJo is your helper."

    def test_a_swap_never_touches_a_placeholder_or_a_value(self, own_catalogue) -> None:
        profile = CommunicationProfile(swaps={"name": "label", "sam": "X"})
        text = "\n".join(render(own_catalogue, "hello", NAMES, profile).chunks)
        assert text.startswith("Hi Sam.")


class TestArabic:
    def test_easy_arabic_is_right_to_left_with_names_kept_whole(self, catalogue) -> None:
        rendered = render(catalogue, "welcome", NAMES, CommunicationProfile(language="ar"))
        assert rendered.language == "ar"
        lines = _lines(rendered.chunks)
        assert all(line.startswith(RIGHT_TO_LEFT_MARK) for line in lines)
        assert f"{FIRST_STRONG_ISOLATE}Sam{POP_ISOLATE}" in "".join(lines)
        isolated = {key: f"{FIRST_STRONG_ISOLATE}{v}{POP_ISOLATE}" for key, v in NAMES.items()}
        arabic = catalogue.text("welcome", language="ar", **isolated).splitlines()
        assert [line.removeprefix(RIGHT_TO_LEFT_MARK) for line in lines] == _lines(
            chunk(arabic, 3)
        )

    def test_arabic_dates_come_from_babel(self, catalogue) -> None:
        profile = CommunicationProfile(language="ar")
        moment = datetime(2027, 3, 2, 16, 0, tzinfo=LONDON)
        # Babel gives the day, the hour and the part of the day; content/ the words between.
        time = catalogue.text("when_on_the_hour", language="ar", hour="4", period="بعد الظهر")
        assert when(catalogue, moment, LONDON, profile) == catalogue.text(
            "when_day_time", language="ar", day="الثلاثاء 2 مارس", time=time
        )

    def test_english_dates_say_the_day_date_and_clock_time(self, catalogue) -> None:
        profile = CommunicationProfile()
        on_the_hour = datetime(2027, 3, 2, 16, 0, tzinfo=LONDON)
        half_past = datetime(2027, 3, 2, 9, 30, tzinfo=LONDON)
        four = catalogue.text("when_on_the_hour", hour="4", period="in the afternoon")
        assert when(catalogue, on_the_hour, LONDON, profile) == catalogue.text(
            "when_day_time", day="Tuesday 2 March", time=four
        )
        half = catalogue.text("when_hour_minutes", hour="9", minutes="30", period="in the morning")
        assert when(catalogue, half_past, LONDON, profile) == catalogue.text(
            "when_day_time", day="Tuesday 2 March", time=half
        )

    def test_times_are_in_the_hubs_zone_not_utc(self, catalogue) -> None:
        summer_utc = datetime(2027, 7, 6, 15, 0, tzinfo=ZoneInfo("UTC"))
        four = catalogue.text("when_on_the_hour", hour="4", period="in the afternoon")
        assert four in when(catalogue, summer_utc, LONDON, CommunicationProfile())


class TestButtons:
    def test_a_choice_ends_with_something_else_and_help(self, catalogue) -> None:
        rendered = render(catalogue, "choose_language", {}, CommunicationProfile())
        assert [b.key for b in rendered.buttons] == [
            "language_en", "language_ar", "something_else", "help",
        ]  # fmt: skip
        assert [b.label for b in rendered.buttons][-2:] == [
            catalogue.text("button_something_else"),
            catalogue.text("button_help"),
        ]

    def test_the_keyboard_has_one_button_per_row_with_opaque_data(self, catalogue) -> None:
        rendered = render(catalogue, "choose_language", {}, CommunicationProfile())
        keyboard = inline_keyboard(rendered)
        assert keyboard is not None
        rows = keyboard["inline_keyboard"]
        assert [len(row) for row in rows] == [1, 1, 1, 1]
        assert parse_choice(rows[1][0]["callback_data"]) == (
            "choose_language", "language_ar", None,
        )  # fmt: skip

    def test_a_button_about_one_goal_carries_its_number_and_nothing_else(self, catalogue) -> None:
        rendered = render(catalogue, "choose_language", {}, CommunicationProfile())
        keyboard = inline_keyboard(rendered, 42)
        assert keyboard is not None
        data = keyboard["inline_keyboard"][0][0]["callback_data"]
        assert parse_choice(data) == ("choose_language", "language_en", 42)
        assert parse_choice(data.replace("42", "forty-two")) is None

    def test_labels_come_in_the_young_persons_language(self, catalogue) -> None:
        rendered = render(catalogue, "choose_language", {}, CommunicationProfile(language="ar"))
        assert [b.label for b in rendered.buttons][-2:] == [
            catalogue.text("button_something_else", language="ar"),
            catalogue.text("button_help", language="ar"),
        ]

    def test_written_replies_list_the_choices_instead_of_buttons(self, catalogue) -> None:
        profile = CommunicationProfile(replies=Replies.FREE_TEXT)
        rendered = render(catalogue, "choose_language", {}, profile)
        assert inline_keyboard(rendered) is None
        labels = [catalogue.text(f"button_{b.key}") for b in rendered.buttons]
        assert rendered.chunks[-1] == "\n".join(
            f"{n}. {label}" for n, label in enumerate(labels, 1)
        )

    def test_callback_data_over_telegrams_64_bytes_is_refused(self) -> None:
        with pytest.raises(ValueError, match="64 bytes"):
            callback_data("m" * 60, "key")

    @pytest.mark.parametrize("data", [None, "", "c|only", "x|a|b", "c||b"])
    def test_data_waypoint_did_not_make_is_ignored(self, data: str | None) -> None:
        assert parse_choice(data) is None


class TestAlertButtons:
    def test_an_alert_button_says_which_concern_and_whether_to_phone(self) -> None:
        keyboard = alert_keyboard(AlertButtons(12, acknowledge="I've got this", call_me="Call me"))
        [[ack], [call]] = keyboard["inline_keyboard"]
        assert parse_alert(ack["callback_data"]) == (12, False)
        assert parse_alert(call["callback_data"]) == (12, True)

    @pytest.mark.parametrize("data", [None, "a|x|ack", "a|12|maybe", "c|welcome|help", "a|12"])
    def test_anything_else_is_not_an_alert_button(self, data: str | None) -> None:
        assert parse_alert(data) is None


class TestSessionTimes:
    """SE-1: clock times in words, never "12pm", "12am" or the 24-hour clock."""

    AM_PM_TWELVE = re.compile(r"\b12\s*[ap]\.?\s*m\b", re.IGNORECASE)
    TWENTY_FOUR_HOUR = re.compile(r"\b(?:00|1[3-9]|2[0-3]):[0-5]\d\b")

    @pytest.mark.parametrize("language", ["en", "ar"])
    @pytest.mark.parametrize(("hour", "minute"), [(0, 0), (12, 0), (16, 0), (16, 30)])
    def test_a_session_time_is_never_12pm_12am_or_on_the_24_hour_clock(
        self, catalogue, language: str, hour: int, minute: int
    ) -> None:
        moment = datetime(2026, 3, 10, hour, minute, tzinfo=LONDON)
        rendered = when(catalogue, moment, LONDON, CommunicationProfile(language=language))
        assert not self.AM_PM_TWELVE.search(rendered)
        assert not self.TWENTY_FOUR_HOUR.search(rendered)
        assert "16:00" not in rendered
        assert "16" not in rendered

    @pytest.mark.parametrize("language", ["en", "ar"])
    @pytest.mark.parametrize(("hour", "named"), [(12, "when_midday"), (0, "when_midnight")])
    def test_midday_and_midnight_are_the_catalogues_own_words(
        self, catalogue, language: str, hour: int, named: str
    ) -> None:
        moment = datetime(2026, 3, 10, hour, 0, tzinfo=LONDON)
        profile = CommunicationProfile(language=language)
        day = day_words(moment.date(), language)
        time = catalogue.text(named, language=language)
        assert when(catalogue, moment, LONDON, profile) == catalogue.text(
            "when_day_time", language=language, day=day, time=time
        )
        assert when(catalogue, moment, LONDON, profile, day=False) == time

    @pytest.mark.parametrize(
        ("minute", "time_id"), [(0, "when_on_the_hour"), (30, "when_hour_minutes")]
    )
    def test_four_in_the_afternoon_is_on_the_12_hour_clock(
        self, catalogue, minute: int, time_id: str
    ) -> None:
        moment = datetime(2026, 3, 10, 16, minute, tzinfo=LONDON)
        clock = clock_words(moment, LONDON, "en")
        assert clock["hour"] == "4"
        expected = catalogue.text(time_id, **clock)
        assert when(catalogue, moment, LONDON, CommunicationProfile(), day=False) == expected
