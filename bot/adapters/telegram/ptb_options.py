"""python-telegram-bot options Waypoint relies on wherever it makes a Bot."""

from __future__ import annotations

import os


def use_timedelta_retry_after() -> None:
    """Opt in to PTB's timedelta `retry_after` now.

    Otherwise every 429 also raises a deprecation warning: noise in production, and an error
    under the test suite's warnings-as-errors setting.
    """
    os.environ.setdefault("PTB_TIMEDELTA", "true")
