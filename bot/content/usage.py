"""Where each message id is used in Waypoint's code, for the content studio.

Found once, by reading bot/ for the id written as a string ("welcome"). An id the code builds
from a name (button labels `button_<key>`, role names `role_<role>`, `when_*` date phrases) is
not found this way; the studio says "built from a name" for those instead of guessing.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


@functools.cache
def _strings_by_module() -> dict[str, frozenset[str]]:
    found: dict[str, frozenset[str]] = {}
    for path in sorted(_PACKAGE.rglob("*.py")):
        if "devtools" in path.parts:
            continue
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (OSError, SyntaxError, UnicodeDecodeError):
            continue
        strings = frozenset(
            node.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
        )
        found[str(path.relative_to(_PACKAGE.parent))] = strings
    return found


def where_used(message_id: str) -> tuple[str, ...]:
    """The modules (bot/services/invites.py, ...) whose code names this message id."""
    return tuple(
        module for module, strings in _strings_by_module().items() if message_id in strings
    )


# Prefixes of ids the code makes from a name rather than writing out.
BUILT_FROM_A_NAME = ("button_", "role_", "role_about_", "help_", "command_", "when_")


def built_from_a_name(message_id: str) -> bool:
    """Whether the code makes this id from a name, so `where_used` cannot find it."""
    return message_id.startswith(BUILT_FROM_A_NAME)
