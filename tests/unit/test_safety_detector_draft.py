"""A fresh install's lexicon is a draft: `waypoint run` still starts, hearing worries with it,
and says so in one line (issue 16: a draft lexicon hears worries; refusing to start would
help nobody)."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from bot.content.safety_lexicon import load_lexicon
from bot.domain.safety.hearing import Action
from bot.entrypoints.bootstrap import safety_detector
from bot.paths import project_folder


def test_a_draft_lexicon_hears_worries_with_one_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    shutil.copytree(project_folder("content") / "safety", tmp_path / "safety")
    assert not load_lexicon(tmp_path).approved
    with caplog.at_level(logging.WARNING):
        detector = safety_detector(allow_drafts=False, serving=True, folder=tmp_path)
    assert detector.hear("i want to kill myself").action is Action.ALERT
    about_lexicon = [r for r in caplog.records if "lexicon.toml is a draft" in r.getMessage()]
    assert len(about_lexicon) == 1
