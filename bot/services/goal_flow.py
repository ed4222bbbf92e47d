"""Making a goal with a young person in Telegram (`/goal Sam`): the goal in their own words,
read back exactly (GL-2) with "Yes, save it" and "Write it again", an optional area (GL-10),
then saved; the young person hears it and is asked for a first rating.

The steps are bot.domain.goal_flow's map; the draft is a database row (several instances
serve one bot), so each tap or message is one transaction that reads the draft, moves it one
step and asks the next question. Saving ends the draft in the same transaction.
"""

from __future__ import annotations

from datetime import datetime

from bot.domain.access import StaffCommand
from bot.domain.actors import KnownStaff
from bot.domain.errors import GoalRefused
from bot.domain.goal_flow import DRAFT_LIFETIME, WRITING, Did, Step, next_step
from bot.domain.goals import COUNTED, Area, GoalProblem, check_room, check_words
from bot.domain.outbox import StaffChoices
from bot.services.goal_access import check_may_see_goals
from bot.services.goals import GoalAsked, make_goal
from bot.services.identity import staff_record
from bot.services.people import access_young_person, profile_of
from bot.services.ports import UnitOfWork
from bot.services.records import GoalDraftRecord, StaffRecord
from bot.services.session_access import young_person
from bot.services.staff_help import check_may_use
from bot.services.staff_words import staff_text

_NO_VALUE = "-"


async def do_start_goal(
    uow: UnitOfWork, actor: KnownStaff, who: str, *, now: datetime, words: str | None = None
) -> None:
    """`/goal Sam` (or `/goal Sam words…`): a new draft in place of any other, and the first
    question (their words), or the words read back."""
    check_may_use(actor.role, StaffCommand.GOAL)
    async with uow:
        staff = await staff_record(uow, actor)
        person = await access_young_person(uow, staff, who, command=StaffCommand.GOAL.value)
        await check_may_see_goals(uow, actor, person)
        try:
            counted = await uow.goals.of_young_person(person.id, states=COUNTED)
            check_room(len(counted), profile_of(person).most_goals)
        except GoalProblem as problem:
            raise GoalRefused(reason=problem.reason) from None
        # One guided question at a time: a half-made booking would take their next words.
        await uow.drafts.forget(staff.id)
        draft = await uow.goal_drafts.start(
            staff.id, person.id, Step.WORDS.value, expires_at=now + DRAFT_LIFETIME
        )
        if words is None:
            await _ask(uow, staff, draft, now=now)
        else:
            await _take(uow, actor, staff, draft, did=Did.WROTE, value=words, now=now)
        await uow.commit()


async def do_goal_choice(
    uow: UnitOfWork, actor: KnownStaff, did: str, value: str, *, now: datetime
) -> int | None:
    """A tap on a goal question's button, or (`did` WROTE) the words written for it; the
    goal's number once it is saved."""
    async with uow:
        staff = await staff_record(uow, actor)
        draft = await uow.goal_drafts.get(staff.id, now=now)
        try:
            done = Did(did)
        except ValueError:
            done = None
        if draft is None or done is None:
            uow.postbox.to_staff(staff, "goal_draft_expired", {}, now=now)
            await uow.commit()
            return None
        saved = await _take(uow, actor, staff, draft, did=done, value=value, now=now)
        await uow.commit()
        return saved


async def do_goal_words(uow: UnitOfWork, actor: KnownStaff, text: str, *, now: datetime) -> bool:
    """Words from staff: the goal, when their draft asked for it; False when it did not (the
    words are then heard as usual)."""
    async with uow.reading():
        draft = await uow.goal_drafts.get(actor.staff_id, now=now)
        step = None if draft is None else Step(draft.step)
    if step not in WRITING:
        return False
    await do_goal_choice(uow, actor, Did.WROTE.value, text, now=now)
    return True


async def _take(
    uow: UnitOfWork,
    actor: KnownStaff,
    staff: StaffRecord,
    draft: GoalDraftRecord,
    *,
    did: Did,
    value: str,
    now: datetime,
) -> int | None:
    """Move the draft one step, as the map says, and ask the next question."""
    step = next_step(Step(draft.step), did)
    if step is None:
        # An old button, or a tap where words were asked for: the open question again.
        await _ask(uow, staff, draft, now=now, again=True)
        return None
    if did is Did.WROTE:
        try:
            # Kept exactly as written, line breaks and all (GL-2).
            draft.words = check_words(value)
        except GoalProblem as problem:
            uow.postbox.to_staff(staff, problem.reason, {}, now=now)
            await _ask(uow, staff, draft, now=now)
            return None
    if step is Step.SAVED:
        area = Area(value) if did is Did.CHOSE_AREA and value in set(Area) else None
        if did is Did.CHOSE_AREA and area is None:
            await _ask(uow, staff, draft, now=now, again=True)
            return None
        return await _save(uow, actor, staff, draft, area, now=now)
    if step is Step.DROPPED:
        await uow.goal_drafts.forget(staff.id)
        uow.postbox.to_staff(staff, "goal_draft_dropped", {}, now=now)
        return None
    draft.step, draft.expires_at = step.value, now + DRAFT_LIFETIME
    await _ask(uow, staff, draft, now=now)
    return None


async def _save(
    uow: UnitOfWork,
    actor: KnownStaff,
    staff: StaffRecord,
    draft: GoalDraftRecord,
    area: Area | None,
    *,
    now: datetime,
) -> int:
    """The goal, saved in the words read back (who may is checked again: a young person's
    coach or worker may have changed since the first question)."""
    if draft.words is None:
        raise ValueError("a draft at its last step has its words")
    person = await young_person(uow, draft.young_person_id)
    asked = GoalAsked(person.id, draft.words, area=area)
    goal = await make_goal(uow, actor, person, asked, now=now)
    await uow.goal_drafts.forget(staff.id)
    told = {"number": str(goal.id), "name": person.first_name}
    uow.postbox.to_staff(staff, "goal_saved_staff", told, now=now, about=person)
    return goal.id


def _label(uow: UnitOfWork, message_id: str) -> str:
    return staff_text(uow.postbox.catalogue, message_id)


def _with_drop(uow: UnitOfWork, *options: tuple[str, str, str]) -> StaffChoices:
    """Every question can be given up: "Cancel" comes last."""
    drop = (_label(uow, "goal_button_drop"), Did.DROP.value, _NO_VALUE)
    return StaffChoices((*options, drop))


async def _ask(
    uow: UnitOfWork,
    staff: StaffRecord,
    draft: GoalDraftRecord,
    *,
    now: datetime,
    again: bool = False,
) -> None:
    """The question for the draft's step, with its buttons."""
    step = Step(draft.step)
    person = await young_person(uow, draft.young_person_id)
    values = {"name": person.first_name, "goal": draft.words or ""}
    if step is Step.CHECK:
        right = (_label(uow, "goal_button_right"), Did.RIGHT.value, _NO_VALUE)
        write = (_label(uow, "goal_button_again"), Did.AGAIN.value, _NO_VALUE)
        choices = _with_drop(uow, right, write)
    elif step is Step.AREA:
        areas = (
            (_label(uow, f"goal_area_{a.value}"), Did.CHOSE_AREA.value, a.value) for a in Area
        )
        none = (_label(uow, "goal_button_no_area"), Did.NO_AREA.value, _NO_VALUE)
        choices = _with_drop(uow, *areas, none)
    else:
        choices = _with_drop(uow)
    if again:
        uow.postbox.to_staff(staff, "goal_draft_again", {}, now=now)
    uow.postbox.to_staff(staff, f"goal_ask_{step.value}", values, now=now, choices=choices)
