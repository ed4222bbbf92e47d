"""`waypoint safety scan`: one message per line in, one JSON verdict per line out."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TextIO

from bot.domain.safety.detection import detect
from bot.domain.safety.lexicon import Lexicon


def scan(lines: Iterable[str], out: TextIO, lexicon: Lexicon) -> int:
    """Write {"concern", "category", "urgency"} for each line to `out`; return the concerns."""
    concerns = 0
    for line in lines:
        found = detect(line.rstrip("\r\n"), lexicon)
        concerns += found is not None
        verdict = {
            "concern": found is not None,
            "category": found.category.value if found else None,
            "urgency": found.urgency.value if found else None,
        }
        out.write(json.dumps(verdict, ensure_ascii=False, separators=(",", ":")) + "\n")
    return concerns
