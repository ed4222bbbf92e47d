"""Communication profiles: stored, read back, and changed from the words staff type."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.profiles import CommunicationProfile, Level, ProfileProblem, Replies
from bot.services.choices import match_answer, match_written_choice

TODAY = date(2026, 11, 23)


def test_defaults_follow_the_research() -> None:
    profile = CommunicationProfile()
    assert profile.level is Level.EASY
    assert profile.processing_minutes == 10
    assert profile.max_sentences == 3
    assert profile.replies is Replies.BUTTONS
    assert profile.review_due(TODAY)


def test_a_profile_survives_the_database() -> None:
    profile = CommunicationProfile(
        language="ar", level=Level.STANDARD, symbols=True, preferred_name="Sammy",
        swaps={"goal": "plan"}, processing_minutes=20, replies=Replies.FREE_TEXT,
        max_sentences=2, review_on=date(2027, 3, 2),
    )  # fmt: skip
    assert CommunicationProfile.from_record("ar", profile.to_record()) == profile


@pytest.mark.parametrize(
    ("setting", "value", "field", "expected"),
    [
        ("language", "AR", "language", "ar"),
        ("reading", "standard", "level", Level.STANDARD),
        ("symbols", "on", "symbols", True),
        ("name", "Sammy", "preferred_name", "Sammy"),
        ("words", "goal = plan", "swaps", {"goal": "plan"}),
        ("wait", "15", "processing_minutes", 15),
        ("sentences", "2", "max_sentences", 2),
        ("replies", "text", "replies", Replies.FREE_TEXT),
        ("review", "2027-03-02", "review_on", date(2027, 3, 2)),
    ],
)
def test_each_setting_can_be_changed(
    setting: str, value: str, field: str, expected: object
) -> None:
    changed = CommunicationProfile().changed(setting, value, today=TODAY)
    assert getattr(changed, field) == expected


@pytest.mark.parametrize(
    ("setting", "value", "says"),
    [
        ("colour", "blue", "there is no setting called 'colour'"),
        ("language", "fr", "language must be one of en, ar"),
        ("reading", "hard", "reading must be easy or standard"),
        ("symbols", "maybe", "write on or off"),
        ("wait", "0", "from 1 to 1440"),
        ("sentences", "three", "whole number from 1 to 10"),
        ("review", "2026-11-23", "after today"),
        ("review", "next spring", "year-month-day"),
        ("review", "9999-12-31", "year-month-day"),
        ("review", "2²27-03-02", "year-month-day"),
        ("words", "goal", "like goal=plan"),
    ],
)
def test_a_bad_change_says_what_to_write(setting: str, value: str, says: str) -> None:
    with pytest.raises(ProfileProblem, match=None) as caught:
        CommunicationProfile().changed(setting, value, today=TODAY)
    assert says in str(caught.value)


def test_a_swap_can_be_forgotten() -> None:
    profile = CommunicationProfile(swaps={"goal": "plan"})
    assert profile.changed("words", "goal=", today=TODAY).swaps == {}


class TestWrittenChoices:
    LABELS = ("Yes, pictures", "No pictures", "Something else", "I don't know / Help")

    @pytest.mark.parametrize(
        ("text", "index"),
        [("1", 0), ("2 ", 1), ("yes", 0), ("No", 1), ("no pictures", 1), ("help", 3)],
    )
    def test_a_number_or_words_pick_a_choice(self, text: str, index: int) -> None:
        assert match_written_choice(list(self.LABELS), text) == index

    @pytest.mark.parametrize("text", ["pictures", "5", "0", "I am scared", ""])
    def test_anything_else_is_not_taken_as_a_choice(self, text: str) -> None:
        assert match_written_choice(list(self.LABELS), text) is None

    # "Are you safe now?" in Arabic: "لا" begins both "No, not safe" and "I don't know / Help".
    SAFE_AR = (["نعم، أنا بأمان"], ["لا، لست بأمان"], ["شيء آخر"], ["لا أعرف / مساعدة"])

    @pytest.mark.parametrize(("text", "index"), [("لا", 1), ("نعم", 0), ("٢", 1), ("مساعدة", 3)])
    def test_a_word_two_choices_begin_with_is_the_questions_own(
        self, text: str, index: int
    ) -> None:
        assert match_answer(self.SAFE_AR, text, last=(2, 3)) == index

    HOME = (["Talk to Jo"], ["I'm worried"], ["I don't know / Help"])

    @pytest.mark.parametrize(("text", "index"), [("2", None), ("worried", None), ("jo", 0)])
    def test_buttons_have_no_numbers_and_worried_needs_its_whole_name(
        self, text: str, index: int | None
    ) -> None:
        assert match_answer(self.HOME, text, numbered=False, whole_only=(1,)) == index
        assert match_answer(self.HOME, "I'm worried", numbered=False, whole_only=(1,)) == 1

    def test_a_word_in_two_choices_that_begins_neither_is_no_choice(self) -> None:
        safe = (["Yes, I am safe"], ["No, not safe"], ["Something else"], ["I don't know / Help"])
        assert match_answer(safe, "safe", last=(2, 3)) is None
