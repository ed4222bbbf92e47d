"""The /book flow's map: every step, what leads where, and what staff write."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from bot.domain.booking import (
    TRANSITIONS,
    WRITING,
    Did,
    OneLine,
    Step,
    days_from,
    next_step,
    read_clock,
    read_one_line,
)


def _wall(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    """A wall-clock time at a place: no zone of its own (SE-2)."""
    return datetime.combine(date(year, month, day), time(hour, minute))


# The whole flow, as a safeguarding lead would read it: (from, did) -> to.
MAP = [
    (Step.WHO, Did.CHOSE_PERSON, Step.DAY),
    (Step.DAY, Did.CHOSE_DAY, Step.TIME),
    (Step.TIME, Did.CHOSE_TIME, Step.PLACE),
    (Step.TIME, Did.WILL_WRITE_TIME, Step.WRITE_TIME),
    (Step.WRITE_TIME, Did.WROTE_TIME, Step.PLACE),
    (Step.PLACE, Did.CHOSE_HUB, Step.CHECK),
    (Step.PLACE, Did.WILL_WRITE_PLACE, Step.WRITE_PLACE),
    (Step.WRITE_PLACE, Did.WROTE_PLACE, Step.CHECK),
    (Step.CHECK, Did.BOOK, Step.BOOKED),
]


@pytest.mark.parametrize(("step", "did", "to"), MAP)
def test_each_answer_leads_to_the_next_question(step: Step, did: Did, to: Step) -> None:
    assert next_step(step, did) is to


def test_the_map_has_nothing_else_but_giving_up() -> None:
    moves = {(s, d) for s, ds in TRANSITIONS.items() for d in ds}
    assert moves - {(s, d) for s, d, _ in MAP} == {
        (s, Did.DROP) for s in Step if s not in {Step.BOOKED, Step.DROPPED}
    }


@pytest.mark.parametrize("step", list(Step))
def test_every_open_step_can_be_given_up_and_a_finished_one_goes_nowhere(step: Step) -> None:
    over = step in {Step.BOOKED, Step.DROPPED}
    assert next_step(step, Did.DROP) is (None if over else Step.DROPPED)


def test_an_old_button_changes_nothing() -> None:
    assert next_step(Step.CHECK, Did.CHOSE_PERSON) is None
    assert next_step(Step.BOOKED, Did.BOOK) is None


def test_only_the_write_steps_take_written_words() -> None:
    assert {Step.WRITE_TIME, Step.WRITE_PLACE} == WRITING


def test_days_offered_start_today_and_run_a_week() -> None:
    days = days_from(date(2027, 3, 1))
    assert days[0] == date(2027, 3, 1)
    assert days[1] == date(2027, 3, 2)
    assert len(days) == 7


@pytest.mark.parametrize(
    ("text", "clock"),
    [
        ("16:30", time(16, 30)),
        ("9:05", time(9, 5)),
        ("16.30", time(16, 30)),
        (" 00:00 ", time(0, 0)),
        ("24:00", None),
        ("16:3", None),
        ("4pm", None),
        ("sixteen", None),
        ("", None),
    ],
)
def test_a_written_time_is_read_on_the_24_hour_clock(text: str, clock: time | None) -> None:
    assert read_clock(text) == clock


@pytest.mark.parametrize(
    ("words", "line"),
    [
        ("Sam 2027-03-02 16:00", OneLine("Sam", _wall(2027, 3, 2, 16, 0))),
        (
            "Sam 2027-03-02 16:00 weekly",
            OneLine("Sam", _wall(2027, 3, 2, 16, 0), weekly=True),
        ),
        (
            "Sam Lee 2027-03-02 16:30 weekly at Harrogate Library",
            OneLine("Sam Lee", _wall(2027, 3, 2, 16, 30), weekly=True, place="Harrogate Library"),
        ),
        (
            "#12 2027-03-02 10:00 at the park",
            OneLine("#12", _wall(2027, 3, 2, 10, 0), place="the park"),
        ),
        ("Sam 2027-03-02", None),
        ("Sam tomorrow 16:00", None),
        ("Sam 2027-03-02 16:00 at", None),
        ("2027-03-02 16:00", None),
    ],
)
def test_the_one_line_form(words: str, line: OneLine | None) -> None:
    assert read_one_line(words.split()) == line
