"""Communication profiles: staff see and change them; young people choose their language and
pictures. Every change is audited, and the young person hears about it in their new words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.access import Viewer, may_change_profile
from bot.domain.actors import OPERATOR, Actor, KnownStaff
from bot.domain.errors import (
    BadProfileSetting,
    MayNotChangeProfile,
    SetupError,
)
from bot.domain.people import Role
from bot.domain.profiles import CommunicationProfile, ProfileProblem
from bot.i18n.dates import day_words, language_name
from bot.services.identity import staff_record
from bot.services.people import access_young_person, profile_of
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
        named_worker=staff.id == person.key_worker_id,
    )


@dataclass(frozen=True)
class ProfileAsked:
    """`/profile Sam` (show), or `/profile Sam language ar` (change one setting)."""

    who: str
    setting: str = ""
    value: str = ""


@dataclass(frozen=True)
class ProfileShown:
    """A young person's profile, one setting per line."""

    first_name: str
    lines: str


@dataclass(frozen=True)
class ProfileChanged:
    """One setting changed (the young person has been told)."""

    first_name: str
    setting: str
    value: str


async def do_profile_command(
    uow: UnitOfWork, actor: KnownStaff, asked: ProfileAsked, *, now: datetime
) -> ProfileShown | ProfileChanged:
    """Show a young person's profile, or change one setting of it (the young person is told
    in their new words). Every look and every change asked for is audited."""
    async with uow:
        staff = await staff_record(uow, actor)
        person = await access_young_person(uow, staff, asked.who)
        uow.audit.record(
            "profile.viewed" if not asked.setting else "profile.change_asked",
            at=now,
            by=actor.actor,
            hub_id=person.hub_id,
            subject_type="young_person",
            subject_id=person.id,
        )
        if not may_change_profile(_viewer(staff, person)):
            await uow.commit()  # the look is audited even so
            raise MayNotChangeProfile(name=person.first_name)
        profile = profile_of(person)
        if not asked.setting:
            await uow.commit()
            return ProfileShown(person.first_name, profile_lines(uow.postbox.catalogue, profile))
        try:
            changed = profile.changed(asked.setting, asked.value, today=now.date())
        except ProfileProblem as problem:
            await uow.commit()
            raise BadProfileSetting(problem=str(problem)) from problem
        save_profile(uow, person, changed, now=now, actor=actor.actor)
        _tell_young_person(uow, person, changed, worker=staff.name, now=now)
        await uow.commit()
        return ProfileChanged(person.first_name, asked.setting.lower(), asked.value)


def save_profile(
    uow: UnitOfWork,
    person: YoungPersonRecord,
    profile: CommunicationProfile,
    *,
    now: datetime,
    actor: Actor,
) -> None:
    """Store a changed profile and audit who changed it (never what it says)."""
    person.language = profile.language
    person.communication_profile = profile.to_record()
    uow.audit.record(
        "profile.changed",
        at=now,
        by=actor,
        hub_id=person.hub_id,
        subject_type="young_person",
        subject_id=person.id,
    )


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
    save_profile(uow, person, changed, now=now, actor=Actor.young_person(person.id))
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
            "profile.viewed",
            at=now,
            by=OPERATOR,
            hub_id=person.hub_id,
            subject_type="young_person",
            subject_id=person.id,
        )
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
        save_profile(uow, person, changed, now=now, actor=OPERATOR)
        _tell_young_person(uow, person, changed, worker=person.key_worker.name, now=now)
        await uow.commit()
        return changed


async def _person(uow: UnitOfWork, young_person_id: int) -> YoungPersonRecord:
    person = await uow.young_people.get(young_person_id)
    if person is None:
        raise SetupError(f"there is no young person with id {young_person_id}")
    return person
