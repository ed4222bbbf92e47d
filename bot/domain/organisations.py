"""Councils and hubs: how their names become stable identifiers."""

from __future__ import annotations

import re
import unicodedata


def slugify(name: str) -> str:
    """A lower-case ascii identifier for a name: "North Yorkshire" becomes "north-yorkshire"."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    if not slug:
        raise ValueError(f"{name!r} has no letters or digits to name it by")
    return slug[:64]
