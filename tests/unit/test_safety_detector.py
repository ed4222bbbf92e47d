"""Start-up's safety detector: the learned model joins the lexicon once approved (or when
drafts are allowed); a draft model leaves the lexicon alone, with one warning; a missing or
damaged model file stops start-up with one line."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest

from bot.content.safety_model import ModelError
from bot.entrypoints.bootstrap import safety_detector
from bot.paths import project_folder

SIGNED = 'status = "approved"\nreviewed_by = "A. Clinician"\nreviewed_on = 2026-11-20'
DRAFT = 'status = "draft"\nreviewed_by = ""'


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A content folder whose lexicon is approved and whose model is a draft."""
    shutil.copytree(project_folder("content") / "safety", tmp_path / "safety")
    lexicon = tmp_path / "safety" / "lexicon.toml"
    lexicon.write_text(lexicon.read_text(encoding="utf-8").replace(DRAFT, SIGNED), "utf-8")
    _set_model_status(tmp_path, "draft")
    return tmp_path


def _set_model_status(content: Path, status: str) -> None:
    path = content / "safety" / "model.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**data, "status": status}), encoding="utf-8")


def test_an_approved_model_joins_the_lexicon(content: Path) -> None:
    _set_model_status(content, "approved")
    detector = safety_detector(allow_drafts=False, serving=True, folder=content)
    assert detector.model is not None


def test_a_draft_model_joins_when_drafts_are_allowed(content: Path) -> None:
    detector = safety_detector(allow_drafts=True, serving=True, folder=content)
    assert detector.model is not None


def test_a_draft_model_leaves_the_lexicon_alone_with_one_warning(
    content: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        detector = safety_detector(allow_drafts=False, serving=True, folder=content)
    assert detector.model is None
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert "model.json is a draft" in warning.getMessage()


@pytest.mark.parametrize("damage", ["missing", "damaged"])
def test_a_missing_or_damaged_model_stops_start_up(content: Path, damage: str) -> None:
    path = content / "safety" / "model.json"
    if damage == "missing":
        path.unlink()
    else:
        path.write_text("{", encoding="utf-8")
    with pytest.raises(ModelError, match="waypoint safety train"):
        safety_detector(allow_drafts=True, serving=True, folder=content)
