"""A young person's side of goals: "My goals" (GL-6), answering a check-in or a rating
question, ticking a step, and suggesting a goal of their own (read back before it is kept).

A button's number (`ref`) is only ever used after it is checked to be one of this young
person's own goals or steps, still open: a forged or stale tap changes nothing (GL-8).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.content.render import render_line
from bot.domain.actors import Actor
from bot.domain.errors import GoalRefused
from bot.domain.goals import Cadence, GoalProblem, GoalState, Rating, StepState, next_check_in
from bot.domain.numbers import whole_number
from bot.services.goal_words import (
    RATE_PICTURES,
    RATE_TEN,
    ask_rating,
    dated,
    goal_keepers,
    goal_values,
)
from bot.services.goal_words import rating_words as words_of_rating
from bot.services.goals import add_goal, check_room_for, do_set_cadence, move_goal, rate
from bot.services.ladder_steps import who_answers
from bot.services.people import profile_of
from bot.services.ports import UnitOfWork
from bot.services.records import GoalRecord, YoungPersonRecord

MY_GOALS = "goals"
CHECK_IN = "goal_check_in"
STEP = "my_goal_step"
SUGGEST = "goals_none"
SUGGEST_WORDS = "goal_suggest_words"
READ_BACK = "goal_read_back"
CADENCE = "goal_cadence"
QUESTIONS = frozenset(
    {CHECK_IN, RATE_PICTURES, RATE_TEN, STEP, SUGGEST, SUGGEST_WORDS, READ_BACK, CADENCE}
)
# "How often shall I ask?": three buttons; every 2 weeks is taken in words (GL-4).
_CADENCES = {f"cadence_{cadence.value}": cadence for cadence in Cadence}


def written_only(message_id: str) -> tuple[str, ...]:
    """Answers a goal question takes in words though it has no button for them."""
    return ("cadence_fortnightly",) if message_id == CADENCE else ()


def is_goal_choice(message_id: str) -> bool:
    """Whether a choice belongs here."""
    return message_id in QUESTIONS


async def _own_goal(
    uow: UnitOfWork, person: YoungPersonRecord, ref: int | None
) -> GoalRecord | None:
    """The goal a tap is about, if it is theirs (else None: nothing happens)."""
    goal = await uow.goals.get(ref) if ref is not None else None
    return goal if goal is not None and goal.young_person_id == person.id else None


async def choose_goal(
    uow: UnitOfWork,
    person: YoungPersonRecord,
    message_id: str,
    key: str,
    *,
    ref: int | None,
    now: datetime,
) -> bool:
    """In the caller's unit of work: act on a goal question's answer; False when the tap is
    not theirs to make (someone else's goal, or not a goal at all)."""
    me = Actor.young_person(person.id)
    if message_id in {SUGGEST, SUGGEST_WORDS}:
        return await _suggest(uow, person, key, now=now)
    if message_id == STEP:
        return await _step(uow, person, key, ref=ref, by=me, now=now)
    goal = await _own_goal(uow, person, ref)
    if goal is None:
        return False
    if message_id in {READ_BACK, CADENCE}:
        first = _read_back if message_id == READ_BACK else _cadence
        return await first(uow, person, goal, key, now=now)
    if goal.state is not GoalState.ACTIVE:
        # A stale button on a goal that is paused, done or dropped: say so, change nothing.
        values = await goal_values(uow, person, goal)
        uow.postbox.to_young_person(person, "goal_closed_young", values, now=now)
        return True
    # The 0-to-10 question has "Not now" and "Pause this goal" too (GL-7); the picture
    # question's three answers fill its buttons, and it follows a check-in that had both.
    asked = message_id == CHECK_IN or key in {"goal_not_now", "goal_pause"}
    answer = _check_in if asked else _rating
    return await answer(uow, person, goal, key, by=me, now=now)


async def _check_in(
    uow: UnitOfWork,
    person: YoungPersonRecord,
    goal: GoalRecord,
    key: str,
    *,
    by: Actor,
    now: datetime,
) -> bool:
    """ "Answer", "Not now" or "Pause this goal", each as easy as the others (GL-7)."""
    if key == "goal_answer":
        # Answered: no repeat of this check-in; the next comes a whole period on.
        goal.asked_at, goal.repeats = None, 0
        goal.next_check_in_at = next_check_in(goal.cadence, after=now)
        await ask_rating(uow, person, goal, now=now)
    elif key == "goal_not_now":
        goal.asked_at, goal.repeats = None, 0
        goal.next_check_in_at = next_check_in(goal.cadence, after=now)
        uow.goals.record(goal, "not_now", at=now, by=by)
        values = await goal_values(uow, person, goal)
        # The day, not "another time" (SL-5): they know when they will be asked again.
        reply = "goal_not_now_reply_at_session"
        if goal.next_check_in_at is not None:
            reply = "goal_not_now_reply"
            catalogue, profile = uow.postbox.catalogue_for(person), profile_of(person)
            values["day"] = dated(catalogue, goal.next_check_in_at, uow.postbox.zone, profile)
        uow.postbox.to_young_person(person, reply, values, now=now)
    elif key == "goal_pause":
        await move_goal(uow, person, goal, GoalState.PAUSED, by=by, now=now)
        await _tell_worker(uow, person, "goal_paused_by_young_person_staff", goal, now=now)
    else:
        return False
    return True


async def _rating(
    uow: UnitOfWork,
    person: YoungPersonRecord,
    goal: GoalRecord,
    key: str,
    *,
    by: Actor,
    now: datetime,
) -> bool:
    """A picture tapped, or a number written: kept on its own scale (GL-3)."""
    try:
        rating = Rating.of(profile_of(person).scale, key)
    except GoalProblem:
        return False
    baseline = not await uow.goals.ratings(goal.id)
    await rate(uow, goal, rating, by=by, now=now)
    values = await goal_values(uow, person, goal)
    values["rating"] = words_of_rating(
        uow.postbox.catalogue_for(person), rating, profile_of(person)
    )
    uow.postbox.to_young_person(person, "goal_rated", values, now=now)
    if baseline:
        # The goal's first rating: now they choose how often Waypoint asks (GL-4).
        uow.postbox.to_young_person(person, CADENCE, values, now=now, ref=goal.id)
    return True


async def _cadence(
    uow: UnitOfWork, person: YoungPersonRecord, goal: GoalRecord, key: str, *, now: datetime
) -> bool:
    """How often Waypoint asks about this goal, their choice: at sessions only (never),
    every week, every 2 weeks or every month."""
    cadence = _CADENCES.get(key)
    if cadence is None or goal.state is not GoalState.ACTIVE:
        return False
    await do_set_cadence(uow, goal, cadence, by=Actor.young_person(person.id), now=now)
    values = await goal_values(uow, person, goal)
    uow.postbox.to_young_person(person, f"goal_{key}_set", values, now=now)
    return True


async def _step(
    uow: UnitOfWork,
    person: YoungPersonRecord,
    key: str,
    *,
    ref: int | None,
    by: Actor,
    now: datetime,
) -> bool:
    """ "Done" or "Not yet" on one of their open steps; nothing is held against them."""
    step = await uow.goals.step(ref, for_update=True) if ref is not None else None
    goal = await uow.goals.get(step.goal_id) if step is not None else None
    if step is None or goal is None or goal.young_person_id != person.id:
        return False
    values = await goal_values(uow, person, goal)
    values["step"] = step.words
    if step.state is not StepState.OPEN or goal.state is not GoalState.ACTIVE:
        uow.postbox.to_young_person(person, "goal_closed_young", values, now=now)
        return True
    if key == "step_done":
        step.state, step.changed_at = StepState.DONE, now
        uow.goals.record(goal, "step_done", at=now, by=by, detail=str(step.id))
        uow.postbox.to_young_person(person, "goal_step_done", values, now=now)
    elif key == "step_not_yet":
        uow.goals.record(goal, "step_not_yet", at=now, by=by, detail=str(step.id))
        uow.postbox.to_young_person(person, "goal_step_not_yet", values, now=now)
    else:
        return False
    return True


async def show_goals(uow: UnitOfWork, person: YoungPersonRecord, *, now: datetime) -> None:
    """ "My goals": each goal in their words, its ratings with dates, and its open steps, each
    step with "Done" and "Not yet" (GL-6); or the offer to suggest one."""
    goals = await uow.goals.of_young_person(person.id, states={GoalState.ACTIVE})
    if not goals:
        uow.postbox.to_young_person(person, SUGGEST, {"worker": person.key_worker.name}, now=now)
        return
    catalogue, profile = uow.postbox.catalogue_for(person), profile_of(person)
    hub = await uow.organisations.hub_by_id(person.hub_id)
    zone = ZoneInfo(hub.council.timezone)
    for goal in goals:
        values = await goal_values(uow, person, goal)
        # Ratings of the words as they are now (older words keep theirs, GL-9): the first and
        # the latest, each with its day; never a score, a streak or a count.
        ratings = [r for r in await uow.goals.ratings(goal.id) if r.version == goal.version]
        shown = [ratings[0], ratings[-1]] if len(ratings) > 1 else ratings
        for name, r in zip(("first", "latest"), shown, strict=False):
            rating = Rating(r.scale, r.value)
            values[name] = render_line(
                catalogue,
                "part_rating_on",
                {
                    "day": dated(catalogue, r.at, zone, profile),
                    "rating": words_of_rating(catalogue, rating, profile),
                },
                profile,
            )
        message_id = ("my_goal", "my_goal_rated_once", "my_goal_rated")[len(shown)]
        uow.postbox.to_young_person(person, message_id, values, now=now)
        for step in await uow.goals.steps(goal.id, open_only=True):
            uow.postbox.to_young_person(person, STEP, {"step": step.words}, now=now, ref=step.id)


async def do_show_goals(uow: UnitOfWork, telegram_user_id: int, *, now: datetime) -> bool:
    """`/goals` from a young person: "My goals"; False if the sender is not one."""
    async with uow:
        person = await uow.young_people.by_telegram_id(telegram_user_id)
        if person is None:
            return False
        await show_goals(uow, person, now=now)
        await uow.commit()
        return True


async def _suggest(uow: UnitOfWork, person: YoungPersonRecord, key: str, *, now: datetime) -> bool:
    """ "Suggest a goal": their next words are the goal (see `do_suggested_words`)."""
    if key == "goal_words_later":
        uow.postbox.to_young_person(person, "goal_words_later", {}, now=now)
        return True
    if key == "goal_words_with_worker":
        worker = await who_answers(uow, person) or person.key_worker
        name = {"name": person.first_name}
        uow.postbox.to_staff(worker, "goal_help_wanted_staff", name, now=now, about=person)
        uow.postbox.to_young_person(person, "goal_help_wanted", {"worker": worker.name}, now=now)
        return True
    if key != "goal_suggest":
        return False
    values = {"worker": person.key_worker.name}
    uow.postbox.to_young_person(person, SUGGEST_WORDS, values, now=now)
    return True


async def suggested_words(
    uow: UnitOfWork, person: YoungPersonRecord, words: str, *, now: datetime
) -> None:
    """In the caller's unit of work: the words they wrote for a new goal, kept as a draft and
    read back to them exactly (GL-2) before anyone else sees them."""
    try:
        goal = await add_goal(
            uow, person, words, state=GoalState.DRAFT, by=Actor.young_person(person.id), now=now
        )
    except GoalRefused as refused:
        # The same reasons as staff are given, in the young person's own words.
        values = {"worker": person.key_worker.name}
        uow.postbox.to_young_person(person, f"young_{refused.message_id}", values, now=now)
        return
    values = await goal_values(uow, person, goal)
    uow.postbox.to_young_person(person, READ_BACK, values, now=now, ref=goal.id)


async def _read_back(
    uow: UnitOfWork, person: YoungPersonRecord, goal: GoalRecord, key: str, *, now: datetime
) -> bool:
    """ "Yes, that is right": suggested to their worker; "Change it": write it again."""
    if goal.state is not GoalState.DRAFT:
        return False
    me = Actor.young_person(person.id)
    if key == "goal_words_right":
        try:
            await check_room_for(uow, person, goal)
        except GoalRefused as refused:
            values = {"worker": person.key_worker.name}
            uow.postbox.to_young_person(person, f"young_{refused.message_id}", values, now=now)
            return True
        goal.state, goal.changed_at = GoalState.SUGGESTED, now
        uow.goals.record(goal, "suggested", at=now, by=me)
        await _tell_worker(uow, person, "goal_suggested_staff", goal, now=now)
        values = await goal_values(uow, person, goal)
        uow.postbox.to_young_person(person, "goal_suggested", values, now=now)
        return True
    if key == "goal_words_change":
        goal.state, goal.changed_at = GoalState.DROPPED, now
        uow.goals.record(goal, "rewritten", at=now, by=me)
        values = {"worker": person.key_worker.name}
        uow.postbox.to_young_person(person, SUGGEST_WORDS, values, now=now)
        return True
    return False


async def _tell_worker(
    uow: UnitOfWork,
    person: YoungPersonRecord,
    message_id: str,
    goal: GoalRecord,
    *,
    now: datetime,
) -> None:
    """Their named worker and life coach hear, with the goal's number and words: the two who
    may see a goal (GL-8), never a cover or the hub's duty worker."""
    words = await uow.goals.words(goal)
    values = {"name": person.first_name, "number": str(goal.id), "goal": words.words}
    for staff in await goal_keepers(uow, person):
        uow.postbox.to_staff(staff, message_id, values, now=now, about=person)


def written_goal_answer(person: YoungPersonRecord, text: str) -> tuple[str, str] | None:
    """A written answer to a goal question that has no buttons for it: a number from 0 to 10
    for the 0-to-10 scale."""
    if person.awaiting_choice != RATE_TEN:
        return None
    number = whole_number(text.strip(), low=0, high=10)
    return None if number is None else (RATE_TEN, str(number))


def wants_words(person: YoungPersonRecord) -> bool:
    """Whether their next words are a goal they are suggesting."""
    return person.awaiting_choice == SUGGEST_WORDS
