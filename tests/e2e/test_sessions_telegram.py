"""Issue 12 through the real bot: Jo books a session with Sam by tapping buttons, Sam is
told and reminded at the right moments (never before), Sam's "Change it" reaches Jo, and once
Jo cancels nothing more leaves for that session. Then each session command, one at a time.

Time moves only on the ManualClock, and the reminders tick is run by hand, as
bot.entrypoints.ticks runs it. What each person gets is checked by message id (the outbox's
`message_key`) and buttons, never by exact English.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from bot.adapters.db.models import AuditEvent, OutboxMessage, Reminder, Session
from bot.clock import Clock, ManualClock, system_clock
from bot.devtools.fake_telegram import FakeUser
from bot.devtools.fake_telegram_models import SentMessage
from bot.services.profiles import TELL_AFTER
from bot.services.reminders import try_follow_weekly, try_remind_due
from tests.e2e.conftest import JO, SAM, Running, settled

# A flow through Telegram, run on the demo's database (SQLite): its storage is tested on
# both databases in tests/integration, and CI stays under 20 minutes.
pytestmark = pytest.mark.database("sqlite")

# The clock starts on Tuesday 3 March 2026 at 10:00 in London (bot tests' conftest).
TOMORROW = "2026-03-04"


@pytest.fixture
def sender_clock(clock: ManualClock) -> Clock:
    """The sender follows the ManualClock (plus the real time since the test began, which its
    pacing needs): a reminder queued at a moment the test moved to is not "too late" for it."""
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


async def tap(running: Running, user: FakeUser, data: str) -> SentMessage:
    """Tap the button with `data` on the bot's latest message; the next message back."""
    before = running.count(user)
    running.fake.press_button(user, data)
    sent = await running.fake.await_messages(user.id, before + 1, timeout=10)
    return sent[before]


def buttons(message: SentMessage) -> list[str]:
    """The callback data of a message's buttons."""
    rows = (message.reply_markup or {}).get("inline_keyboard", [])
    return [row[0]["callback_data"] for row in rows]


async def tick(running: Running) -> None:
    """The reminders tick, as bot.entrypoints.ticks runs it, at the ManualClock's time."""
    await try_follow_weekly(running.uow(), now=running.clock())
    await try_remind_due(running.uow(), now=running.clock())


async def reminders_of(running: Running, session_id: int) -> list[Reminder]:
    """A session's reminders, soonest first."""
    async with running.uow() as work:
        query = select(Reminder).where(Reminder.session_id == session_id)
        found = list(await work.session.scalars(query.order_by(Reminder.due_at)))
        work.session.expunge_all()
        return found


async def only_session(running: Running) -> Session:
    """The one session booked."""
    async with running.uow() as work:
        [session] = list(await work.session.scalars(select(Session)))
        work.session.expunge_all()
        return session


def set_clock(running: Running, moment: datetime) -> None:
    """Move the ManualClock forward to `moment`."""
    running.clock.advance(moment - running.clock())


async def book_with_buttons(running: Running) -> Session:
    """Jo books Sam for tomorrow at 16:00 at the hub, tapping an answer to each question."""
    sam = await running.young_person(SAM)
    await running.say(JO, "/book")
    assert f"b|person|{sam.id}" in buttons(running.fake.sent_messages(JO.id)[-1])
    ask_day = await tap(running, JO, f"b|person|{sam.id}")
    # Today, tomorrow and the days after, then Cancel.
    assert buttons(ask_day)[:2] == ["b|day|2026-03-03", f"b|day|{TOMORROW}"]
    assert buttons(ask_day)[-1] == "b|drop|-"
    ask_time = await tap(running, JO, f"b|day|{TOMORROW}")
    assert buttons(ask_time) == [
        "b|time|10:00",
        "b|time|13:00",
        "b|time|16:00",
        "b|write_time|-",
        "b|drop|-",
    ]
    ask_place = await tap(running, JO, "b|time|16:00")
    assert buttons(ask_place) == ["b|hub|-", "b|write_place|-", "b|drop|-"]
    check = await tap(running, JO, "b|hub|-")
    assert buttons(check) == ["b|book|-", "b|drop|-"]
    assert (await keys(running, JO))[-1] == "booking_ask_check"
    await tap(running, JO, "b|book|-")
    assert (await delivered(running, JO))[-1] == "session_changed_staff"
    assert (await delivered(running, SAM))[-1] == "session_booked"
    return await only_session(running)


async def test_a_session_booked_with_buttons_is_reminded_on_time_and_cancelled_for_good(
    running: Running,
) -> None:
    await running.join_sam()
    session = await book_with_buttons(running)
    assert session.starts_at == datetime.fromisoformat(f"{TOMORROW}T16:00+00:00")
    day_before, soon = await reminders_of(running, session.id)
    for_sam = len(await delivered(running, SAM))

    # A minute before the day-before reminder's moment, nothing; at it, the reminder.
    set_clock(running, day_before.due_at - timedelta(minutes=1))
    await tick(running)
    assert len(await keys(running, SAM)) == for_sam
    set_clock(running, day_before.due_at)
    await tick(running)
    sam_keys = await delivered(running, SAM)
    assert set(sam_keys[for_sam:]) == {"session_reminder"}
    reminder = running.fake.sent_messages(SAM.id)[-1]
    # Its buttons name the session they are about.
    assert f"c|session_reminder|session_change|{session.id}" in buttons(reminder)
    assert not reminder.disable_notification

    # "Change it" reaches Jo at once; Sam is told Jo will be in touch.
    jo_before = len(await delivered(running, JO))
    running.fake.press_button(SAM, f"c|session_reminder|session_change|{session.id}")
    await running.fake.await_messages(JO.id, jo_before + 1, timeout=10)
    assert (await keys(running, JO))[jo_before:] == ["session_change_staff"]
    assert (await delivered(running, SAM))[-1] == "session_change_reply"

    # Jo cancels: Sam hears that, and nothing else, even past the next reminder's moment.
    for_sam = len(await delivered(running, SAM))
    await running.say(JO, f"/cancel_session {session.id}")
    sam_keys = await delivered(running, SAM)
    assert set(sam_keys[for_sam:]) == {"session_cancelled"}
    set_clock(running, soon.due_at + timedelta(minutes=1))
    await tick(running)
    set_clock(running, session.starts_at + timedelta(days=8))
    await tick(running)
    assert await keys(running, SAM) == sam_keys
    assert running.count(SAM) == len(sam_keys)


async def test_both_reminders_come_at_their_moments_and_not_before(running: Running) -> None:
    await running.join_sam()
    await running.say(JO, f"/book Sam {TOMORROW} 16:00 at Harrogate Library")
    assert (await delivered(running, SAM))[-1] == "session_booked"
    session = await only_session(running)
    assert session.place == "Harrogate Library"
    moments = await reminders_of(running, session.id)
    assert [r.offset for r in moments] == ["1d", "2h"]
    for reminder, message_id in zip(
        moments, ("session_reminder", "session_reminder_soon"), strict=True
    ):
        before = len(await delivered(running, SAM))
        set_clock(running, reminder.due_at - timedelta(seconds=30))
        await tick(running)
        assert len(await keys(running, SAM)) == before
        set_clock(running, reminder.due_at)
        await tick(running)
        assert set((await delivered(running, SAM))[before:]) == {message_id}


async def test_a_silent_profile_makes_the_reminder_silent(running: Running) -> None:
    await running.join_sam()
    await running.say(JO, "/profile Sam silent on")
    # Sam hears of the change once it has settled (bot.services.profiles).
    running.clock.advance(TELL_AFTER + timedelta(minutes=1))
    await delivered(running, SAM)
    await running.say(JO, f"/book Sam {TOMORROW} 16:00")
    await delivered(running, SAM)
    [day_before, _] = await reminders_of(running, (await only_session(running)).id)
    before = len(await delivered(running, SAM))
    set_clock(running, day_before.due_at)
    await tick(running)
    assert set((await delivered(running, SAM))[before:]) == {"session_reminder"}
    reminder = running.fake.sent_messages(SAM.id)[before:]
    assert all(message.disable_notification for message in reminder)


async def test_a_written_time_and_place_are_taken_and_cancel_books_nothing(
    running: Running,
) -> None:
    await running.join_sam()
    sam = await running.young_person(SAM)
    await running.say(JO, "/book")
    await tap(running, JO, f"b|person|{sam.id}")
    await tap(running, JO, f"b|day|{TOMORROW}")
    await tap(running, JO, "b|write_time|-")
    await running.say(JO, "half four", replies=2)
    assert (await keys(running, JO))[-2:] == ["booking_again", "booking_ask_write_time"]
    await running.say(JO, "16:30")
    assert (await keys(running, JO))[-1] == "booking_ask_place"
    assert buttons(running.fake.sent_messages(JO.id)[-1])[0] == "b|hub|-"
    await tap(running, JO, "b|write_place|-")
    await running.say(JO, "Harrogate Library")
    assert (await keys(running, JO))[-1] == "booking_ask_check"
    await tap(running, JO, "b|drop|-")
    assert (await keys(running, JO))[-1] == "booking_dropped"
    async with running.uow() as work:
        assert list(await work.session.scalars(select(Session))) == []


async def _booked(running: Running) -> Session:
    await running.join_sam()
    await running.say(JO, f"/book Sam {TOMORROW} 16:00")
    await delivered(running, SAM)
    return await only_session(running)


async def test_sessions_lists_what_is_ahead_with_numbers(running: Running) -> None:
    session = await _booked(running)
    [listed] = await running.say(JO, "/sessions")
    assert (await keys(running, JO))[-1] == "sessions_staff_list"
    assert f"#{session.id}" in listed
    await running.say(JO, "/sessions Sam")
    assert (await keys(running, JO))[-1] == "sessions_staff_list"
    # Each look at where Sam will be is audited: once for the list of Jo's own, once by name.
    async with running.uow() as work:
        looks = await work.session.scalars(
            select(AuditEvent.subject_id).where(AuditEvent.action == "sessions.viewed")
        )
        assert list(looks) == [session.young_person_id, session.young_person_id]


async def test_move_session_tells_sam_the_new_time(running: Running) -> None:
    session = await _booked(running)
    for_sam = len(await delivered(running, SAM))
    await running.say(JO, f"/move_session {session.id} {TOMORROW} 16:30")
    assert set((await delivered(running, SAM))[for_sam:]) == {"session_moved"}
    assert (await delivered(running, JO))[-1] == "session_changed_staff"
    await running.say(JO, f"/move_session {session.id} soon")
    assert (await keys(running, JO))[-1] == "move_session_usage"


async def test_not_seen_gives_jo_a_follow_up_and_sam_one_neutral_message(
    running: Running,
) -> None:
    session = await _booked(running)
    set_clock(running, session.starts_at + timedelta(minutes=70))
    for_sam = len(await delivered(running, SAM))
    for_jo = len(await delivered(running, JO))
    await running.say(JO, f"/notseen {session.id}")
    assert (await delivered(running, JO))[for_jo:] == ["session_follow_up_staff"]
    assert set((await delivered(running, SAM))[for_sam:]) == {"session_missed"}
    assert running.count(SAM) - for_sam == running.parts(
        "session_missed", name="Sam", worker="Jo", when="yesterday"
    )


async def test_seen_is_told_to_jo_and_not_to_sam(running: Running) -> None:
    session = await _booked(running)
    set_clock(running, session.starts_at + timedelta(minutes=70))
    for_sam = len(await delivered(running, SAM))
    await running.say(JO, f"/seen {session.id}")
    assert (await keys(running, JO))[-1] == "session_seen_staff"
    assert len(await keys(running, SAM)) == for_sam


async def test_agreed_sends_sam_the_recap(running: Running) -> None:
    session = await _booked(running)
    set_clock(running, session.starts_at + timedelta(minutes=70))
    for_sam = len(await delivered(running, SAM))
    agreed = "we will meet at the library\nbring your bus pass"
    await running.say(JO, f"/agreed {session.id} {agreed}")
    assert (await keys(running, JO))[-1] == "agreed_sent"
    assert set((await delivered(running, SAM))[for_sam:]) == {"session_recap"}
    # Jo's words reach Sam as Jo wrote them, line breaks and all.
    sent = "\n".join(m.text or "" for m in running.fake.sent_messages(SAM.id))
    assert agreed in sent


async def test_pause_asks_sam_how_long(running: Running) -> None:
    await running.join_sam()
    for_sam = len(await delivered(running, SAM))
    running.fake.send_text(SAM, "/pause")
    await running.fake.await_messages(SAM.id, for_sam + 1, timeout=10)
    assert set((await delivered(running, SAM))[for_sam:]) == {"reminders_pause"}
    assert "c|reminders_pause|pause_day" in buttons(running.fake.sent_messages(SAM.id)[-1])
