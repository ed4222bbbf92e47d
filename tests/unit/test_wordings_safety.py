"""The safety lane never fails on a council's wording: a version that cannot be filled in
(one the studio should have refused) falls back to the shipped wording, logged by ids."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.content.catalogue import Catalogue
from bot.content.messages import ContentError, Wording
from bot.content.render import render
from bot.content.wordings import render_safely
from bot.domain.profiles import CommunicationProfile, Level

PROJECT_CONTENT = Path(__file__).resolve().parents[2] / "content"
ARABIC = CommunicationProfile(language="ar", level=Level.STANDARD)
VALUES = {"worker": "Jo", "name": "Sam"}


def _broken() -> Catalogue:
    shipped = Catalogue.load(PROJECT_CONTENT)
    bad = Wording(1, "concern_raised", "ar", None, "شكرا. {password}")
    return shipped.overlaid([bad]).for_safety()


def test_the_councils_broken_wording_raises_on_its_own() -> None:
    with pytest.raises(ContentError):
        render(_broken(), "concern_raised", VALUES, ARABIC)


def test_the_safety_lane_sends_the_shipped_wording_instead(
    caplog: pytest.LogCaptureFixture,
) -> None:
    council = _broken()
    with caplog.at_level(logging.WARNING):
        used, rendered = render_safely(council, "concern_raised", VALUES, ARABIC, council_id=7)
    shipped = Catalogue.load(PROJECT_CONTENT).for_safety()
    assert rendered == render(shipped, "concern_raised", VALUES, ARABIC)
    assert used is not council
    [record] = caplog.records
    assert "concern_raised" in record.getMessage()
    assert "Jo" not in record.getMessage()
