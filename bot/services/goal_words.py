"""A goal in words, for the young person in their profile's words and for staff in plain
English: the goal as they wrote it, who can see it, and a rating on its own scale (GL-3)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.content.catalogue import Catalogue
from bot.content.render import render_line
from bot.domain.access import may_see_goals
from bot.domain.goals import Picture, Rating, Scale
from bot.domain.profiles import CommunicationProfile
from bot.i18n.dates import day_words
from bot.services.people import name_of, profile_of
from bot.services.ports import UnitOfWork
from bot.services.records import GoalRecord, StaffRecord, YoungPersonRecord
from bot.services.session_access import viewer_of
from bot.services.staff_words import staff_text

RATE_PICTURES, RATE_TEN = "goal_rate_pictures", "goal_rate_ten"


async def goal_values(
    uow: UnitOfWork, person: YoungPersonRecord, goal: GoalRecord
) -> dict[str, str]:
    """{goal} (their words, exactly as given), {name} and {worker}."""
    words = await uow.goals.words(goal)
    return {"goal": words.words, "name": name_of(person), "worker": person.key_worker.name}


async def goal_keepers(uow: UnitOfWork, person: YoungPersonRecord) -> list[StaffRecord]:
    """The staff who may see their goals (GL-8): their named worker and their life coach, as
    long as bot.domain.access still lets them."""
    found = [person.key_worker]
    if person.life_coach_id is not None:
        coach = await uow.staff.get(person.life_coach_id)
        if coach is not None and coach.id != person.key_worker_id:
            found.append(coach)
    # The access rule decides, so a coach who moved hub or left hears nothing more.
    return [staff for staff in found if may_see_goals(viewer_of(staff, person))]


async def seen_by(uow: UnitOfWork, person: YoungPersonRecord) -> str:
    """Who can see their goals, by name: their worker and their life coach (GL-8)."""
    catalogue, profile = uow.postbox.catalogue_for(person), profile_of(person)
    names = [staff.name for staff in await goal_keepers(uow, person)] or [person.key_worker.name]
    if len(names) == 1:
        return names[0]
    return render_line(catalogue, "part_names_and", {"names": names[0], "last": names[1]}, profile)


async def ask_rating(
    uow: UnitOfWork, person: YoungPersonRecord, goal: GoalRecord, *, now: datetime
) -> None:
    """In the caller's unit of work: ask how the goal is going, on their scale (pictures as
    buttons; 0 to 10 written, with its anchors). Like any choice, it never replaces "Are you
    safe now?" as the open question (the postbox sees to that)."""
    message_id = RATE_PICTURES if profile_of(person).scale is Scale.PICTURES else RATE_TEN
    values = await goal_values(uow, person, goal)
    uow.postbox.to_young_person(person, message_id, values, now=now, ref=goal.id)


def rating_words(catalogue: Catalogue, rating: Rating, profile: CommunicationProfile) -> str:
    """A rating as the young person reads it: "4 out of 10", or the picture's words."""
    if rating.scale is Scale.TEN:
        return render_line(catalogue, "part_rating_ten", {"value": rating.value}, profile)
    return render_line(catalogue, f"button_{Picture(rating.value).value}", {}, profile)


def staff_rating_words(catalogue: Catalogue, rating: Rating) -> str:
    """A rating as staff read it, on its own scale, never converted."""
    if rating.scale is Scale.TEN:
        return staff_text(catalogue, "goal_rating_ten_staff", value=rating.value)
    return staff_text(catalogue, f"goal_rating_{rating.value}_staff")


def dated(
    catalogue: Catalogue, at: datetime, zone: ZoneInfo, profile: CommunicationProfile
) -> str:
    """The day of a rating in words ("Tuesday 3 March"), in their language."""
    language = catalogue.template("when_day_time", profile.language, profile.level).language
    return day_words(at.astimezone(zone).date(), language)
