"""Communication profiles: staff see and change them; young people choose their language and
pictures. Every change is audited, and the young person hears about it in their new words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.content.render import render_line
from bot.domain.access import Viewer, may_change_profile
from bot.domain.actors import OPERATOR, Actor, ActorKind, KnownStaff
from bot.domain.errors import (
    BadProfileSetting,
    MayNotChangeProfile,
    SetupError,
)
from bot.domain.people import Role
from bot.domain.profiles import CommunicationProfile, ProfileProblem
from bot.i18n.dates import day_words, language_name
from bot.services.identity import staff_record
from bot.services.pausing import is_paused
from bot.services.people import access_young_person, profile_of
from bot.services.ports import UnitOfWork
from bot.services.records import StaffRecord, YoungPersonRecord
from bot.services.staff_words import profile_lines, setting_words


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
    """A young person's profile, one setting per line, and their Waypoint number."""

    first_name: str
    lines: str
    number: int


@dataclass(frozen=True)
class ProfileChanged:
    """One setting changed, its new value in words (the young person will be told)."""

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
            lines = profile_lines(uow.postbox.catalogue, profile)
            return ProfileShown(person.first_name, lines, person.id)
        try:
            changed = profile.changed(asked.setting, asked.value, today=now.date())
        except ProfileProblem as problem:
            await uow.commit()
            raise BadProfileSetting(problem=str(problem)) from problem
        save_profile(uow, person, changed, now=now, actor=actor.actor)
        await tell_young_person_soon(uow, person, changed, now=now)
        await uow.commit()
        setting = asked.setting.lower()
        value = setting_words(uow.postbox.catalogue, changed)[setting]
        return ProfileChanged(person.first_name, setting, value)


def save_profile(
    uow: UnitOfWork,
    person: YoungPersonRecord,
    profile: CommunicationProfile,
    *,
    now: datetime,
    actor: Actor,
) -> None:
    """Store a changed profile and audit who changed it (never what it says)."""
    if profile.language != person.language:
        # Their command menu is in their language (bot.services.menus).
        uow.menus.due(person.telegram_user_id, now=now)
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


# A young person hears about changes to their profile once, this long after the last one:
# six settings changed one after another make one message, not six.
TELL_AFTER = timedelta(minutes=2)
_NOTICES = (
    "profile_changed",
    "profile_changed_no_review",
    "profile_changed_by_hub",
    "profile_changed_by_hub_no_review",
)


async def tell_young_person_soon(
    uow: UnitOfWork, person: YoungPersonRecord, profile: CommunicationProfile, *, now: datetime
) -> None:
    """In the caller's unit of work: queue the one message that tells the young person their
    profile changed and who changed it, `TELL_AFTER` from now, in place of any such message
    still waiting (whose changes it covers too). It is rendered now, after the change is
    stored, so they read it in their new words. Nothing after /stop (bot.services.pausing):
    the change still shapes every message they get."""
    if is_paused(person):
        return
    waiting = await uow.outbox.waiting_to(person.telegram_user_id, _NOTICES)
    since = min((row.created_at for row in waiting), default=now)
    for row in waiting:
        await uow.outbox.delete(row)
    changers = [
        actor
        for actor in await uow.audit.actors(
            "profile.changed", subject_type="young_person", subject_id=person.id, since=since
        )
        # Their own language or pictures choice was answered when they made it.
        if actor.kind is not ActorKind.YOUNG_PERSON
    ] or [OPERATOR]
    names = [await _name_of(uow, actor) for actor in changers]
    staff_names = [name for name in names if name is not None]
    # Checked with the one person who made the changes, else with the young person's worker.
    checker = staff_names[0] if len(names) == 1 and staff_names else person.key_worker.name
    values = {"checker": checker}
    if profile.review_on is not None:
        values["review_day"] = day_words(profile.review_on, profile.language)
    review = "" if profile.review_on is not None else "_no_review"
    if not staff_names:
        message = f"profile_changed_by_hub{review}"
    else:
        message = f"profile_changed{review}"
        values["worker"] = _joined(uow, person, names)
    rows = uow.postbox.to_young_person(
        person, message, values, now=now, not_before=now + TELL_AFTER
    )
    for row in rows:
        # When the first change it tells of was made: a later change looks back this far.
        row.created_at = since


async def _name_of(uow: UnitOfWork, actor: Actor) -> str | None:
    """A member of staff's name; None for the hub (an operator at the command line)."""
    staff = await uow.staff.get(actor.id) if actor.kind is ActorKind.STAFF and actor.id else None
    return staff.name if staff is not None else None


def _joined(uow: UnitOfWork, person: YoungPersonRecord, names: list[str | None]) -> str:
    """ "Jo", "Jo and Amy", "Jo, Amy and your hub" (the hub last), in the young person's
    words: content joins them (part_names_more, part_names_and), never a comma in code."""
    profile = profile_of(person)
    hub = (
        [render_line(uow.postbox.catalogue_for(person), "part_your_hub", {}, profile)]
        if None in names
        else []
    )
    people = list(dict.fromkeys(name for name in names if name is not None)) + hub
    if len(people) == 1:
        return people[0]
    catalogue = uow.postbox.catalogue_for(person)
    listed = people[0]
    for name in people[1:-1]:
        # The list comma is content's, in the young person's language.
        listed = render_line(
            catalogue, "part_names_more", {"names": listed, "name": name}, profile
        )
    return render_line(catalogue, "part_names_and", {"names": listed, "last": people[-1]}, profile)


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
        await tell_young_person_soon(uow, person, changed, now=now)
        await uow.commit()
        return changed


async def _person(uow: UnitOfWork, young_person_id: int) -> YoungPersonRecord:
    person = await uow.young_people.get(young_person_id)
    if person is None:
        raise SetupError(f"there is no young person with id {young_person_id}")
    return person
