"""`/sessions` for staff: the sessions booked ahead, with the numbers the other commands take."""

from __future__ import annotations

from datetime import datetime

from bot.domain.access import StaffCommand
from bot.domain.actors import KnownStaff
from bot.services.identity import staff_record
from bot.services.people import access_young_person
from bot.services.ports import UnitOfWork
from bot.services.records import StaffRecord, YoungPersonRecord
from bot.services.session_access import check_may_book, may_book
from bot.services.session_words import staff_values
from bot.services.staff_help import check_may_use
from bot.services.staff_words import staff_text

# A list longer than this is asked for one young person at a time.
MOST_LISTED = 20


async def _whose(uow: UnitOfWork, staff: StaffRecord, who: str | None) -> list[YoungPersonRecord]:
    if who is not None:
        person = await access_young_person(uow, staff, who, command="sessions")
        return [person]
    return [
        *await uow.young_people.linked_to(staff.id),
        *await uow.young_people.coached_by(staff.id),
    ]


async def do_list_sessions(
    uow: UnitOfWork, actor: KnownStaff, who: str | None, *, now: datetime
) -> tuple[str, str] | None:
    """The sessions ahead of one young person (`who`) or of the sender's own, as lines, and
    the first one's number for an example; None when there are none."""
    check_may_use(actor.role, StaffCommand.SESSIONS)
    async with uow:
        staff = await staff_record(uow, actor)
        lines: list[tuple[datetime, int, str]] = []
        seen: set[int] = set()
        for person in await _whose(uow, staff, who):
            if person.id in seen:
                continue
            seen.add(person.id)
            if who is not None:
                await check_may_book(uow, actor, person)
            elif not await may_book(uow, actor, person):
                # Their own list leaves out anyone they may no longer book for (a coach who
                # moved hub), instead of refusing the whole list.
                continue
            # Where a young person will be, and when, is theirs: every look is audited.
            uow.audit.record(
                "sessions.viewed",
                at=now,
                by=actor.actor,
                hub_id=person.hub_id,
                subject_type="young_person",
                subject_id=person.id,
            )
            for session in await uow.sessions.ahead_for(person.id, now=now, limit=MOST_LISTED):
                values = await staff_values(uow, person, session)
                line = staff_text(uow.postbox.catalogue, "sessions_staff_line", **values)
                lines.append((session.starts_at, session.id, line))
        await uow.commit()
    if not lines:
        return None
    lines.sort()
    shown = lines[:MOST_LISTED]
    return "\n".join(line for _, _, line in shown), str(shown[0][1])
