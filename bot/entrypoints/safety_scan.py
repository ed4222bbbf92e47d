"""`waypoint safety scan`: one message per line in, one JSON verdict per line out."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TextIO

from bot.domain.safety.hearing import Action, hear
from bot.domain.safety.learned import Model
from bot.domain.safety.lexicon import Lexicon


def scan(lines: Iterable[str], out: TextIO, lexicon: Lexicon, model: Model | None) -> int:
    """Write {"action", "concern", "category", "urgency"} for each line to `out`; return how
    many would be acted on (alert or ask)."""
    acted = 0
    for line in lines:
        heard = hear(line.rstrip("\r\n"), lexicon, model)
        found = heard.detection
        acted += heard.action is not Action.NONE
        verdict = {
            "action": heard.action.value,
            "concern": found is not None,
            "category": found.category.value if found else None,
            "urgency": found.urgency.value if found else None,
        }
        out.write(json.dumps(verdict, ensure_ascii=False, separators=(",", ":")) + "\n")
    return acted
