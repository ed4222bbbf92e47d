"""A young person's side of sessions: answering a reminder, "My sessions" (now and next),
and pausing reminders for a day or a week (SE-6, SE-7, SE-11).

"Change it" and "I'll be late" reach the worker (or whoever stands for them) at once; the
worker agrees a new time, so nothing is rebooked by itself. A pause is for reminders only:
/stop is the one that stops everything except replies about a worry.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.content.render import when
from bot.domain.actors import Actor
from bot.services.ladder_steps import who_answers
from bot.services.people import profile_of
from bot.services.ports import UnitOfWork
from bot.services.records import SessionRecord, YoungPersonRecord
from bot.services.reminders import REMINDERS
from bot.services.session_words import staff_values, staff_when, still_on, young_values

SESSIONS = "sessions"
THERE, CHANGE, LATE = "session_there", "session_change", "session_late"
PAUSE = "reminders_pause"
_PAUSES = {"pause_day": timedelta(days=1), "pause_week": timedelta(days=7)}
PAUSE_OFF = "pause_off"
# What the worker is told, and what the young person is told back, for each answer.
_ANSWERS = {
    THERE: ("session_coming_staff", "session_there_reply"),
    CHANGE: ("session_change_staff", "session_change_reply"),
    LATE: ("session_late_staff", "session_late_reply"),
}


def written_only(message_id: str) -> tuple[str, ...]:
    """Answers a question takes in words though it has no button for them: a reminder keeps
    to 3 buttons, and "I'll be late" is written (content's button_session_late names it)."""
    return (LATE,) if message_id in REMINDERS else ()


def is_session_choice(message_id: str) -> bool:
    """Whether a choice belongs here: a reminder's buttons, or the pause question."""
    return message_id in REMINDERS or message_id == PAUSE


async def choose_session(
    uow: UnitOfWork,
    person: YoungPersonRecord,
    message_id: str,
    key: str,
    *,
    now: datetime,
    ref: int | None = None,
) -> bool:
    """In the caller's unit of work: act on a reminder's button or a pause choice."""
    if message_id == PAUSE:
        return await _pause(uow, person, key, now=now)
    if key not in _ANSWERS:
        return False
    await answer_reminder(uow, person, key, now=now, ref=ref)
    return True


async def answer_reminder(
    uow: UnitOfWork,
    person: YoungPersonRecord,
    key: str,
    *,
    now: datetime,
    ref: int | None = None,
) -> None:
    """ "I'll be there", "Change it" or "I'll be late", about the session the reminder was
    for (`ref`, if it is theirs and still ahead), else the one they were last reminded of, else
    their next; change and late reach their worker now."""
    session = await _their_session(uow, person, ref, now=now)
    if session is None:
        session = await _reminded_session(uow, person, now=now)
    if session is None:
        await show_sessions(uow, person, now=now)
        return
    to_staff, reply = _ANSWERS[key]
    uow.sessions.record(session, key, at=now, by=Actor.young_person(person.id))
    worker = await who_answers(uow, person) or person.key_worker
    if key != THERE:
        values = await staff_values(uow, person, session)
        uow.postbox.to_staff(worker, to_staff, values, now=now, about=person)
    uow.postbox.to_young_person(person, reply, {"worker": worker.name}, now=now)


async def _their_session(
    uow: UnitOfWork, person: YoungPersonRecord, ref: int | None, *, now: datetime
) -> SessionRecord | None:
    """The session a reminder's button names, only if it is this young person's and ahead."""
    session = await uow.sessions.get(ref) if ref is not None else None
    if session is None or session.young_person_id != person.id:
        return None
    return session if still_on(session, now) else None


async def _reminded_session(
    uow: UnitOfWork, person: YoungPersonRecord, *, now: datetime
) -> SessionRecord | None:
    session = await uow.sessions.last_reminded(person.id)
    if session is not None and still_on(session, now):
        return session
    ahead = await uow.sessions.ahead_for(person.id, now=now, limit=1)
    return ahead[0] if ahead else None


async def show_sessions(uow: UnitOfWork, person: YoungPersonRecord, *, now: datetime) -> None:
    """ "My sessions": what is on now and next, with clock times, how long until, and when
    it ends (SE-11), or that nothing is booked."""
    ahead = await uow.sessions.ahead_for(person.id, now=now, limit=2)
    if not ahead:
        values = {"worker": person.key_worker.name}
        uow.postbox.to_young_person(person, "sessions_none", values, now=now)
        return
    first = ahead[0]
    now_on = first.starts_at <= now
    values = await young_values(uow, person, first, now=now)
    uow.postbox.to_young_person(
        person, "sessions_now" if now_on else "sessions_next", values, now=now
    )
    if len(ahead) > 1:
        after = await young_values(uow, person, ahead[1], now=now)
        uow.postbox.to_young_person(person, "sessions_after", after, now=now)


async def ask_pause(uow: UnitOfWork, person: YoungPersonRecord, *, now: datetime) -> None:
    """`/pause`: ask how long to pause reminders for."""
    uow.postbox.to_young_person(person, PAUSE, {}, now=now)


async def _pause(uow: UnitOfWork, person: YoungPersonRecord, key: str, *, now: datetime) -> bool:
    worker = await who_answers(uow, person) or person.key_worker
    name = {"name": person.first_name}
    if key == PAUSE_OFF:
        person.reminders_paused_until = None
        uow.postbox.to_young_person(person, "reminders_on", {}, now=now)
        uow.postbox.to_staff(worker, "reminders_on_staff", name, now=now, about=person)
        return True
    length = _PAUSES.get(key)
    if length is None:
        return False
    until = now + length
    person.reminders_paused_until = until
    hub = await uow.organisations.hub_by_id(person.hub_id)
    zone = ZoneInfo(hub.council.timezone)
    words = when(uow.postbox.catalogue_for(person), until, zone, profile_of(person))
    values = {"until": words, "worker": worker.name}
    uow.postbox.to_young_person(person, "reminders_paused", values, now=now)
    # Staff read times the same way everywhere ("Tuesday 3 March at 4:00 PM").
    staff_until = {**name, "until": staff_when(until, zone.key)}
    uow.postbox.to_staff(worker, "reminders_paused_staff", staff_until, now=now, about=person)
    uow.audit.record(
        "young_person.reminders_paused",
        at=now,
        by=Actor.young_person(person.id),
        hub_id=person.hub_id,
        subject_type="young_person",
        subject_id=person.id,
    )
    return True


async def do_ask_pause(uow: UnitOfWork, telegram_user_id: int, *, now: datetime) -> bool:
    """`/pause` from a young person: ask how long for; False if the sender is not one."""
    async with uow:
        person = await uow.young_people.by_telegram_id(telegram_user_id)
        if person is None:
            return False
        await ask_pause(uow, person, now=now)
        await uow.commit()
        return True
