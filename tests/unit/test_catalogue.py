"""The content catalogue: every file loads, only approved wording goes live, translations come
from .po files, fallbacks are in the documented order, and a bad file is reported with its
name, message id and what to fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.catalogue import Catalogue
from bot.content.messages import ContentError
from bot.domain.profiles import Level

PROJECT_CONTENT = Path(__file__).resolve().parents[2] / "content"
APPROVED = 'status = "approved"\nreviewed_by = "A. Therapist"\nreviewed_on = 2026-11-20\n'
# Every catalogue needs the two buttons that end every choice.
LABELS = f"""
[button_something_else]
{APPROVED}
[button_something_else.en]
easy = "Something else"

[button_help]
{APPROVED}
[button_help.en]
easy = "Help"
"""


def _entry(context: str, english: str, arabic: str, *, fuzzy: bool = False) -> str:
    flag = "#, fuzzy\n" if fuzzy else ""
    return f'{flag}msgctxt "{context}"\nmsgid "{english}"\nmsgstr "{arabic}"\n\n'


def _catalogue(
    tmp_path: Path, body: str, *, arabic: str = "", allow_drafts: bool = True
) -> Catalogue:
    (tmp_path / "messages").mkdir(exist_ok=True)
    (tmp_path / "messages" / "test.toml").write_text(body + LABELS, encoding="utf-8")
    if arabic:
        po = tmp_path / "locale" / "ar" / "LC_MESSAGES" / "waypoint.po"
        po.parent.mkdir(parents=True, exist_ok=True)
        header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        po.write_text(header + arabic, encoding="utf-8")
    return Catalogue.load(tmp_path, allow_drafts=allow_drafts)


class TestProjectContent:
    def test_every_file_loads_with_its_arabic(self) -> None:
        catalogue = Catalogue.load(PROJECT_CONTENT, allow_drafts=True)
        assert {"welcome", "stranger", "code_refused", "invite_created"} <= set(catalogue.ids())
        assert catalogue.languages() == ["en", "ar"]

    def test_the_welcome_names_the_young_person_and_their_worker(self) -> None:
        # Saying Waypoint is a computer, not a person, is the therapists' wording to keep.
        catalogue = Catalogue.load(PROJECT_CONTENT, allow_drafts=True)
        text = catalogue.text("welcome", name="Sam", worker="Jo")
        assert "Sam" in text
        assert "Jo" in text

    def test_draft_wording_loads_but_is_not_sent(self) -> None:
        # Issue 16: Waypoint starts with drafts; a draft is refused when it would be sent.
        catalogue = Catalogue.load(PROJECT_CONTENT)
        assert not catalogue.message("welcome").approved
        with pytest.raises(ContentError, match="WAYPOINT_ALLOW_DRAFT_CONTENT=true"):
            catalogue.text("welcome", name="Sam", worker="Jo")


class TestApproval:
    BODY = f"""
[hello]
{APPROVED}
[hello.en]
easy = "Hello"
"""

    def test_approved_wording_loads_without_drafts_allowed(self, tmp_path) -> None:
        catalogue = _catalogue(tmp_path, self.BODY, allow_drafts=False)
        assert catalogue.text("hello") == "Hello"

    def test_a_draft_message_is_refused_when_sent_naming_it(self, tmp_path) -> None:
        body = self.BODY + '[later]\n[later.en]\neasy = "Later"\n'
        catalogue = _catalogue(tmp_path, body, allow_drafts=False)
        with pytest.raises(ContentError, match=r"test.toml \[later\] is a draft"):
            catalogue.text("later")

    def test_the_safety_lane_sends_a_draft_when_nothing_is_live(self, tmp_path) -> None:
        body = self.BODY + '[later]\n[later.en]\neasy = "Later"\n'
        catalogue = _catalogue(tmp_path, body, allow_drafts=False)
        assert catalogue.for_safety().text("later") == "Later"
        assert catalogue.for_safety().text("hello") == "Hello"

    def test_a_fuzzy_translation_is_a_draft_so_english_is_used(self, tmp_path) -> None:
        arabic = _entry("hello|easy", "Hello", "مرحبا", fuzzy=True)
        catalogue = _catalogue(tmp_path, self.BODY, arabic=arabic, allow_drafts=False)
        assert catalogue.text("hello", language="ar") == "Hello"

    def test_a_reviewed_translation_goes_live(self, tmp_path) -> None:
        arabic = _entry("hello|easy", "Hello", "مرحبا")
        catalogue = _catalogue(tmp_path, self.BODY, arabic=arabic, allow_drafts=False)
        assert catalogue.text("hello", language="ar") == "مرحبا"

    def test_a_translation_of_english_that_has_since_changed_is_not_used(self, tmp_path) -> None:
        arabic = _entry("hello|easy", "Hello there", "مرحبا")
        catalogue = _catalogue(tmp_path, self.BODY, arabic=arabic, allow_drafts=False)
        assert catalogue.text("hello", language="ar") == "Hello"

    def test_approval_needs_a_reviewer_and_a_date(self, tmp_path) -> None:
        body = '[hello]\nstatus = "approved"\n[hello.en]\neasy = "Hello"\n'
        with pytest.raises(ContentError, match="needs reviewed_by and reviewed_on"):
            _catalogue(tmp_path, body)


class TestFallbacks:
    BODY = """
[both]
[both.en]
easy = "easy en"
standard = "standard en"

[only_standard]
[only_standard.en]
standard = "standard only"
"""
    ARABIC = _entry("both|standard", "standard en", "standard ar")

    def test_the_asked_for_level_and_language_come_first(self, tmp_path) -> None:
        catalogue = _catalogue(tmp_path, self.BODY, arabic=self.ARABIC)
        assert catalogue.text("both", language="en", level=Level.STANDARD) == "standard en"
        assert catalogue.text("both", language="ar", level=Level.STANDARD) == "standard ar"

    def test_then_the_other_level_in_the_same_language(self, tmp_path) -> None:
        catalogue = _catalogue(tmp_path, self.BODY, arabic=self.ARABIC)
        assert catalogue.text("both", language="ar", level=Level.EASY) == "standard ar"

    def test_then_english(self, tmp_path) -> None:
        catalogue = _catalogue(tmp_path, self.BODY, arabic=self.ARABIC)
        assert catalogue.text("both", language="cy", level=Level.EASY) == "easy en"
        assert catalogue.text("only_standard", language="cy", level=Level.EASY) == "standard only"


class TestBadFiles:
    @pytest.mark.parametrize(
        ("body", "expected"),
        [
            ("[a]\n[a.ar]\neasy = 'x'\n", "test.toml [a]: write only English"),
            ("[a]\n[a.en]\neasy = 'x'\n[a.ar]\neasy = 'y'\n", "translations go in content/locale"),
            ("[a]\nstatus = 'done'\n[a.en]\neasy = 'x'\n", "status must be 'draft' or 'approved'"),
            ("[a]\n[a.en]\neasy = 'hi {worker.name}'\n", "must be a plain name"),
            ("[a]\n[a.en]\nesay = 'typo'\n", "unknown keys ['esay']"),
            ("[a]\n[a.en]\neasy = ''\n", "test.toml [a].en.easy: must be non-empty text"),
            ("[a]\n[a.en]\neasy = 'x'\nsymbols = '👋 🧑'\n", "one picture per line"),
            ("[a]\nbuttons = ['x']\n[a.en]\neasy = 'x?'\n", "button 'x' has no [button_x] label"),
            (
                "[a]\nbuttons = ['w', 'x', 'y', 'z']\n[a.en]\neasy = 'x?'\n",
                "4 buttons; at most 3 (SL-7)",
            ),
            ("[a\n", "not valid TOML"),
        ],
    )
    def test_each_problem_is_named(self, tmp_path, body: str, expected: str) -> None:
        with pytest.raises(ContentError) as caught:
            _catalogue(tmp_path, body)
        assert expected in str(caught.value)

    def test_a_translation_without_a_level_in_its_context_is_named(self, tmp_path) -> None:
        with pytest.raises(ContentError, match=r"waypoint.po:\d+: msgctxt must be"):
            _catalogue(tmp_path, "[a]\n[a.en]\neasy = 'x'\n", arabic=_entry("a", "x", "y"))

    def test_a_missing_value_is_named(self, tmp_path) -> None:
        catalogue = _catalogue(tmp_path, "[a]\n[a.en]\neasy = 'Hi {name}'\n")
        with pytest.raises(ContentError, match=r"a: no value given for \['name'\]"):
            catalogue.text("a")

    def test_an_unknown_id_is_named(self, tmp_path) -> None:
        catalogue = _catalogue(tmp_path, "[a]\n[a.en]\neasy = 'Hi'\n")
        with pytest.raises(ContentError, match="no message with id 'b'"):
            catalogue.text("b")

    def test_the_same_id_twice_is_refused(self, tmp_path) -> None:
        _catalogue(tmp_path, "[a]\n[a.en]\neasy = 'Hi'\n")
        (tmp_path / "messages" / "other.toml").write_text("[a]\n[a.en]\neasy = 'Hey'\n")
        with pytest.raises(ContentError, match="also defined in"):
            Catalogue.load(tmp_path, allow_drafts=True)
