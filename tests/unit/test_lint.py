"""The easy-read linter: each rule fires on a sentence that breaks it and stays quiet on one
that does not (rule ids from ../shared/research/domain.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.content.catalogue import Catalogue
from bot.content.lint import Severity, WordLists, lint_catalogue, lint_text

LISTS = WordLists.load()
PROJECT_CONTENT = Path(__file__).resolve().parents[2] / "content"

# rule, severity, a text that breaks it, a text that keeps it
CASES = [
    (
        "ER-1",
        "fail",
        "You can talk to Jo about anything that is on your mind at the hub on any day you like.",
        "You can talk to Jo.",
    ),
    (
        "ER-1",
        "warn",
        "You can talk to Jo about anything that is on your mind today.",
        "You can talk to Jo today.",
    ),
    (
        "ER-2",
        "warn",
        "Jo will come and you can talk but bring your bag.",
        "Jo will come. You can talk.",
    ),
    ("ER-3", "warn", "The meeting was cancelled.", "Jo cancelled the meeting."),
    ("ER-4", "fail", "Jo will call in three days.", "Jo will call in 3 days."),
    ("ER-4", "fail", "Most young people (80%) like it.", "Most young people like it."),
    ("ER-4", "fail", "Jo will come at 16:00.", "Jo will come at 4 o'clock."),
    ("ER-5", "fail", "Your PEP is on Monday.", "Your school plan is on Monday."),
    ("ER-5", "fail", "Bring things, e.g. a coat.", "Bring a coat."),
    ("ER-6", "fail", "Your placement is safe.", "Your home is safe."),
    ("ER-7", "warn", "Do not worry. Jo will not be late.", "Jo will be on time."),
    ("ER-8", "fail", "Your key worker will call.", "Your worker will call."),
    ("SL-1", "fail", "Is it Tuesday? Is Jo coming?", "Is Jo coming on Tuesday?"),
    ("SL-1", "warn", "Hi. I am Waypoint. Jo is your worker. Jo will call.", "Hi. Jo will call."),
    ("SL-3", "fail", "Jo comes on Tuesday. Do you understand?", "Which day is Jo coming?"),
    ("SL-4", "fail", "It will be a piece of cake.", "It will be easy."),
    ("SL-5", "fail", "Jo will see you soon.", "Jo will see you on Tuesday 3 March at 4 o'clock."),
    ("SL-5", "fail", "We will meet next week.", "We will meet on Friday."),
    ("SL-6", "warn", "Why did you leave?", "Where are you now?"),
    ("SG-2", "fail", "I will keep it secret.", "I will tell Jo."),
    ("SG-2", "fail", "This is just between us.", "Jo will read this."),
]


def _rules(text: str) -> set[tuple[str, str]]:
    return {(finding.rule, finding.severity.value) for finding in lint_text(text, LISTS)}


@pytest.mark.parametrize(("rule", "severity", "bad", "good"), CASES)
def test_the_rule_fires_on_a_bad_text_and_not_on_a_good_one(
    rule: str, severity: str, bad: str, good: str
) -> None:
    assert (rule, severity) in _rules(bad)
    assert not {found for found in _rules(good) if found[0] == rule}


def test_placeholders_count_as_one_word_and_are_not_acronyms() -> None:
    assert lint_text("{worker} will see you.", LISTS) == []


def test_allowed_acronyms_pass() -> None:
    assert lint_text("Call the NHS on 111.", LISTS) == []


def test_the_projects_content_has_nothing_to_fix() -> None:
    failing = [
        str(item)
        for item in lint_catalogue(Catalogue.load(PROJECT_CONTENT))
        if item.finding.severity == Severity.FAIL
    ]
    assert failing == []


def test_staff_messages_are_not_held_to_easy_read(tmp_path: Path) -> None:
    (tmp_path / "messages").mkdir()
    (tmp_path / "lint").mkdir()
    (tmp_path / "lint" / "en.toml").write_text((PROJECT_CONTENT / "lint" / "en.toml").read_text())
    (tmp_path / "messages" / "m.toml").write_text(
        '[a]\naudience = "staff"\n[a.en]\nstandard = "Your placement review is at 16:00."\n'
        '[b]\n[b.en]\neasy = "Your placement review is at 16:00."\n'
    )
    found = lint_catalogue(Catalogue.load(tmp_path), tmp_path)
    assert {item.message_id for item in found} == {"b"}
    assert str(found[0]).startswith("m.toml [b] en/easy: ")


class TestCommandLine:
    def _lint(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot.entrypoints.cli", "content", "lint", *args],
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip

    def test_a_bad_text_exits_non_zero_and_names_the_rule(self) -> None:
        result = self._lint("--text", "I will keep it secret. See you later.")
        assert result.returncode == 1
        assert "SG-2 fail" in result.stdout
        assert "SL-5 fail" in result.stdout

    def test_the_projects_content_passes(self) -> None:
        result = self._lint()
        assert result.returncode == 0, result.stdout
        assert result.stdout.splitlines()[-1].startswith("0 to fix")
