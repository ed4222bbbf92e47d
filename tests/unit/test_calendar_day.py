"""Reading a day someone typed: YYYY-MM-DD only, within the years the console works in."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.numbers import calendar_day


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2026-03-10", date(2026, 3, 10)),
        (" 2026-03-10 ", date(2026, 3, 10)),
        ("\u0662\u0660\u0662\u0666-\u0660\u0663-\u0661\u0660", date(2026, 3, 10)),
        ("2000-01-01", date(2000, 1, 1)),
        ("2100-12-31", date(2100, 12, 31)),
        ("9999-12-31", None),
        ("0001-01-01", None),
        ("1999-12-31", None),
        ("2026-02-30", None),
        ("20260310", None),
        ("2026-W11", None),
        ("²026-03-10", None),
        ("", None),
        (None, None),
    ],
)
def test_calendar_day(text: str | None, day: date | None) -> None:
    assert calendar_day(text) == day
