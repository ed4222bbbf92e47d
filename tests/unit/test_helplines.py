"""Helplines load with a date each was checked, and the linter warns once that is stale (SG-6)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.content.helplines import CHECK_EVERY, due_a_check, load_helplines
from bot.content.messages import ContentError

PROJECT_CONTENT = Path(__file__).resolve().parents[2] / "content"
ENTRY = """
[childline]
name = "Childline"
contact = "0800 1111"
for_whom = "anyone under 19"
hours = "any time, free"
verified_on = {checked}
source = "childline.org.uk"
"""


def _folder(tmp_path: Path, body: str) -> Path:
    (tmp_path / "helplines.toml").write_text(body, encoding="utf-8")
    return tmp_path


def test_the_projects_helplines_load_with_the_numbers_young_people_need() -> None:
    contacts = {line.id: line.contact for line in load_helplines(PROJECT_CONTENT)}
    assert contacts["emergency"] == "999"
    assert contacts["childline"] == "0800 1111"
    assert contacts["shout"] == "SHOUT to 85258"
    assert contacts["samaritans"] == "116 123"
    assert contacts["nhs_111"] == "111"


def test_a_check_older_than_six_months_is_due_again(tmp_path: Path) -> None:
    [line] = load_helplines(_folder(tmp_path, ENTRY.format(checked="2026-01-10")))
    assert due_a_check([line], line.verified_on + CHECK_EVERY) == []
    assert due_a_check([line], line.verified_on + CHECK_EVERY + timedelta(days=1)) == [line]


def test_a_missing_field_is_named(tmp_path: Path) -> None:
    body = ENTRY.format(checked="2026-01-10").replace('hours = "any time, free"\n', "")
    with pytest.raises(ContentError, match=r"helplines.toml \[childline\]: missing hours"):
        load_helplines(_folder(tmp_path, body))


def test_a_date_that_is_not_a_date_is_named(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="verified_on must be a date"):
        load_helplines(_folder(tmp_path, ENTRY.format(checked='"last spring"')))
