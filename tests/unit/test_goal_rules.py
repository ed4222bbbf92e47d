"""Goal rules (research GL-1..5, GL-7), profile settings for goals, and when quiet hours end:
pure functions, no clock but the one passed in."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.domain.goals import (
    LONGEST_WORDS,
    REVIEW_AFTER,
    Cadence,
    GoalProblem,
    Picture,
    Rating,
    Scale,
    check_room,
    check_step_room,
    check_words,
    default_scale,
    most_goals,
    needs_review,
    next_check_in,
)
from bot.domain.profiles import CommunicationProfile, Level, ProfileProblem
from bot.domain.reminders import QuietHours, quiet_ends

TODAY = date(2026, 3, 3)
NOW = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
NIGHT = QuietHours(time(21, 0), time(8, 0))


def _problem(call: object, *args: object) -> str:
    with pytest.raises(GoalProblem) as caught:
        call(*args)  # type: ignore[operator]
    return caught.value.reason


class TestRatings:
    """GL-3: a rating is kept on its own scale, as given, never converted."""

    @pytest.mark.parametrize(
        ("written", "kept"),
        [("0", "0"), ("5", "5"), ("10", "10"), (" 7 ", "7"), ("07", "7"), ("٣", "3")],
    )
    def test_a_number_from_0_to_10_is_kept_as_that_number(self, written: str, kept: str) -> None:
        assert Rating.of(Scale.TEN, written) == Rating(Scale.TEN, kept)

    @pytest.mark.parametrize(
        "written", ["11", "-1", "4.5", "seven", "", "50%", "going_well", "1 0"]
    )
    def test_anything_else_is_not_on_the_0_to_10_scale(self, written: str) -> None:
        assert _problem(Rating.of, Scale.TEN, written) == "goal_rating_not_on_scale"

    def test_a_superscript_digit_is_refused_like_any_other_wrong_answer(self) -> None:
        assert _problem(Rating.of, Scale.TEN, "²") == "goal_rating_not_on_scale"

    @pytest.mark.parametrize("picture", list(Picture))
    def test_a_picture_is_kept_as_its_name_never_as_a_number(self, picture: Picture) -> None:
        rating = Rating.of(Scale.PICTURES, f" {picture.value.upper()} ")
        assert rating == Rating(Scale.PICTURES, picture.value)
        assert rating.value == picture.value
        assert not any(c.isdigit() or c == "%" for c in rating.value)

    @pytest.mark.parametrize("written", ["0", "5", "10", "good", "", "going well"])
    def test_a_number_or_any_other_word_is_not_a_picture(self, written: str) -> None:
        assert _problem(Rating.of, Scale.PICTURES, written) == "goal_rating_not_on_scale"


class TestHowManyGoals:
    """GL-1: 3 at once, 1 for easy read, or what the profile says (from 1 to 3)."""

    @pytest.mark.parametrize(
        ("profile_most", "easy_read", "most"),
        [(None, True, 1), (None, False, 3), (2, True, 2), (1, False, 1), (3, True, 3),
         (0, False, 1), (-4, True, 1), (9, False, 3)],
    )  # fmt: skip
    def test_the_profile_decides_within_1_to_3(
        self, profile_most: int | None, easy_read: bool, most: int
    ) -> None:
        assert most_goals(profile_most, easy_read=easy_read) == most

    def test_a_profile_reads_its_level_and_its_own_number(self) -> None:
        assert CommunicationProfile().most_goals == 1
        assert CommunicationProfile(level=Level.STANDARD).most_goals == 3
        assert CommunicationProfile(goals_most=2).most_goals == 2

    def test_easy_read_rates_with_pictures_and_standard_with_0_to_10(self) -> None:
        assert default_scale(easy_read=True) is Scale.PICTURES
        assert default_scale(easy_read=False) is Scale.TEN
        assert CommunicationProfile().scale is Scale.PICTURES
        assert CommunicationProfile(level=Level.STANDARD).scale is Scale.TEN
        assert CommunicationProfile(rating_scale=Scale.TEN).scale is Scale.TEN

    def test_room_runs_out_at_the_most(self) -> None:
        check_room(2, 3)
        check_room(0, 1)
        assert _problem(check_room, 3, 3) == "goal_no_room"
        assert _problem(check_room, 1, 1) == "goal_no_room"

    def test_a_goal_has_at_most_3_open_steps(self) -> None:
        check_step_room(0)
        check_step_room(2)
        assert _problem(check_step_room, 3) == "goal_step_no_room"


class TestOwnWords:
    """GL-2: the words are kept byte for byte."""

    @pytest.mark.parametrize(
        "words",
        ["  go to college  ", "be less angry 😤🙂", "stop   getting\nkicked out",
         "x" * LONGEST_WORDS, "أريد أن أنام جيدا"],
    )  # fmt: skip
    def test_words_come_back_exactly_as_given(self, words: str) -> None:
        kept = check_words(words)
        assert kept == words
        assert kept.encode() == words.encode()

    @pytest.mark.parametrize("words", ["", "   ", "\n\t"])
    def test_no_words_is_refused(self, words: str) -> None:
        assert _problem(check_words, words) == "goal_words_missing"

    def test_too_many_words_is_refused(self) -> None:
        assert _problem(check_words, "x" * (LONGEST_WORDS + 1)) == "goal_words_too_long"


class TestCheckIns:
    """GL-4: only at the chosen period; at sessions, never; a review after 12 weeks."""

    @pytest.mark.parametrize(
        ("cadence", "after"),
        [(Cadence.WEEKLY, timedelta(weeks=1)), (Cadence.FORTNIGHTLY, timedelta(weeks=2)),
         (Cadence.MONTHLY, timedelta(weeks=4))],
    )  # fmt: skip
    def test_the_next_check_in_is_one_period_on(self, cadence: Cadence, after: timedelta) -> None:
        assert next_check_in(cadence, after=NOW) == NOW + after

    def test_at_sessions_only_waypoint_never_asks(self) -> None:
        assert Cadence.SESSIONS.every is None
        assert next_check_in(Cadence.SESSIONS, after=NOW) is None

    def test_a_review_is_due_at_12_weeks_and_not_before(self) -> None:
        assert timedelta(weeks=12) == REVIEW_AFTER
        assert needs_review(NOW, NOW + timedelta(weeks=12))
        assert not needs_review(NOW, NOW + timedelta(weeks=12) - timedelta(seconds=1))


class TestProfileSettings:
    """The settings `goals`, `scale` and `check_ins`, as staff type them."""

    @pytest.mark.parametrize(
        ("setting", "value", "field", "expected"),
        [("goals", "2", "goals_most", 2), ("goals", "1", "goals_most", 1),
         ("scale", "pictures", "rating_scale", Scale.PICTURES),
         ("scale", "Ten", "rating_scale", Scale.TEN), ("scale", "0-10", "rating_scale", Scale.TEN),
         ("check_ins", "Weekly", "check_ins", Cadence.WEEKLY),
         ("check_ins", "fortnightly", "check_ins", Cadence.FORTNIGHTLY),
         ("check_ins", "sessions", "check_ins", Cadence.SESSIONS)],
    )  # fmt: skip
    def test_each_goal_setting_can_be_changed(
        self, setting: str, value: str, field: str, expected: object
    ) -> None:
        changed = CommunicationProfile().changed(setting, value, today=TODAY)
        assert getattr(changed, field) == expected

    @pytest.mark.parametrize(
        ("setting", "value", "says"),
        [("goals", "0", "from 1 to 3"), ("goals", "4", "from 1 to 3"),
         ("goals", "lots", "from 1 to 3"), ("scale", "stars", "scale must be pictures"),
         ("scale", "percent", "scale must be pictures"),
         ("check_ins", "daily", "check_ins must be one of sessions, weekly")],
    )  # fmt: skip
    def test_a_bad_goal_setting_says_what_to_write(
        self, setting: str, value: str, says: str
    ) -> None:
        with pytest.raises(ProfileProblem) as caught:
            CommunicationProfile().changed(setting, value, today=TODAY)
        assert says in str(caught.value)

    def test_goal_settings_survive_the_database(self) -> None:
        profile = CommunicationProfile(
            goals_most=2, rating_scale=Scale.TEN, check_ins=Cadence.MONTHLY
        )
        assert CommunicationProfile.from_record("en", profile.to_record()) == profile

    def test_a_profile_stored_before_goals_gets_the_defaults(self) -> None:
        stored = CommunicationProfile().to_record()
        for key in ("goals", "scale", "check_ins"):
            del stored[key]
        profile = CommunicationProfile.from_record("en", stored)
        assert (profile.goals_most, profile.rating_scale, profile.check_ins) == (
            None, None, Cadence.SESSIONS,
        )  # fmt: skip


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute)  # noqa: DTZ001 - a wall-clock time


class TestQuietEnds:
    """What may wait (a goal check-in) moves to the end of quiet hours, never into them."""

    @pytest.mark.parametrize(
        ("local", "ends"),
        [(_at(3, 22), _at(4, 8)), (_at(3, 21), _at(4, 8)), (_at(4, 7, 59), _at(4, 8)),
         (_at(4, 8), _at(4, 8)), (_at(3, 12), _at(3, 12))],
    )  # fmt: skip
    def test_inside_night_quiet_hours_it_waits_for_the_morning(
        self, local: datetime, ends: datetime
    ) -> None:
        assert quiet_ends(local, [NIGHT]) == ends

    def test_without_quiet_hours_now_is_fine(self) -> None:
        assert quiet_ends(_at(3, 23), []) == _at(3, 23)

    def test_a_daytime_stretch_ends_the_same_day(self) -> None:
        lunch = QuietHours(time(13, 0), time(14, 0))
        assert quiet_ends(_at(3, 13, 30), [lunch]) == _at(3, 14)

    def test_overlapping_stretches_end_when_the_last_one_does(self) -> None:
        school = QuietHours(time(7, 30), time(9, 0))
        assert quiet_ends(_at(3, 22), [NIGHT, school]) == _at(4, 9)
        assert quiet_ends(_at(3, 22), [school, NIGHT]) == _at(4, 9)
