"""What services read off a young person's record: their communication profile and name."""

from __future__ import annotations

import logging

from bot.domain.access import StaffCommand
from bot.domain.errors import SeveralYoungPeople, YoungPersonNotFound
from bot.domain.numbers import whole_number
from bot.domain.people import Role
from bot.domain.profiles import CommunicationProfile
from bot.services.ports import UnitOfWork
from bot.services.records import StaffRecord, YoungPersonRecord
from bot.services.staff_help import check_may_use, examples_at
from bot.services.staff_words import staff_text

_LOG = logging.getLogger(__name__)


def profile_of(person: YoungPersonRecord) -> CommunicationProfile:
    """The young person's communication profile as stored with them; a damaged one is read
    as the default (and said so in the log), so it can never stop a worry being heard."""
    try:
        return CommunicationProfile.from_record(person.language, person.communication_profile)
    except (TypeError, ValueError, KeyError, AttributeError) as error:
        _LOG.error("young person %s has a damaged profile: %s", person.id, type(error).__name__)
        return CommunicationProfile()


def name_of(person: YoungPersonRecord) -> str:
    """What Waypoint calls a young person: the name in their profile, or their first name."""
    return profile_of(person).preferred_name or person.first_name


async def access_young_person(
    uow: UnitOfWork, staff: StaffRecord, who: str, *, command: str = "profile"
) -> YoungPersonRecord:
    """The young person `who` names (a first name, or `#12`: their Waypoint number) at the
    staff member's hub; raises `YoungPersonNotFound` (with an example they may see) or
    `SeveralYoungPeople` (each with `/command #number`) when that is unclear. A role that
    never uses `command` is refused (bot.services.staff_help.check_may_use) before anyone is
    looked up, so it learns nothing of who is at the hub."""
    check_may_use(Role(staff.role), StaffCommand(command))
    number = whole_number(who[1:]) if who.startswith("#") else None
    if number is not None:
        person = await uow.young_people.get(number)
        found = [person] if person is not None and person.hub_id == staff.hub_id else []
    else:
        found = list(await uow.young_people.in_hub_named(staff.hub_id, who))
    catalogue = uow.postbox.catalogue
    if len(found) > 1:
        choices = "\n".join(
            staff_text(
                catalogue,
                "young_person_choice",
                command=command,
                number=str(p.id),
                name=p.first_name,
            )
            for p in found
        )
        raise SeveralYoungPeople(name=who, choices=choices)
    if not found:
        example = await examples_at(uow, staff)
        raise YoungPersonNotFound(name=who, example=example.young_person, number=example.number)
    return found[0]
