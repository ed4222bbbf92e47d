"""Who may see and do what with a young person's concerns, profile and messages.

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
# At the young person's hub, these roles may write to any of its young people.
HUB_MESSENGERS = frozenset({Role.DUTY, Role.MANAGER})
# Who hears a safety message that could not be delivered, in order: first the hub's duty
# workers and managers, then (with nobody at the hub) the council's out-of-hours team.
REROUTE_ORDER = (Role.DUTY, Role.MANAGER, Role.ON_CALL)
# Who may mark staff as left, move them, give a young person a new worker and withdraw invite
# links at their hub: the people who run it (managers) and keep Waypoint going (operators).
STAFF_MANAGERS = frozenset({Role.MANAGER, Role.OPERATOR})


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
    # The young person's own life coach.
    their_coach: bool = False


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


def may_receive_rerouted(viewer: Viewer) -> bool:
    """A safety message that could not be delivered carries the young person's words, so it
    goes only to someone who may read them: the same rule as reading a concern."""
    return may_read_concern(viewer)


def may_message_young_person(viewer: Viewer) -> bool:
    """The named worker or their cover, the hub's duty workers and managers, and the young
    person's own life coach. Nobody else writes to a young person through Waypoint."""
    if not viewer.active:
        return False
    return (
        viewer.their_worker
        or (viewer.same_hub and viewer.their_coach)
        or (viewer.same_hub and viewer.role in HUB_MESSENGERS)
    )


def may_cover(*, role: Role, active: bool, away: bool, same_hub: bool) -> bool:
    """A cover takes a worker's alerts while they are away, words included: a key worker,
    duty worker or manager at the same hub, who is here (not away, not left)."""
    return active and not away and same_hub and role in COVER_ROLES


def may_change_profile(viewer: Viewer) -> bool:
    """The young person's own worker, or a speech and language therapist at their hub."""
    return viewer.active and viewer.same_hub and (viewer.their_worker or viewer.role is Role.SLT)


def goes_to_police_liaison(*, council_allows: bool, category: str | None) -> bool:
    """Going missing and exploitation (for the young person or a friend), where allowed."""
    return council_allows and category in POLICE_CATEGORIES


def may_manage_staff(viewer: Viewer) -> bool:
    """A hub's managers and operators, who have not left, look after its staff, its young
    people's named workers and its invite links; nobody looks after another hub's."""
    return viewer.active and viewer.same_hub and viewer.role in STAFF_MANAGERS
