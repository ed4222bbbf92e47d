"""The committed learned layer is what `waypoint safety train` builds from the committed
examples (issue 14): retrained here from scratch, fixed seed, and compared."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.entrypoints.safety_training import (
    ASK_AT_TOLERANCE,
    build,
    default_everyday,
    same_model,
)

PROJECT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def test_the_committed_model_is_what_the_training_command_builds() -> None:
    committed = json.loads((PROJECT / "content" / "safety" / "model.json").read_text())
    assert default_everyday().is_file(), "put ../shared beside the project (see README)"
    built = build(drafts=committed["built_with"]["drafts"])
    assert same_model(built.data, committed) is None, (
        "content/safety/model.json is stale: run `waypoint safety train --drafts` and commit it"
    )
    # And a change to the examples would show: the fingerprint covers every line.
    changed = dict(committed, data_sha256="0" * 64)
    assert same_model(built.data, changed) == "its data_sha256 differs"
    # Another processor's arithmetic moves the threshold by thousandths; more is another model.
    moved = dict(committed, ask_at=committed["ask_at"] + 2 * ASK_AT_TOLERANCE)
    assert same_model(built.data, moved) == "its threshold to ask differs"
