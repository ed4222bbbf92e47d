"""Issue 13 through the real bot: Cal, Sam's life coach, makes a goal with Sam by the guided
/goal (their words read back before it is saved); Sam sees it under "My goals" (from the
home's buttons and by /goals), answers a check-in on their own scale, ticks a step, and Jo's
weekly digest says what changed. Then the staff commands one at a time.

Time moves only on the ManualClock; the check-in and digest ticks are run by hand, as
bot.entrypoints.ticks runs them. What each person gets is checked by message id (the outbox's
`message_key`), buttons and the catalogue's rendering, never by exact English.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TypeVar

import pytest
from sqlalchemy import select, update

from bot.adapters.db.models import (
    AuditEvent,
    Goal,
    GoalDraft,
    GoalRating,
    GoalStep,
    GoalVersion,
    OutboxMessage,
    YoungPerson,
)
from bot.clock import Clock, ManualClock, system_clock
from bot.devtools.fake_telegram import FakeUser
from bot.devtools.fake_telegram_models import SentMessage
from bot.domain.goals import Area, GoalState, Scale, StepState
from bot.domain.people import Role
from bot.services.goal_check_ins import try_check_in_due, try_send_digests
from bot.services.profiles import TELL_AFTER
from bot.services.staff import NewStaff, do_add_staff
from tests.e2e.conftest import JO, SAM, Running, settled

# A flow through Telegram, run on the demo's database (SQLite): its storage is tested on
# both databases in tests/integration, and CI stays under 20 minutes.
pytestmark = pytest.mark.database("sqlite")

T = TypeVar("T")
CAL = FakeUser(id=1002, first_name="Cal")
# The young person's words, line break and all: kept exactly (GL-2).
WORDS = "Go to college\nand make one friend there"


@pytest.fixture
def sender_clock(clock: ManualClock) -> Clock:
    """The sender follows the ManualClock (plus the real time since the test began, which its
    pacing needs): a message queued at a moment the test moved to is not "too late" for it."""
    began = system_clock()
    return lambda: clock() + (system_clock() - began)


async def keys(running: Running, user: FakeUser) -> list[str]:
    """The message ids queued for `user` so far, in order (one per Telegram message)."""
    async with running.uow() as work:
        query = select(OutboxMessage.message_key).where(OutboxMessage.chat_id == user.id)
        return list(await work.session.scalars(query.order_by(OutboxMessage.id)))


async def delivered(running: Running, user: FakeUser) -> list[str]:
    """Wait until everything queued for `user` has reached them; the message ids."""
    queued = await keys(running, user)
    await running.fake.await_messages(user.id, len(queued), timeout=10)
    await settled(running, user)
    return queued


async def new_keys(running: Running, user: FakeUser, before: int) -> list[str]:
    """What reached `user` after their first `before` messages."""
    return (await delivered(running, user))[before:]


async def tap(running: Running, user: FakeUser, data: str) -> SentMessage:
    """Once all queued for `user` has reached them, tap `data`; the next message back."""
    before = len(await delivered(running, user))
    running.fake.press_button(user, data)
    sent = await running.fake.await_messages(user.id, before + 1, timeout=10)
    return sent[before]


async def all_settled(running: Running) -> None:
    """Wait until everything queued for Sam, Jo and Cal has reached them and been recorded
    as sent. Before the test moves its clock on: a message still in flight then would look
    abandoned (its lease run out) and go twice, and every count after it would be off."""
    for user in (SAM, JO, CAL):
        await delivered(running, user)


def buttons(message: SentMessage) -> list[str]:
    """The callback data of a message's buttons."""
    rows = (message.reply_markup or {}).get("inline_keyboard", [])
    return [row[0]["callback_data"] for row in rows]


def last(running: Running, user: FakeUser) -> SentMessage:
    """The bot's latest message to `user`."""
    return running.fake.sent_messages(user.id)[-1]


async def add_coach(running: Running) -> None:
    """Cal, a life coach at Sam's hub, is Sam's life coach."""
    new = NewStaff(CAL.id, "Cal", Role.LIFE_COACH, "Harrogate", "North Yorkshire")
    staff_id = (await do_add_staff(running.uow(), new, now=running.clock())).staff_id
    async with running.uow() as work:
        await work.session.execute(
            update(YoungPerson)
            .where(YoungPerson.telegram_user_id == SAM.id)
            .values(life_coach_id=staff_id)
        )
        await work.commit()


async def the_goals(running: Running) -> list[Goal]:
    """Every goal stored, oldest first."""
    async with running.uow() as work:
        found = list(await work.session.scalars(select(Goal).order_by(Goal.id)))
        work.session.expunge_all()
        return found


async def rows(running: Running, table: type[T]) -> list[T]:
    """Every row of a goal table."""
    async with running.uow() as work:
        found = list(await work.session.scalars(select(table)))
        work.session.expunge_all()
        return found


async def sam_with_pictures_weekly(running: Running) -> None:
    """Sam joins, with Cal as life coach, rating on pictures and asked weekly."""
    await running.join_sam()
    await add_coach(running)
    await running.say(JO, "/profile Sam scale pictures")
    await running.say(JO, "/profile Sam check_ins weekly")
    # Sam hears of the change once it has settled (bot.services.profiles).
    running.clock.advance(TELL_AFTER + timedelta(minutes=1))
    # The notice was queued long ago but goes only now: wait for it, or it lands mid-test.
    await delivered(running, SAM)


async def make_goal_with_buttons(running: Running, staff: FakeUser) -> Goal:
    """`staff` makes Sam's goal: words written twice (the first read back and rewritten),
    "Yes, save it", the area "learning"; Sam is told and asked for a first rating."""
    await running.say(staff, "/goal Sam")
    assert (await keys(running, staff))[-1] == "goal_ask_words"
    assert buttons(last(running, staff)) == ["b|goal_drop|-"]
    await running.say(staff, "go to college")
    assert (await keys(running, staff))[-1] == "goal_ask_check"
    assert buttons(last(running, staff)) == ["b|goal_right|-", "b|goal_again|-", "b|goal_drop|-"]
    await tap(running, staff, "b|goal_again|-")
    assert (await keys(running, staff))[-1] == "goal_ask_words"
    [check] = await running.say(staff, WORDS)
    # Read back exactly as written, before anything is saved (GL-2).
    assert check == running.staff_text("goal_ask_check", name="Sam", goal=WORDS)
    assert await the_goals(running) == []
    area = await tap(running, staff, "b|goal_right|-")
    assert buttons(area) == [
        *(f"b|goal_area|{a.value}" for a in Area),
        "b|goal_no_area|-",
        "b|goal_drop|-",
    ]
    sam_before = running.count(SAM)
    await tap(running, staff, "b|goal_area|learning")
    assert (await delivered(running, staff))[-1] == "goal_saved_staff"
    assert set(await new_keys(running, SAM, sam_before)) == {"goal_made", "goal_rate_pictures"}
    [goal] = await the_goals(running)
    # Nothing of the draft is left: the young person's words are in their goal only.
    assert await rows(running, GoalDraft) == []
    return goal


async def test_a_coach_makes_a_goal_that_sam_sees_rates_and_steps_and_jo_hears_of(
    running: Running,
) -> None:
    # The test asks for the check-in and the digest itself, at moments it chooses: the goals
    # tick, every 30 s of real time on the test's clock, would race it on a slow machine.
    running.serving.ticks.stop()
    await sam_with_pictures_weekly(running)
    goal = await make_goal_with_buttons(running, CAL)
    assert (goal.state, goal.area) == (GoalState.ACTIVE, Area.LEARNING)
    [version] = await rows(running, GoalVersion)
    assert version.words == WORDS
    assert (
        buttons(last(running, SAM))
        == [
            f"c|goal_rate_pictures|{picture}|{goal.id}"
            for picture in ("going_well", "sometimes", "not_going_well")
        ]
        + buttons(last(running, SAM))[3:]
    )
    # The first rating, on Sam's picture scale, kept as the picture (GL-3); then Sam chooses
    # how often to be asked (GL-4): every week.
    await tap(running, SAM, f"c|goal_rate_pictures|sometimes|{goal.id}")
    assert (await delivered(running, SAM))[-2:] == ["goal_rated", "goal_cadence"]
    await tap(running, SAM, f"c|goal_cadence|cadence_weekly|{goal.id}")
    assert (await delivered(running, SAM))[-1] == "goal_cadence_weekly_set"

    # Jo adds a small step; Sam is told.
    sam_before = running.count(SAM)
    await running.say(JO, f"/goal_step {goal.id} ask about the open day")
    assert (await delivered(running, JO))[-1] == "goal_step_added_staff"
    assert set(await new_keys(running, SAM, sam_before)) == {"goal_step_added"}
    [step] = await rows(running, GoalStep)

    # "My goals" from the home's buttons, then by /goals: the goal in Sam's words, its
    # first rating with its day, and the open step with "Done" and "Not yet".
    await tap(running, SAM, "c|home|plans")
    assert (await delivered(running, SAM))[-1] == "plans"
    for way in ("button", "command"):
        sam_before = running.count(SAM)
        if way == "button":
            running.fake.press_button(SAM, "c|plans|goals")
        else:
            running.fake.send_text(SAM, "/goals")
        await running.fake.await_messages(SAM.id, sam_before + 1, timeout=10)
        shown = await new_keys(running, SAM, sam_before)
        assert set(shown) == {"my_goal_rated_once", "my_goal_step"}
        texts = [m.text or "" for m in running.fake.sent_messages(SAM.id)[sam_before:]]
        assert any(WORDS in text for text in texts), way
        tapped = [
            data for m in running.fake.sent_messages(SAM.id)[sam_before:] for data in buttons(m)
        ]
        assert f"c|my_goal_step|step_done|{step.id}" in tapped

    # A week later the check-in comes (weekly, as Sam chose), in office hours.
    [goal] = await the_goals(running)
    assert goal.next_check_in_at is not None
    await all_settled(running)
    running.clock.advance(goal.next_check_in_at - running.clock())
    sam_before = running.count(SAM)
    assert await try_check_in_due(running.uow(), now=running.clock()) == 1
    assert set(await new_keys(running, SAM, sam_before)) == {"goal_check_in"}
    # Its buttons are under its last part: found by having them, whatever came in between.
    check_in = next(m for m in reversed(running.fake.sent_messages(SAM.id)) if buttons(m))
    assert buttons(check_in)[:3] == [
        f"c|goal_check_in|goal_answer|{goal.id}",
        f"c|goal_check_in|goal_not_now|{goal.id}",
        f"c|goal_check_in|goal_pause|{goal.id}",
    ]
    await tap(running, SAM, f"c|goal_check_in|goal_answer|{goal.id}")
    assert (await delivered(running, SAM))[-1] == "goal_rate_pictures"
    await tap(running, SAM, f"c|goal_rate_pictures|going_well|{goal.id}")
    assert (await delivered(running, SAM))[-1] == "goal_rated"
    ratings = await rows(running, GoalRating)
    assert [(r.scale, r.value) for r in sorted(ratings, key=lambda r: r.id)] == [
        (Scale.PICTURES, "sometimes"),
        (Scale.PICTURES, "going_well"),
    ]

    # Sam ticks the step.
    await tap(running, SAM, f"c|my_goal_step|step_done|{step.id}")
    assert (await delivered(running, SAM))[-1] == "goal_step_done"
    [step] = await rows(running, GoalStep)
    assert step.state is StepState.DONE

    # The weekly digest, in office hours (a Tuesday morning in London): what changed.
    await all_settled(running)
    running.clock.advance(timedelta(minutes=5))
    assert running.clock().weekday() < 5
    jo_before, cal_before = running.count(JO), running.count(CAL)
    await try_send_digests(running.uow(), now=running.clock())
    assert "goal_digest_staff" in await new_keys(running, JO, jo_before)
    assert "goal_digest_staff" in await new_keys(running, CAL, cal_before)
    digest = "\n".join(m.text or "" for m in running.fake.sent_messages(JO.id)[jo_before:])
    values = {"number": str(goal.id), "goal": WORDS}
    assert running.staff_text("goal_digest_step_done", **values, rating="") in digest
    rated = running.staff_text("goal_rating_going_well_staff")
    assert running.staff_text("goal_digest_rated", **values, rating=rated) in digest


async def test_the_key_worker_can_make_a_goal_on_one_line_still_read_back(
    running: Running,
) -> None:
    await running.join_sam()
    await running.say(JO, f"/goal Sam {WORDS}")
    assert (await keys(running, JO))[-1] == "goal_ask_check"
    assert WORDS in (last(running, JO).text or "")
    await tap(running, JO, "b|goal_right|-")
    await tap(running, JO, "b|goal_no_area|-")
    assert (await delivered(running, JO))[-1] == "goal_saved_staff"
    [goal] = await the_goals(running)
    assert goal.area is None
    [version] = await rows(running, GoalVersion)
    assert version.words == WORDS


async def test_cancel_saves_nothing_and_an_old_button_changes_nothing(running: Running) -> None:
    await running.join_sam()
    await running.say(JO, "/goal Sam")
    await running.say(JO, "go to college")
    await tap(running, JO, "b|goal_drop|-")
    assert (await delivered(running, JO))[-1] == "goal_draft_dropped"
    await tap(running, JO, "b|goal_right|-")
    assert (await delivered(running, JO))[-1] == "goal_draft_expired"
    assert await the_goals(running) == []
    assert await rows(running, GoalDraft) == []


async def test_staff_list_shows_every_version_steps_and_ratings_and_is_audited(
    running: Running,
) -> None:
    await running.join_sam()
    await add_coach(running)
    goal = await make_goal_with_buttons(running, CAL)
    # Sam's easy-read profile rates on pictures: a number is not on their scale.
    await running.say(CAL, f"/goal_rate {goal.id} 7")
    assert (await delivered(running, CAL))[-1] == "goal_rating_not_on_scale"
    await running.say(CAL, f"/goal_rate {goal.id} going_well")
    assert (await delivered(running, CAL))[-1] == "goal_rated_staff"
    # New words, line breaks kept (a new version; the old rating keeps the old words).
    await running.say(JO, f"/goal_words {goal.id} Go to college\nthree days a week")
    assert (await delivered(running, JO))[-1] == "goal_reworded_staff"
    await running.say(JO, f"/goal_step {goal.id} ask about the open day")
    [listing] = await running.say(JO, "/goals Sam")
    assert (await keys(running, JO))[-1] == "goals_staff_list"
    assert WORDS in listing
    assert "Go to college\nthree days a week" in listing
    rating = running.staff_text("goal_rating_going_well_staff")
    assert rating in listing
    assert "Cal" in listing
    assert "ask about the open day" in listing
    # Jo's own young people with no name given: the same goals.
    [own] = await running.say(JO, "/goals")
    assert WORDS in own
    async with running.uow() as work:
        looked = await work.session.scalars(
            select(AuditEvent.action).where(AuditEvent.action == "goals.viewed")
        )
        assert len(list(looked)) == 2


async def test_pause_resume_done_and_a_suggestion_agreed(running: Running) -> None:
    await running.join_sam()
    await running.say(JO, f"/goal Sam {WORDS}")
    await tap(running, JO, "b|goal_right|-")
    await tap(running, JO, "b|goal_no_area|-")
    [goal] = await the_goals(running)
    await running.say(JO, f"/goal_pause {goal.id}")
    assert (await keys(running, JO))[-1] == "help_goal_pause"
    for command, told, state in (
        (f"/goal_pause {goal.id} exams first", "goal_paused_staff", GoalState.PAUSED),
        (f"/goal_resume {goal.id}", "goal_active_staff", GoalState.ACTIVE),
        (f"/goal_done {goal.id}", "goal_done_staff", GoalState.DONE),
    ):
        await running.say(JO, command)
        assert (await delivered(running, JO))[-1] == told
        [goal] = await the_goals(running)
        assert goal.state is state
    # Sam suggests one, reads it back, and Jo agrees it.
    await tap(running, SAM, "c|goals_none|goal_suggest")
    await running.say(SAM, "learn to cook")
    await tap(running, SAM, f"c|goal_read_back|goal_words_right|{goal.id + 1}")
    await running.fake.await_messages(JO.id, len(await keys(running, JO)), timeout=10)
    assert "goal_suggested_staff" in await keys(running, JO)
    await running.say(JO, f"/goal_agree {goal.id + 1}")
    assert (await delivered(running, JO))[-1] == "goal_agreed_staff"
    assert (await the_goals(running))[-1].state is GoalState.ACTIVE


async def test_sam_rates_by_writing_a_number_and_suggests_a_goal_in_their_words(
    running: Running,
) -> None:
    await running.join_sam()
    await running.say(JO, "/profile Sam scale ten")
    running.clock.advance(TELL_AFTER + timedelta(minutes=1))
    # The notice was queued long ago but goes only now: wait for it, or it lands mid-test.
    await delivered(running, SAM)
    await running.say(JO, f"/goal Sam {WORDS}")
    await tap(running, JO, "b|goal_right|-")
    sam_before = running.count(SAM)
    await tap(running, JO, "b|goal_no_area|-")
    assert "goal_rate_ten" in await new_keys(running, SAM, sam_before)
    # 0 to 10 is written, not tapped: the number answers the question about this goal.
    sam_before = running.count(SAM)
    running.fake.send_text(SAM, "6")
    await running.fake.await_messages(SAM.id, sam_before + 1, timeout=10)
    assert "goal_rated" in await new_keys(running, SAM, sam_before)
    [rating] = await rows(running, GoalRating)
    assert (rating.scale, rating.value) == (Scale.TEN, "6")


async def test_no_room_for_another_goal_is_said_before_the_words_are_asked(
    running: Running,
) -> None:
    await running.join_sam()
    await running.say(JO, f"/goal Sam {WORDS}")
    await tap(running, JO, "b|goal_right|-")
    await tap(running, JO, "b|goal_no_area|-")
    # Sam's easy-read profile has room for one goal at a time (GL-1).
    await running.say(JO, "/goal Sam")
    assert (await keys(running, JO))[-1] == "goal_no_room"
    assert await rows(running, GoalDraft) == []
    assert len(await the_goals(running)) == 1
