"""Bank holidays: the project's file loads, a bad one says what to fix, and running out warns."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.content.holidays import load_holidays, running_out
from bot.content.messages import ContentError
from bot.domain.ladder import CouncilRules

PROJECT_CONTENT = Path(__file__).resolve().parents[2] / "content"


def test_the_project_lists_christmas_and_its_substitute_days() -> None:
    days = load_holidays(PROJECT_CONTENT)
    assert {date(2026, 12, 25), date(2026, 12, 28), date(2027, 12, 27)} <= days


def test_a_bad_day_is_named_with_what_to_write(tmp_path: Path) -> None:
    (tmp_path / "bank_holidays.toml").write_text('days = ["25 December"]\n', encoding="utf-8")
    with pytest.raises(ContentError, match=r"days must be a list of dates like \[2026-12-25"):
        load_holidays(tmp_path)


def test_a_list_ending_within_6_months_is_running_out() -> None:
    days = frozenset({date(2027, 3, 1)})
    assert running_out(days, date(2026, 11, 23))
    assert not running_out(days, date(2026, 8, 1))
    assert running_out(frozenset(), date(2026, 8, 1))


def test_office_hours_skip_bank_holidays() -> None:
    london = ZoneInfo("Europe/London")
    rules = CouncilRules(holidays=frozenset({date(2026, 12, 28)}))
    assert not rules.in_hours(datetime(2026, 12, 28, 11, tzinfo=london))
    assert rules.in_hours(datetime(2026, 12, 29, 11, tzinfo=london))
