"""Making a goal with a young person (bot.domain.goal_flow): the one map of steps."""

from __future__ import annotations

import pytest

from bot.domain.goal_flow import TRANSITIONS, WRITING, Did, Step, next_step

_OPEN = [Step.WORDS, Step.CHECK, Step.AREA]


@pytest.mark.parametrize("step", _OPEN)
def test_every_open_question_can_be_given_up(step: Step) -> None:
    assert next_step(step, Did.DROP) is Step.DROPPED


def test_a_goal_is_saved_only_after_its_words_were_read_back_and_an_area_chosen() -> None:
    leads_to_saved = {
        (step, did)
        for step, moves in TRANSITIONS.items()
        for did, to in moves.items()
        if to is Step.SAVED
    }
    assert leads_to_saved == {(Step.AREA, Did.CHOSE_AREA), (Step.AREA, Did.NO_AREA)}
    assert next_step(Step.WORDS, Did.WROTE) is Step.CHECK
    assert next_step(Step.CHECK, Did.RIGHT) is Step.AREA


def test_write_it_again_goes_back_to_the_words() -> None:
    assert next_step(Step.CHECK, Did.AGAIN) is Step.WORDS


@pytest.mark.parametrize("step", [Step.SAVED, Step.DROPPED])
def test_nothing_moves_a_draft_that_is_over(step: Step) -> None:
    assert all(next_step(step, did) is None for did in Did)


def test_an_old_button_at_the_wrong_question_changes_nothing() -> None:
    assert next_step(Step.WORDS, Did.RIGHT) is None
    assert next_step(Step.AREA, Did.WROTE) is None
    assert next_step(Step.CHECK, Did.CHOSE_AREA) is None


def test_only_the_words_question_takes_written_words() -> None:
    assert frozenset({Step.WORDS}) == WRITING


def test_every_button_is_a_goal_button_never_a_booking_one() -> None:
    assert all(did.value.startswith("goal_") for did in Did)
