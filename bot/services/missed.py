"""After a session: seen or not seen, a follow-up for a missed one, patterns for the manager,
and "what we agreed" (SE-9, SE-13).

"Not seen" gives the worker a follow-up at once and the young person one neutral message:
no blame and no cost (a linter rule keeps such words out of content). For under-18s staff
read "not brought", because a child is brought to a session, or not. Two missed or cancelled
in a row are told to the hub's managers; nothing is closed or ended automatically.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.actors import SYSTEM
from bot.domain.errors import SessionNotMarkable, YoungPersonPaused
from bot.domain.people import Role
from bot.domain.sessions import MISSED_IN_A_ROW, SessionState, is_child, may_mark, missed_in_a_row
from bot.services.ladder_steps import who_answers
from bot.services.pausing import is_paused
from bot.services.ports import UnitOfWork
from bot.services.records import SessionRecord, YoungPersonRecord
from bot.services.session_access import Booker, access_session, staff_told
from bot.services.session_words import staff_values, young_values
from bot.services.staff_words import staff_text


@dataclass(frozen=True)
class Marked:
    """A session marked seen or not seen, and whether the managers were told of a pattern."""

    session_id: int
    state: SessionState
    pattern: bool


async def do_mark(
    uow: UnitOfWork, by: Booker, session_id: int, *, seen: bool, now: datetime
) -> Marked:
    """Mark a session that has begun as seen or not seen (a mark can be corrected)."""
    async with uow:
        session, person = await access_session(uow, by, session_id)
        if not may_mark(SessionState(session.state), start=session.starts_at, now=now):
            raise SessionNotMarkable(number=str(session.id))
        state = SessionState.SEEN if seen else SessionState.NOT_SEEN
        if SessionState(session.state) is state:
            # Marked so already: a second /notseen must not send everything again.
            return Marked(session.id, state, pattern=False)
        session.state, session.changed_at = state, now
        uow.sessions.record(session, state.value, at=now, by=by.actor)
        uow.audit.record(
            f"session.{state.value}",
            at=now,
            by=by.actor,
            hub_id=person.hub_id,
            subject_type="session",
            subject_id=session.id,
        )
        pattern = False
        if not seen:
            await _follow_up(uow, person, session, now=now)
            pattern = await flag_pattern(uow, person, now=now)
        else:
            staff = await staff_told(uow, by, person)
            values = await staff_values(uow, person, session)
            uow.postbox.to_staff(staff, "session_seen_staff", values, now=now, about=person)
        await uow.commit()
        return Marked(session.id, state, pattern)


async def _follow_up(
    uow: UnitOfWork, person: YoungPersonRecord, session: SessionRecord, *, now: datetime
) -> None:
    """The worker (or whoever stands for them) gets a follow-up now; the young person one
    neutral message, unless they sent /stop."""
    worker = await who_answers(uow, person) or person.key_worker
    values = await staff_values(uow, person, session)
    child = is_child(person.born_on, today=now.date())
    values["missed"] = staff_text(
        uow.postbox.catalogue, "session_not_brought" if child else "session_did_not_come"
    )
    uow.postbox.to_staff(worker, "session_follow_up_staff", values, now=now, about=person)
    if not is_paused(person):
        young = await young_values(uow, person, session, now=now)
        uow.postbox.to_young_person(person, "session_missed", young, now=now)


async def flag_pattern(uow: UnitOfWork, person: YoungPersonRecord, *, now: datetime) -> bool:
    """In the caller's unit of work: tell the hub's managers when the young person's latest
    sessions were missed or cancelled enough times in a row (SE-9); True if they were told."""
    latest = await uow.sessions.over_latest_first(person.id, now=now, limit=MISSED_IN_A_ROW)
    if not missed_in_a_row(latest):
        return False
    managers = await uow.staff.in_hub(person.hub_id, Role.MANAGER.value)
    values = {
        "name": person.first_name,
        "count": str(MISSED_IN_A_ROW),
        "worker": person.key_worker.name,
    }
    for manager in managers:
        uow.postbox.to_staff(manager, "session_pattern_staff", values, now=now, about=person)
    uow.audit.record(
        "session.pattern",
        at=now,
        by=SYSTEM,
        hub_id=person.hub_id,
        subject_type="young_person",
        subject_id=person.id,
    )
    return bool(managers)


async def do_send_recap(
    uow: UnitOfWork, by: Booker, session_id: int, words: str, *, now: datetime
) -> None:
    """After a session: "what we agreed", the staff member's words in the young person's
    easy-read frame (content's session_recap), for a session that has begun."""
    async with uow:
        session, person = await access_session(uow, by, session_id)
        if session.starts_at > now or SessionState(session.state) is SessionState.CANCELLED:
            raise SessionNotMarkable(number=str(session.id))
        if is_paused(person):
            raise YoungPersonPaused(name=person.first_name)
        values = await young_values(uow, person, session, now=now)
        staff = await staff_told(uow, by, person)
        values.update(words=words.strip(), staff=staff.name)
        uow.postbox.to_young_person(person, "session_recap", values, now=now)
        # What was agreed is theirs: the history says a recap went, not what it said.
        uow.sessions.record(session, "recap", at=now, by=by.actor)
        uow.audit.record(
            "session.recap",
            at=now,
            by=by.actor,
            hub_id=person.hub_id,
            subject_type="session",
            subject_id=session.id,
        )
        await uow.commit()
