"""Who may see and change a young person's goals, through the real bot (GL-8): only Sam's
named worker (Jo) and life coach. Staff at another hub, and staff at Sam's hub with no role
for Sam (a duty worker, a manager, another key worker, a therapist), are refused every goal
command, and nothing is stored. Sam's own buttons are checked too: a forged number (another
young person's goal or step, or not a number) changes nothing, and a button on a goal that
has since been paused says so and rates nothing.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from bot.adapters.db.models import (
    Goal,
    GoalDraft,
    GoalEvent,
    GoalRating,
    GoalStep,
    GoalVersion,
    OutboxMessage,
)
from bot.devtools.fake_telegram import FakeUser
from bot.domain.goals import GoalState, StepState
from bot.domain.people import Role
from bot.services.staff import NewStaff, do_add_staff
from tests.e2e.conftest import JO, SAM, Running

# A flow through Telegram, run on the demo's database (SQLite): its storage is tested on
# both databases in tests/integration, and CI stays under 20 minutes.
pytestmark = pytest.mark.database("sqlite")

ALEX = FakeUser(id=2002, first_name="Alex")
LINK = re.compile(r"https://t\.me/waypoint_demo_bot\?start=([A-Za-z0-9_-]+)")
# Whoever may not see Sam's goals, and the hub they are at.
OTHERS = {
    "another hub's key worker": (FakeUser(id=1101, first_name="Ola"), Role.KEY_WORKER, "Whitby"),
    "a duty worker": (FakeUser(id=1102, first_name="Dee"), Role.DUTY, "Harrogate"),
    "a manager": (FakeUser(id=1103, first_name="Mia"), Role.MANAGER, "Harrogate"),
    "another key worker": (FakeUser(id=1104, first_name="Kit"), Role.KEY_WORKER, "Harrogate"),
    "a therapist": (FakeUser(id=1105, first_name="Sue"), Role.SLT, "Harrogate"),
}
# What a refused member of staff is told: nobody by that name (another hub), not for their
# role, not theirs, or no such goal that they can see; never the goal.
REFUSALS = {"young_person_nobody", "command_not_for_role", "goals_not_allowed", "goal_not_found"}


async def keys(running: Running, user: FakeUser) -> list[str]:
    """The message ids queued for `user` so far, in order."""
    async with running.uow() as work:
        query = select(OutboxMessage.message_key).where(OutboxMessage.chat_id == user.id)
        return list(await work.session.scalars(query.order_by(OutboxMessage.id)))


async def answer_to(running: Running, user: FakeUser, text: str) -> str:
    """Send `text` as `user`; the message id of the bot's answer."""
    before = len(await keys(running, user))
    await running.say(user, text)
    return (await keys(running, user))[before]


async def tap(running: Running, user: FakeUser, data: str) -> None:
    """Once all queued for `user` has reached them, tap `data`; wait for the answer."""
    before = len(await keys(running, user))
    await running.fake.await_messages(user.id, before, timeout=10)
    running.fake.press_button(user, data)
    await running.fake.await_messages(user.id, before + 1, timeout=10)


async def make_goal(running: Running, name: str, words: str) -> int:
    """Jo makes `name`'s goal, no area; its number."""
    await running.say(JO, f"/goal {name} {words}")
    await tap(running, JO, "b|goal_right|-")
    await tap(running, JO, "b|goal_no_area|-")
    async with running.uow() as work:
        goal_id = await work.session.scalar(select(Goal.id).order_by(Goal.id.desc()))
    assert goal_id is not None
    return goal_id


async def stored(running: Running) -> tuple[object, ...]:
    """Everything about goals that a change would touch: states, and how many versions,
    ratings, steps, history lines and drafts there are."""
    async with running.uow() as work:
        states = tuple(await work.session.scalars(select(Goal.state).order_by(Goal.id)))
        steps = tuple(await work.session.scalars(select(GoalStep.state).order_by(GoalStep.id)))
        counts = [
            await work.session.scalar(select(func.count()).select_from(table))
            for table in (GoalVersion, GoalRating, GoalEvent, GoalDraft)
        ]
        return (states, steps, *counts)


async def sams_goal(running: Running) -> tuple[int, int]:
    """Jo makes Sam's goal with a step; (goal id, step id)."""
    goal_id = await make_goal(running, "Sam", "go to college")
    await running.say(JO, f"/goal_step {goal_id} ask about the open day")
    async with running.uow() as work:
        step_id = await work.session.scalar(select(GoalStep.id).where(GoalStep.goal_id == goal_id))
    assert step_id is not None
    return goal_id, step_id


@pytest.mark.parametrize("who", list(OTHERS))
async def test_staff_without_a_role_for_sam_can_neither_see_nor_change_a_goal(
    running: Running, who: str
) -> None:
    user, role, hub = OTHERS[who]
    new = NewStaff(user.id, user.first_name, role, hub, "North Yorkshire", create=True)
    await do_add_staff(running.uow(), new, now=running.clock())
    await running.join_sam()
    goal, _ = await sams_goal(running)
    before, sam_heard = await stored(running), len(await keys(running, SAM))

    assert await answer_to(running, user, "/goals Sam") in REFUSALS
    # Their own list has none of Sam's goals (or is refused for their role).
    assert await answer_to(running, user, "/goals") in {*REFUSALS, "goals_staff_none"}
    for command in (
        "/goal Sam",
        "/goal Sam learn to drive",
        f"/goal_rate {goal} going_well",
        f"/goal_pause {goal} because",
        f"/goal_agree {goal}",
        f"/goal_words {goal} something else",
        f"/goal_step {goal} another step",
        f"/goal_done {goal}",
        f"/goal_drop {goal} because",
        f"/goal_resume {goal}",
    ):
        assert await answer_to(running, user, command) in REFUSALS, command
    # A goal question's button, forged: no draft of theirs, nothing saved.
    heard = len(await keys(running, user))
    running.fake.press_button(user, "b|goal_area|learning")
    await running.fake.await_messages(user.id, heard + 1, timeout=10)
    assert (await keys(running, user))[heard:] == ["goal_draft_expired"]
    assert await stored(running) == before
    assert len(await keys(running, SAM)) == sam_heard


async def join_alex(running: Running) -> None:
    """Jo invites Alex too, Alex opens the link, and Jo is told."""
    jo_before = running.count(JO)
    [reply] = await running.say(JO, "/invite Alex")
    match = LINK.search(reply)
    assert match, reply
    await running.say(ALEX, f"/start {match.group(1)}")
    # Else "Alex has joined" can land after Jo's next command and be taken for its answer.
    await running.fake.await_messages(JO.id, jo_before + 2, timeout=10)


async def test_forged_and_stale_buttons_from_a_young_person_change_nothing(
    running: Running,
) -> None:
    await running.join_sam()
    await join_alex(running)
    alex_goal = await make_goal(running, "Alex", "learn to swim")
    await running.say(JO, f"/goal_step {alex_goal} find the pool's times")
    async with running.uow() as work:
        alex_step = await work.session.scalar(select(GoalStep.id))
    sam_goal, _ = await sams_goal(running)
    before = await stored(running)

    # Alex's goal and step, and a number that is not one, tapped from Sam's chat.
    for forged in (
        f"c|goal_rate_pictures|going_well|{alex_goal}",
        f"c|goal_check_in|goal_pause|{alex_goal}",
        f"c|my_goal_step|step_done|{alex_step}",
        "c|goal_rate_pictures|going_well|abc",
        "c|goal_rate_pictures|going_well|-1",
        f"c|goal_read_back|goal_words_right|{alex_goal}",
    ):
        sam_heard = len(await keys(running, SAM))
        running.fake.press_button(SAM, forged)
        # Sam's next command is handled after the tap: by then the tap did what it did.
        await running.say(SAM, "/goals")
        assert "goal_rated" not in (await keys(running, SAM))[sam_heard:], forged
        assert await stored(running) == before, forged
    async with running.uow() as work:
        alex = await work.session.get(Goal, alex_goal)
        step = await work.session.get(GoalStep, alex_step)
        assert alex is not None
        assert alex.state is GoalState.ACTIVE
        assert step is not None
        assert step.state is StepState.OPEN

    # Stale: Jo pauses Sam's goal; a rating button from before is told it is not open.
    await running.say(JO, f"/goal_pause {sam_goal} a break for exams")
    paused = await stored(running)
    await running.fake.await_messages(JO.id, len(await keys(running, JO)), timeout=10)
    sam_heard = len(await keys(running, SAM))
    await tap(running, SAM, f"c|goal_rate_pictures|going_well|{sam_goal}")
    assert set((await keys(running, SAM))[sam_heard:]) == {"goal_closed_young"}
    assert await stored(running) == paused
