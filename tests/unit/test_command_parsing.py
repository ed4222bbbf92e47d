"""Staff commands' words, read by the Telegram adapter before any service is called: what is
a command, and what is answered with how to use it (no network, no database)."""

from __future__ import annotations

import pytest

from bot.adapters.telegram.concern_handlers import parse_close, parse_reply
from bot.adapters.telegram.profile_handlers import parse_profile
from bot.services.concern_records import CloseConcern
from bot.services.profiles import ProfileAsked
from bot.services.talk import Reply


class TestClose:
    def test_a_number_and_an_outcome_close_that_concern(self) -> None:
        assert parse_close(["12", "spoke", "to", "Sam"]) == CloseConcern(12, "spoke to Sam")

    @pytest.mark.parametrize(
        "words", [[], ["12"], ["twelve", "done"], ["#12", "done"], ["-1", "done"]]
    )
    def test_without_a_number_and_an_outcome_staff_are_shown_how(self, words: list[str]) -> None:
        assert parse_close(words) is None


class TestReply:
    @pytest.mark.parametrize("who", ["Sam", "#12"])
    def test_a_name_or_number_then_words_is_a_reply(self, who: str) -> None:
        assert parse_reply([who, "yes", "friday", "is", "good"]) == Reply(
            who, "yes friday is good"
        )

    @pytest.mark.parametrize("words", [[], ["Sam"]])
    def test_a_reply_without_words_shows_how(self, words: list[str]) -> None:
        assert parse_reply(words) is None


class TestProfile:
    def test_a_name_alone_asks_to_see_the_profile(self) -> None:
        assert parse_profile(["Sam"]) == ProfileAsked("Sam")

    def test_a_name_a_setting_and_a_value_ask_for_a_change(self) -> None:
        assert parse_profile(["Sam", "language", "ar"]) == ProfileAsked("Sam", "language", "ar")

    def test_a_value_of_several_words_is_kept_whole(self) -> None:
        asked = parse_profile(["Sam", "name", "Sammy", "Jo"])
        assert asked == ProfileAsked("Sam", "name", "Sammy Jo")

    def test_a_setting_without_a_value_asks_for_it_with_no_value(self) -> None:
        assert parse_profile(["Sam", "name"]) == ProfileAsked("Sam", "name", "")

    def test_no_words_shows_how_to_use_it(self) -> None:
        assert parse_profile([]) is None
