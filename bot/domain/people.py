"""Who is who: the roles of hub staff, and how a Telegram account maps to a person."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """What a member of hub staff does; it decides what they may do through Waypoint."""

    KEY_WORKER = "key_worker"
    LIFE_COACH = "life_coach"
    SLT = "slt"
    MANAGER = "manager"
    DUTY = "duty"
    POLICE_LIAISON = "police_liaison"
    # The council's out-of-hours team (emergency duty): answers concerns nobody else has.
    ON_CALL = "on_call"
    # The hub's IT operator: keeps Waypoint running; told when something needs a person
    # (a concern nobody can be told about), never what a young person said.
    OPERATOR = "operator"
    # Alone may change what Waypoint hears as a worry: the safety lexicon and the labelled
    # examples the learned model is trained on (the content studio).
    SAFEGUARDING_LEAD = "safeguarding_lead"


# A young person's named worker is always a key worker: the one adult who stays with them.
INVITING_ROLES = frozenset({Role.KEY_WORKER})


@dataclass(frozen=True)
class YoungPerson:
    """A young person linked to Waypoint, with the names the bot uses to talk to them."""

    id: int
    first_name: str
    language: str
    worker_name: str


def may_invite(role: Role) -> bool:
    """Whether staff in this role may invite a young person to link with them."""
    return role in INVITING_ROLES
