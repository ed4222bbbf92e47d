"""Who may see and do what with a young person's concerns and profile.

Pure rules, so they can be read (and tested) in one place. Services gather the facts (the
viewer's role and hub, whether they were alerted) and ask here.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.people import Role

# At the young person's hub, these roles may read any of its concerns.
HUB_WIDE = frozenset({Role.DUTY, Role.MANAGER})
# Besides whoever acknowledged it, these may close a concern.
CLOSERS = frozenset({Role.DUTY, Role.MANAGER})
# These may list concerns (the out-of-hours team across its council).
LISTERS = frozenset({Role.DUTY, Role.MANAGER, Role.ON_CALL})
# Who may stand in for a worker who is away: their alerts carry the young person's words.
COVER_ROLES = frozenset({Role.KEY_WORKER, Role.DUTY, Role.MANAGER})
# Concerns that also go to the hub's police liaison, where the council turns it on.
POLICE_CATEGORIES = frozenset({"missing", "exploitation"})


@dataclass(frozen=True)
class Viewer:
    """A member of staff asking to see or act on something about a young person."""

    role: Role
    active: bool
    same_hub: bool
    same_council: bool
    # The young person's named worker, or the colleague covering for them.
    their_worker: bool = False
    # Alerted about this concern already.
    told: bool = False


def may_read_concern(viewer: Viewer) -> bool:
    """Only those who need the words: the worker or their cover, the hub's duty workers and
    managers, the council's out-of-hours team, and anyone already alerted. Police liaison
    get a summary, never the words; other staff see nothing."""
    if not viewer.active:
        return False
    return (
        viewer.their_worker
        or viewer.told
        or (viewer.same_hub and viewer.role in HUB_WIDE)
        or (viewer.same_council and viewer.role is Role.ON_CALL)
    )


def may_close_concern(viewer: Viewer, *, acknowledged_it: bool) -> bool:
    """Whoever acknowledged it, or a duty worker or manager who may read it."""
    return may_read_concern(viewer) and (acknowledged_it or viewer.role in CLOSERS)


def may_change_profile(viewer: Viewer) -> bool:
    """The young person's own worker, or a speech and language therapist at their hub."""
    return viewer.active and viewer.same_hub and (viewer.their_worker or viewer.role is Role.SLT)


def goes_to_police_liaison(*, council_allows: bool, category: str | None) -> bool:
    """Going missing and exploitation (for the young person or a friend), where allowed."""
    return council_allows and category in POLICE_CATEGORIES
