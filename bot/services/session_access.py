"""Who may book and change a young person's sessions, and finding a session they may change.

The rule is bot.domain.access.may_book_session; the hub's IT operator at the command line is
trusted with every hub. A session someone may not change is "no such session" to them, so
nobody learns that it exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.access import Viewer, may_book_session
from bot.domain.actors import OPERATOR, Actor, KnownStaff
from bot.domain.errors import MayNotBookSession, NoSuchSession, YoungPersonNotFound
from bot.domain.people import Role
from bot.services.ports import UnitOfWork
from bot.services.records import SessionRecord, StaffRecord, YoungPersonRecord


@dataclass(frozen=True)
class AtCommandLine:
    """The hub's IT operator at the server's command line: trusted with every hub."""

    @property
    def actor(self) -> Actor:
        """As records keep them."""
        return OPERATOR


Booker = KnownStaff | AtCommandLine


async def young_person(uow: UnitOfWork, young_person_id: int) -> YoungPersonRecord:
    """The young person with this number, or YoungPersonNotFound."""
    person = await uow.young_people.get(young_person_id)
    if person is None:
        raise YoungPersonNotFound(name=f"#{young_person_id}", example="")
    return person


def viewer_of(staff: StaffRecord, person: YoungPersonRecord) -> Viewer:
    """What access rules need to know about this member of staff and this young person."""
    worker = person.key_worker
    covering = worker.away and worker.cover_id == staff.id
    return Viewer(
        role=Role(staff.role),
        active=staff.active,
        same_hub=staff.hub_id == person.hub_id,
        same_council=False,
        their_worker=staff.id == person.key_worker_id or covering,
        their_coach=staff.id == person.life_coach_id,
        named_worker=staff.id == person.key_worker_id,
    )


async def may_book(uow: UnitOfWork, by: Booker, person: YoungPersonRecord) -> bool:
    """Whether `by` may book and change this young person's sessions."""
    if isinstance(by, AtCommandLine):
        return True
    staff = await uow.staff.get(by.staff_id)
    return staff is not None and may_book_session(viewer_of(staff, person))


async def check_may_book(uow: UnitOfWork, by: Booker, person: YoungPersonRecord) -> None:
    """Raise MayNotBookSession unless `by` may book and change this young person's sessions."""
    if not await may_book(uow, by, person):
        raise MayNotBookSession(name=person.first_name)


async def access_session(
    uow: UnitOfWork, by: Booker, session_id: int
) -> tuple[SessionRecord, YoungPersonRecord]:
    """A session `by` may change, locked against a second change at the same time."""
    session = await uow.sessions.get(session_id, for_update=True)
    if session is None:
        raise NoSuchSession(number=str(session_id))
    person = await young_person(uow, session.young_person_id)
    try:
        await check_may_book(uow, by, person)
    except MayNotBookSession:
        raise NoSuchSession(number=str(session_id)) from None
    return session, person


async def staff_told(uow: UnitOfWork, by: Booker, person: YoungPersonRecord) -> StaffRecord:
    """Who hears about a change: whoever made it, or the named worker for the operator."""
    if isinstance(by, KnownStaff):
        staff = await uow.staff.get(by.staff_id)
        if staff is not None:
            return staff
    return person.key_worker
