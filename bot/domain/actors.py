"""Who acts: the person writing to Waypoint, and who did something as records keep it.

A channel (Telegram, the staff console, the command line) works out who is acting once, and
hands the services a typed actor; the services never look a Telegram id up to find out.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.domain.people import Role


class ActorKind(StrEnum):
    """Who did something, as the audit trail and a concern's chronology record it."""

    STAFF = "staff"
    YOUNG_PERSON = "young_person"
    # Waypoint itself: the ladder, the sender, tidying up.
    SYSTEM = "system"
    # Someone at the command line on the server (the hub's IT operator).
    OPERATOR = "operator"
    # Someone not known (yet): whoever sent an invite code that was refused.
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Actor:
    """One actor in a record: their kind, and their id when they are staff or a young person."""

    kind: ActorKind
    id: int | None = None

    @classmethod
    def staff(cls, staff_id: int) -> Actor:
        """A member of staff."""
        return cls(ActorKind.STAFF, staff_id)

    @classmethod
    def young_person(cls, young_person_id: int) -> Actor:
        """A young person."""
        return cls(ActorKind.YOUNG_PERSON, young_person_id)


SYSTEM = Actor(ActorKind.SYSTEM)
OPERATOR = Actor(ActorKind.OPERATOR)
UNKNOWN = Actor(ActorKind.UNKNOWN)


@dataclass(frozen=True)
class KnownStaff:
    """A member of staff who has not left, writing to Waypoint."""

    staff_id: int
    telegram_user_id: int
    hub_id: int
    council_id: int
    role: Role
    name: str

    @property
    def actor(self) -> Actor:
        """As records keep them."""
        return Actor.staff(self.staff_id)


@dataclass(frozen=True)
class KnownYoungPerson:
    """A linked young person writing to Waypoint."""

    young_person_id: int
    telegram_user_id: int
    hub_id: int

    @property
    def actor(self) -> Actor:
        """As records keep them."""
        return Actor.young_person(self.young_person_id)


@dataclass(frozen=True)
class Stranger:
    """Someone Waypoint does not know (staff who have left are strangers too)."""

    telegram_user_id: int


Writer = KnownStaff | KnownYoungPerson | Stranger
