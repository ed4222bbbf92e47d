"""GL-6 in the content lint: what a young person reads about their goals keeps no score: no
percentages, streaks, badges, points or "you missed" counts (research/goals-sessions.md)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from bot.content.catalogue import Catalogue
from bot.content.lint import WordLists, lint_catalogue
from bot.content.lint_rules import is_goal_message, lint_goal_text
from tests.unit.test_lint import ARABIC, LISTS, PROJECT_CONTENT, _content, _found

# A text that breaks GL-6, and the same thought kept to the goal and its rating.
CASES = [
    ("You are 40% of the way there!", "You are on your way."),
    ("You are 40 percent of the way there.", "Your goal: {goal}."),
    ("That is a 3 week streak!", "You rated it 3 times."),
    ("You rated it 4 weeks in a row.", "You rated it on Tuesday 3 March."),
    ("You missed 2 check-ins.", "Jo will ask about it {when}."),
    ("You earned a badge.", "You did a small step."),
    ("You got 10 points.", "You said 4 out of 10."),
    ("Your score is 7.", "You said 7 out of 10."),
    ("Level up! Keep going.", "Your next small step: {step}."),
    ("This step failed.", "Not yet is OK."),
]


def _rules(text: str, lists: WordLists | None = LISTS) -> list[str]:
    return [finding.rule for finding in lint_goal_text(text, lists)]


@pytest.mark.parametrize(("bad", "good"), CASES)
def test_the_rule_fails_a_scoring_draft_and_passes_the_plain_one(bad: str, good: str) -> None:
    assert "GL-6" in _rules(bad)
    assert _rules(good) == []


def test_a_percent_sign_fails_in_any_language_even_without_word_lists() -> None:
    assert _rules("٪40", None) == ["GL-6"]
    assert _rules("40%", None) == ["GL-6"]


def test_an_arabic_goal_text_is_held_to_its_own_list() -> None:
    assert _rules("ربحت 10 نقاط.", ARABIC) == ["GL-6"]
    assert _rules("فاتك تسجيلان.", ARABIC) == ["GL-6"]
    assert _rules("هدفك: {goal}.", ARABIC) == []


def test_goal_messages_are_found_by_file_or_by_id() -> None:
    for message_id in ("goal_made", "goals_none", "my_goal_rated", "part_rating_on",
                       "button_goal_pause", "button_step_done"):  # fmt: skip
        assert is_goal_message(message_id)
    assert is_goal_message("young_goal_no_room", Path("content/messages/goals.toml"))
    assert not is_goal_message("welcome", Path("content/messages/onboarding.toml"))
    assert not is_goal_message("session_booked")


def test_every_language_has_the_scoring_list_as_every_word_list_has_the_same_keys() -> None:
    keys = {
        path.stem: set(tomllib.loads(path.read_text(encoding="utf-8")))
        for path in (PROJECT_CONTENT / "lint").glob("*.toml")
    }
    assert "scoring" in keys["en"]
    assert all(found == keys["en"] for found in keys.values()), keys


def test_a_bad_goal_draft_fails_the_content_lint_and_other_messages_are_left_alone(
    tmp_path: Path,
) -> None:
    body = (
        '[goal_rated]\n[goal_rated.en]\neasy = "Great!\\nThat is a 3 week streak."\n'
        'symbols = ["🎉", "🔥"]\n'
        # Scoring words outside goal messages are other rules' business.
        '[a]\n[a.en]\neasy = "The match had a good score."\nsymbols = ["⚽"]\n'
    )
    assert _found(_content(tmp_path, body), "GL-6") == [
        "m.toml [goal_rated] en/easy: GL-6 fail: 'streak': no scores, streaks, badges or"
        " 'missed'; say the goal and rating"
    ]


def test_a_staff_goal_message_is_not_held_to_young_peoples_rules(tmp_path: Path) -> None:
    body = (
        '[goal_digest_staff]\naudience = "staff"\n[goal_digest_staff.en]\n'
        'standard = "Sam missed 2 check-ins."\n'
    )
    assert _found(_content(tmp_path, body), "GL-6") == []


def test_the_projects_goal_messages_pass_the_rule() -> None:
    catalogue = Catalogue.load(PROJECT_CONTENT, allow_drafts=True)
    goal_ids = [m.id for m in catalogue.messages() if is_goal_message(m.id, m.source)]
    assert {"goal_made", "goal_rated", "my_goal_rated", "part_rating_ten"} <= set(goal_ids)
    found = lint_catalogue(catalogue, PROJECT_CONTENT)
    assert [str(item) for item in found if item.finding.rule == "GL-6"] == []
