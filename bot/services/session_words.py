"""A session in words: who, when, where and how long until (SE-1, SE-11), for the young
person in their own profile's words, and for staff in plain English.

Every piece is a content message (`part_session_*`, `part_kind_*`, `part_where_*`, `when_*`),
so the therapists decide the wording; this module only picks which piece fits.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.content.catalogue import Catalogue
from bot.content.render import render_line, when, when_near
from bot.domain.profiles import CommunicationProfile
from bot.domain.sessions import AHEAD, SessionState, SessionWith
from bot.i18n.dates import concrete_datetime, until_words
from bot.services.people import name_of, profile_of
from bot.services.ports import UnitOfWork
from bot.services.records import SessionRecord, YoungPersonRecord
from bot.services.staff_words import staff_text


def ends(session: SessionRecord) -> datetime:
    """When the session ends (UTC)."""
    return session.starts_at + timedelta(minutes=session.minutes)


def still_on(session: SessionRecord, now: datetime) -> bool:
    """Neither cancelled nor marked, and not over yet: a reminder's answer can be about it."""
    return SessionState(session.state) in AHEAD and ends(session) > now


async def with_name(uow: UnitOfWork, session: SessionRecord) -> str:
    """The name of the member of staff they see (or who goes with them), if any."""
    if session.staff_id is None:
        return ""
    staff = await uow.staff.get(session.staff_id)
    return staff.name if staff is not None else ""


def _what(
    catalogue: Catalogue,
    session: SessionRecord,
    staff_name: str,
    profile: CommunicationProfile,
) -> str:
    """ "You will see Jo", "You go to court": the kind of session, in their words."""
    kind = SessionWith(session.with_kind)
    message_id = "part_session_outside" if kind.outside else "part_session_staff"
    place = render_line(catalogue, f"part_kind_{kind.value}", {}, profile)
    return render_line(catalogue, message_id, {"staff": staff_name, "kind": place}, profile)


def _where(
    catalogue: Catalogue, session: SessionRecord, staff_name: str, profile: CommunicationProfile
) -> str:
    """ "It is at the hub." and, for an outside appointment, who goes with them."""
    place = "part_where_place" if session.place else "part_where_hub"
    where = render_line(catalogue, place, {"place": session.place or ""}, profile)
    going = [name for name in (staff_name, session.companion) if name]
    if SessionWith(session.with_kind).outside and going:
        company = render_line(catalogue, "part_going_with", {"names": " & ".join(going)}, profile)
        return f"{where} {company}"
    return where


async def young_values(
    uow: UnitOfWork, person: YoungPersonRecord, session: SessionRecord, *, now: datetime
) -> dict[str, str]:
    """The values of a message to a young person about one session: {what}, {when} (with
    "today" or "tomorrow" when it is), {where}, {ends} (clock time), {until} ("in 2 hours"),
    {worker} and {name}."""
    catalogue = uow.postbox.catalogue_for(person)
    profile = profile_of(person)
    zone = ZoneInfo(session.zone)
    staff_name = await with_name(uow, session)
    return {
        "name": name_of(person),
        "worker": person.key_worker.name,
        "what": _what(catalogue, session, staff_name, profile),
        "when": when_near(catalogue, session.starts_at, zone, profile, now=now),
        "where": _where(catalogue, session, staff_name, profile),
        "ends": when(catalogue, ends(session), zone, profile, day=False),
        "until": until_words(session.starts_at - now, profile.language),
    }


async def staff_values(
    uow: UnitOfWork, person: YoungPersonRecord, session: SessionRecord
) -> dict[str, str]:
    """The values of a message to staff about one session, in plain English."""
    catalogue = uow.postbox.catalogue
    zone = ZoneInfo(session.zone)
    staff_name = await with_name(uow, session)
    kind = staff_text(catalogue, f"session_with_{SessionWith(session.with_kind).value}")
    return {
        "name": person.first_name,
        "number": str(session.id),
        "with": f"{kind} {staff_name}".strip(),
        "when": concrete_datetime(session.starts_at, zone),
        "where": session.place or staff_text(catalogue, "session_at_the_hub"),
        "minutes": str(session.minutes),
        "state": staff_text(catalogue, f"session_state_{session.state.value}"),
    }


def staff_when(moment: datetime, zone: str) -> str:
    """A moment as staff read it ("Tuesday 3 March at 4:00 PM")."""
    return concrete_datetime(moment, ZoneInfo(zone))
