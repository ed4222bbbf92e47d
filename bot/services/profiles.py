"""Communication profiles: staff see and change them; young people choose their language and
pictures. Every change is audited, and the young person hears about it in their new words."""

from __future__ import annotations

from datetime import datetime

from bot.domain.access import Viewer, may_change_profile
from bot.domain.errors import SetupError
from bot.domain.numbers import whole_number
from bot.domain.people import Role
from bot.domain.profiles import SETTINGS, CommunicationProfile, ProfileProblem
from bot.i18n.dates import day_words, language_name
from bot.services.people import profile_of
from bot.services.ports import UnitOfWork
from bot.services.records import StaffRecord, YoungPersonRecord
from bot.services.staff_words import profile_lines


def _viewer(staff: StaffRecord, person: YoungPersonRecord) -> Viewer:
    return Viewer(
        role=Role(staff.role),
        active=staff.active,
        same_hub=staff.hub_id == person.hub_id,
        same_council=False,
        their_worker=staff.id == person.key_worker_id,
    )


async def _find(uow: UnitOfWork, staff: StaffRecord, who: str) -> YoungPersonRecord | None:
    """The young person `who` names at the staff member's hub; tells staff when it is unclear."""
    number = whole_number(who[1:]) if who.startswith("#") else None
    if number is not None:
        person = await uow.young_people.get(number)
        found = [person] if person is not None and person.hub_id == staff.hub_id else []
    else:
        found = list(await uow.young_people.in_hub_named(staff.hub_id, who))
    return found[0] if len(found) == 1 else None


async def _explain_not_found(uow: UnitOfWork, staff: StaffRecord, who: str, now: datetime) -> None:
    found = [] if who.startswith("#") else await uow.young_people.in_hub_named(staff.hub_id, who)
    if len(found) > 1:
        choices = "\n".join(f"/profile #{p.id} ({p.first_name})" for p in found)
        uow.postbox.to_staff(staff, "profile_several", {"name": who, "choices": choices}, now=now)
    else:
        uow.postbox.to_staff(staff, "profile_nobody", {"name": who}, now=now)


async def do_profile_command(
    uow: UnitOfWork, staff_telegram_id: int, words: list[str], *, now: datetime
) -> bool:
    """`/profile Sam` shows a profile; `/profile Sam language ar` changes one setting.

    Returns False when the sender is not staff, so the caller can answer them as anyone else.
    """
    async with uow:
        staff = await uow.staff.active_by_telegram_id(staff_telegram_id)
        if staff is None:
            return False
        if not words:
            uow.postbox.to_staff(staff, "profile_usage", {"settings": SETTINGS}, now=now)
        else:
            await _on_profile(uow, staff, words, now)
        await uow.commit()
        return True


async def find_for_staff(
    uow: UnitOfWork, staff: StaffRecord, who: str, now: datetime
) -> YoungPersonRecord | None:
    """The young person `who` names at the staff member's hub; if unclear, staff are told why."""
    person = await _find(uow, staff, who)
    if person is None:
        await _explain_not_found(uow, staff, who, now)
    return person


async def _on_profile(
    uow: UnitOfWork, staff: StaffRecord, words: list[str], now: datetime
) -> None:
    who, setting, value = words[0], *(words[1:2] or [""]), " ".join(words[2:])
    person = await find_for_staff(uow, staff, who, now)
    if person is None:
        return
    uow.audit.record(
        "profile.viewed" if not setting else "profile.change_asked",
        at=now, actor_type="staff", actor_id=staff.id, hub_id=person.hub_id,
        subject_type="young_person", subject_id=person.id,
    )  # fmt: skip
    if not may_change_profile(_viewer(staff, person)):
        uow.postbox.to_staff(staff, "profile_not_allowed", {"name": person.first_name}, now=now)
        return
    profile = profile_of(person)
    if not setting:
        values = {
            "name": person.first_name,
            "summary": profile_lines(uow.postbox.catalogue, profile),
        }
        uow.postbox.to_staff(staff, "profile_shown", values, now=now)
        return
    try:
        changed = profile.changed(setting, value, today=now.date())
    except ProfileProblem as problem:
        uow.postbox.to_staff(staff, "profile_problem", {"problem": str(problem)}, now=now)
        return
    save_profile(uow, person, changed, now=now, actor=("staff", staff.id))
    told = {"name": person.first_name, "setting": setting.lower(), "value": value or "(none)"}
    uow.postbox.to_staff(staff, "profile_updated", told, now=now)
    _tell_young_person(uow, person, changed, worker=staff.name, now=now)


def save_profile(
    uow: UnitOfWork,
    person: YoungPersonRecord,
    profile: CommunicationProfile,
    *,
    now: datetime,
    actor: tuple[str, int],
) -> None:
    """Store a changed profile and audit who changed it (never what it says)."""
    person.language = profile.language
    person.communication_profile = profile.to_record()
    uow.audit.record(
        "profile.changed",
        at=now, actor_type=actor[0], actor_id=actor[1], hub_id=person.hub_id,
        subject_type="young_person", subject_id=person.id,
    )  # fmt: skip


def _tell_young_person(
    uow: UnitOfWork,
    person: YoungPersonRecord,
    profile: CommunicationProfile,
    *,
    worker: str,
    now: datetime,
) -> None:
    # Rendered after the change is stored, so the young person reads it in their new words.
    if profile.review_on is None:
        uow.postbox.to_young_person(
            person, "profile_changed_no_review", {"worker": worker}, now=now
        )
        return
    values = {"worker": worker, "review_day": day_words(profile.review_on, profile.language)}
    uow.postbox.to_young_person(person, "profile_changed", values, now=now)


# The young person's own choices: which message asked, which button, and what it changes.
_OWN_CHOICES = {
    ("choose_language", "language_en"): ("language", "en", "language_changed"),
    ("choose_language", "language_ar"): ("language", "ar", "language_changed"),
    ("choose_symbols", "symbols_on"): ("symbols", "on", "symbols_on"),
    ("choose_symbols", "symbols_off"): ("symbols", "off", "symbols_off"),
}
OWN_SETTINGS = {"language": "choose_language", "symbols": "choose_symbols"}


def choose_own_setting(
    uow: UnitOfWork, person: YoungPersonRecord, message_id: str, key: str, *, now: datetime
) -> bool:
    """Apply a young person's own language or pictures choice and answer it; False if the
    button is not one of those."""
    if (message_id, key) not in _OWN_CHOICES:
        return False
    setting, value, reply = _OWN_CHOICES[message_id, key]
    changed = profile_of(person).changed(setting, value, today=now.date())
    save_profile(uow, person, changed, now=now, actor=("young_person", person.id))
    # The language by its own name, so the reply is true even if it falls back to English.
    language = {"language": language_name(changed.language)}
    uow.postbox.to_young_person(person, reply, language, now=now)
    return True


async def do_ask_own_setting(
    uow: UnitOfWork, telegram_user_id: int, setting: str, *, now: datetime
) -> bool:
    """Ask a young person which language or pictures they want; False if not a young person."""
    async with uow:
        person = await uow.young_people.by_telegram_id(telegram_user_id)
        if person is None:
            return False
        uow.postbox.to_young_person(person, OWN_SETTINGS[setting], {}, now=now)
        await uow.commit()
        return True


async def profile_summary(uow: UnitOfWork, young_person_id: int, *, now: datetime) -> str:
    """For `waypoint profile show`: the young person's profile, one setting per line."""
    async with uow:
        person = await _person(uow, young_person_id)
        uow.audit.record(
            "profile.viewed", at=now, actor_type="cli", hub_id=person.hub_id,
            subject_type="young_person", subject_id=person.id,
        )  # fmt: skip
        await uow.commit()
        return profile_lines(uow.postbox.catalogue, profile_of(person))


async def do_set_profile(
    uow: UnitOfWork, young_person_id: int, setting: str, value: str, *, now: datetime
) -> CommunicationProfile:
    """For `waypoint profile set`: change one setting, audited as a command-line change."""
    async with uow:
        person = await _person(uow, young_person_id)
        try:
            changed = profile_of(person).changed(setting, value, today=now.date())
        except ProfileProblem as problem:
            raise SetupError(f"{setting}: {problem}") from None
        save_profile(uow, person, changed, now=now, actor=("cli", 0))
        _tell_young_person(uow, person, changed, worker=person.key_worker.name, now=now)
        await uow.commit()
        return changed


async def _person(uow: UnitOfWork, young_person_id: int) -> YoungPersonRecord:
    person = await uow.young_people.get(young_person_id)
    if person is None:
        raise SetupError(f"there is no young person with id {young_person_id}")
    return person
