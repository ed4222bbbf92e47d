"""Pure rules behind delivery: cutting long texts for Telegram, telling an outage from a bad
message, and reading numbers people type (issue 9, points 4, 6 and 13)."""

from __future__ import annotations

import io
import logging
import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from bot.content.catalogue import Catalogue
from bot.content.lint import lint_folder
from bot.content.messages import ContentError
from bot.domain.numbers import whole_number
from bot.domain.outbox import Lane, Outage, retry_delay, split_for_telegram
from bot.observability import TemplatesOnly, WordlessFormatter

PROJECT_CONTENT = Path(__file__).resolve().parents[2] / "content"


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class TestSplittingForTelegram:
    def test_a_short_text_is_one_part(self) -> None:
        assert split_for_telegram("Hi Sam.") == ["Hi Sam."]

    @pytest.mark.parametrize(
        "text",
        [
            "a" * 9000,
            " ".join(f"word{n}" for n in range(3000)),
            "\n".join(f"line {n} of the record" for n in range(900)),
            "😟" * 5000,  # each counts twice in Telegram's UTF-16 units
        ],
    )
    def test_every_part_fits_and_nothing_is_lost(self, text: str) -> None:
        parts = split_for_telegram(text)
        assert len(parts) > 1
        assert all(0 < _units(part) <= 4096 for part in parts)
        assert " ".join(parts).split() == text.split() or "".join(parts) == text

    def test_it_cuts_at_a_line_before_a_word(self) -> None:
        text = ("x" * 3000) + "\n" + ("y" * 3000)
        assert split_for_telegram(text) == ["x" * 3000, "y" * 3000]


class TestOutage:
    def test_one_message_failing_again_and_again_is_not_an_outage(self) -> None:
        outage = Outage()
        assert all(outage.after(7, failed=True, worked=False) is None for _ in range(20))

    def test_three_different_messages_failing_pause_everything_longer_each_time(self) -> None:
        outage = Outage()
        assert outage.after(1, failed=True, worked=False) is None
        assert outage.after(2, failed=True, worked=False) is None
        assert outage.after(3, failed=True, worked=False) == timedelta(seconds=2)
        assert outage.after(4, failed=True, worked=False) == timedelta(seconds=4)
        for n in range(100):
            pause = outage.after(5 + n, failed=True, worked=False)
        assert pause == Outage.LONGEST

    def test_one_success_ends_it(self) -> None:
        outage = Outage()
        for n in range(5):
            outage.after(n, failed=True, worked=False)
        assert outage.down
        assert outage.after(9, failed=False, worked=True) is None
        assert not outage.down


class TestNumbersTyped:
    @pytest.mark.parametrize(
        ("text", "number"),
        [("12", 12), (" 7 ", 7), ("0", 0), ("²", None), ("①", None), ("٣", 3),
         ("١٢", 12), ("۲", 2), ("9" * 30, None), ("-3", None), ("1.5", None), ("", None),
         (None, None)],
    )  # fmt: skip
    def test_only_digits_in_range_ascii_or_arabic_indic(
        self, text: str | None, number: int | None
    ) -> None:
        assert whole_number(text) == number

    def test_a_range_is_kept(self) -> None:
        assert whole_number("4", low=1, high=3) is None
        assert whole_number("3", low=1, high=3) == 3


class TestTranslationsKeepTheirPlaceholders:
    def test_a_renamed_placeholder_stops_loading_and_fails_lint(self, tmp_path: Path) -> None:
        content = tmp_path / "content"
        shutil.copytree(PROJECT_CONTENT, content)
        po = content / "locale" / "ar" / "LC_MESSAGES" / "waypoint.po"
        # The translator renames {staff} in concern_passed_on, whatever the Arabic around it.
        entries = po.read_text(encoding="utf-8").split("\n\n")
        [n] = [n for n, e in enumerate(entries) if 'msgctxt "concern_passed_on|easy"' in e]
        english, arabic = entries[n].split("\nmsgstr ")
        assert "{staff}" in arabic
        entries[n] = f"{english}\nmsgstr {arabic.replace('{staff}', '{عامل}')}"
        po.write_text("\n\n".join(entries), encoding="utf-8")
        with pytest.raises(ContentError, match="concern_passed_on"):
            Catalogue.load(content, allow_drafts=True)
        [finding] = lint_folder(content)
        assert finding.finding.rule == "CONTENT"


def test_a_logged_traceback_keeps_where_but_not_what_the_error_said() -> None:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(WordlessFormatter("%(message)s"))
    log = logging.getLogger("tests.wordless")
    log.addHandler(handler)
    typed = "".join(("①", "Canary", "Typed"))  # so the source line does not hold it
    try:
        try:
            int(typed)
        except ValueError:
            log.exception("failed")
    finally:
        log.removeHandler(handler)
    assert "ValueError" in out.getvalue()
    assert "test_delivery_rules.py" in out.getvalue()
    assert "Canary" not in out.getvalue()


def test_a_safety_message_is_retried_within_half_a_minute_others_within_five() -> None:
    assert retry_delay(20, 0.999, lane=Lane.SAFETY) <= timedelta(seconds=30)
    assert retry_delay(20, 0.999, lane=Lane.REMINDER) > timedelta(minutes=2)


def test_libraries_log_their_templates_not_the_values_in_them() -> None:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(WordlessFormatter("%(name)s %(message)s"))
    handler.addFilter(TemplatesOnly())
    library, ours = logging.getLogger("telegram.ext.tests"), logging.getLogger("bot.tests")
    for log in (library, ours):
        log.addHandler(handler)
    try:
        library.error('Can not load invalid JSON data: "%s"', "CanaryRawBatch")
        ours.error("update %s set aside", 42)
    finally:
        for log in (library, ours):
            log.removeHandler(handler)
    assert "CanaryRawBatch" not in out.getvalue()
    assert "Can not load invalid JSON data" in out.getvalue()
    assert "update 42 set aside" in out.getvalue()
