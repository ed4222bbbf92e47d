"""The content catalogue: every file loads, fallbacks are in the documented order, and a bad
file is reported with its name, message id and what to fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.catalogue import Catalogue, ContentError, Level

PROJECT_CONTENT = Path(__file__).resolve().parents[2] / "content"


def _catalogue(tmp_path: Path, body: str) -> Catalogue:
    (tmp_path / "messages").mkdir(exist_ok=True)
    (tmp_path / "messages" / "test.toml").write_text(body, encoding="utf-8")
    return Catalogue.load(tmp_path)


class TestProjectContent:
    def test_every_file_loads(self) -> None:
        catalogue = Catalogue.load(PROJECT_CONTENT)
        assert {"welcome", "stranger", "code_refused", "invite_created"} <= set(catalogue.ids())

    def test_the_welcome_names_the_worker_and_says_it_is_not_a_person(self) -> None:
        text = Catalogue.load(PROJECT_CONTENT).text("welcome", name="Sam", worker="Jo")
        assert "Sam" in text
        assert "Jo" in text
        assert "not a person" in text


class TestFallbacks:
    BODY = """
[both]
[both.en]
easy = "easy en"
standard = "standard en"
[both.ar]
standard = "standard ar"

[only_standard]
[only_standard.en]
standard = "standard only"
"""

    def test_the_asked_for_level_and_language_come_first(self, tmp_path) -> None:
        catalogue = _catalogue(tmp_path, self.BODY)
        assert catalogue.text("both", language="en", level=Level.STANDARD) == "standard en"
        assert catalogue.text("both", language="ar", level=Level.STANDARD) == "standard ar"

    def test_then_the_other_level_in_the_same_language(self, tmp_path) -> None:
        catalogue = _catalogue(tmp_path, self.BODY)
        assert catalogue.text("both", language="ar", level=Level.EASY) == "standard ar"

    def test_then_english(self, tmp_path) -> None:
        catalogue = _catalogue(tmp_path, self.BODY)
        assert catalogue.text("both", language="cy", level=Level.EASY) == "easy en"
        assert catalogue.text("only_standard", language="cy", level=Level.EASY) == "standard only"


class TestBadFiles:
    @pytest.mark.parametrize(
        ("body", "expected"),
        [
            ("[a]\n[a.ar]\neasy = 'x'\n", "test.toml [a]: has no English"),
            ("[a]\nstatus = 'done'\n[a.en]\neasy = 'x'\n", "status must be 'draft' or 'approved'"),
            ("[a]\n[a.en]\neasy = 'hi {worker.name}'\n", "must be a plain name"),
            ("[a]\n[a.en]\nesay = 'typo'\n", "unknown keys ['esay']"),
            ("[a]\n[a.en]\neasy = ''\n", "test.toml [a].en.easy: must be non-empty text"),
            ("[a\n", "not valid TOML"),
        ],
    )
    def test_each_problem_is_named(self, tmp_path, body: str, expected: str) -> None:
        with pytest.raises(ContentError, match=None) as caught:
            _catalogue(tmp_path, body)
        assert expected in str(caught.value)

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
            Catalogue.load(tmp_path)
