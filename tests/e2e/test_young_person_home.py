"""Issue 11's done-when: whatever a young person writes gets their home, reaches their worker,
or answers the question Waypoint asked; nothing is silently dropped.

Each row is one thing Sam writes (after a few steps to set the scene) and what must come of
it, checked against the catalogue's rendering of each message id, never exact English. Words
offered to Jo and not sent are followed to Jo's next look, so "kept" is proven, not assumed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from enum import Enum
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update

from bot.adapters.db.models import Concern, OutboxMessage
from bot.devtools.fake_telegram import FakeUser
from bot.domain.people import Role
from bot.domain.profiles import CommunicationProfile, Replies
from bot.services.kept_words import kept_when
from bot.services.ladder_steps import do_take_due_steps
from bot.services.staff import NewStaff, do_add_staff
from tests.e2e.conftest import JO, SAM, Running

# A flow through Telegram, run on the demo's database (SQLite): its storage is tested on
# both databases in tests/integration, and CI stays under 20 minutes.
pytestmark = pytest.mark.database("sqlite")

ARABIC = CommunicationProfile(language="ar")
ZONE = ZoneInfo("Europe/London")
SAM_AND_JO = {"name": "Sam", "worker": "Jo"}


class Comes(Enum):
    """What comes of a message."""

    HOME = "their home"
    WORKER = "reaches their worker now"
    KEPT = "offered to their worker, kept for their next look"
    ANSWER = "answers the open question"


@dataclass(frozen=True)
class Row:
    """Sam writes `text` after `before` (each with how many messages Sam gets back)."""

    text: str
    comes: Comes
    # What Sam gets: message ids, each rendered for Sam (values below), in order.
    sam: tuple[str, ...] = ()
    # What Jo gets, as a staff message id, if anything comes to Jo at once.
    jo: str | None = None
    before: tuple[tuple[str, int], ...] = ()
    values: dict[str, str] = field(default_factory=dict)
    profile: CommunicationProfile | None = None
    # The words Jo is given (at once, or at Jo's next look), when not `text` itself.
    words: str | None = None
    # Jo sets Sam to write replies first: choices come numbered, and a number picks one.
    written: bool = False


LANGUAGE = ("/language", 1)
# Written replies: the choices come numbered, in a message of their own.
WRITTEN_LANGUAGE = ("/language", 2)
WRITTEN = CommunicationProfile(replies=Replies.FREE_TEXT)
TALK = ("/talk", 1)
OFFERED = ("can we meet on tuesday", 1)

ROWS = [
    Row("hello", Comes.HOME, ("home",)),
    Row("can you help me", Comes.HOME, ("home",)),
    Row("help", Comes.WORKER, ("help",), jo="young_person_asked_help"),
    Row("/help", Comes.HOME, ("home",)),
    Row("what can you do?", Comes.HOME, ("home",)),
    # ("I want to talk to Jo" is heard as a possible call for help: "Are you OK?", with "Talk
    # to Jo" under it; tests/e2e/test_learned_check.py.)
    Row("I want a new phone case", Comes.KEPT, ("offer_to_worker",)),
    Row("/stop", Comes.WORKER, ("stopped",), jo="young_person_stopped"),
    Row("polish", Comes.KEPT, ("offer_to_worker",), before=(LANGUAGE,)),
    # "Something else" reaches Jo, and what Sam writes next goes to Jo too.
    Row(
        "polish",
        Comes.WORKER,
        ("talk_sent",),
        jo="talk_from_young_person",
        before=(LANGUAGE, ("something else", 1)),
    ),
    Row("i dunno i just feel rubbish", Comes.KEPT, ("offer_to_worker",)),
    Row("Hiya!", Comes.HOME, ("home",)),
    Row("hi jo", Comes.HOME, ("home",)),
    Row("who are you", Comes.HOME, ("home",)),
    Row("menu", Comes.HOME, ("home",)),
    Row("/start", Comes.HOME, ("home",)),
    Row("/nonsense", Comes.HOME, ("home",)),
    Row("مرحبا", Comes.HOME, ("home",)),
    Row("talk to jo", Comes.ANSWER, ("talk_start",)),
    Row("1", Comes.ANSWER, ("talk_start",), written=True),
    # Choices shown as buttons have no numbers: a stray "2" is never "I'm worried".
    Row("2", Comes.KEPT, ("offer_to_worker",)),
    Row("1", Comes.KEPT, ("offer_to_worker",)),
    # Nor is one word "I'm worried" shares with other words (Arabic "أنا", "I").
    Row(
        "أنا",
        Comes.KEPT,
        ("offer_to_worker",),
        before=(LANGUAGE, ("arabic", 1)),
        profile=ARABIC,
    ),
    # An answer wins over an open talk: "1" chooses English, it is not relayed to Jo.
    Row(
        "1",
        Comes.ANSWER,
        ("language_changed",),
        before=(TALK, WRITTEN_LANGUAGE),
        values={"language": "English"},
        written=True,
    ),
    Row(
        "arabic",
        Comes.ANSWER,
        ("language_changed",),
        before=(LANGUAGE,),
        values={"language": "العربية"},
        profile=ARABIC,
    ),
    Row(
        "English",
        Comes.ANSWER,
        ("language_changed",),
        before=(LANGUAGE,),
        values={"language": "English"},
    ),
    Row(
        "can we meet on tuesday",
        Comes.WORKER,
        ("talk_sent",),
        jo="talk_from_young_person",
        before=(TALK,),
    ),
    Row(
        "yes",
        Comes.WORKER,
        ("talk_sent",),
        jo="words_for_you",
        before=(OFFERED,),
        words=OFFERED[0],
    ),
    Row("no", Comes.KEPT, ("words_kept",), before=(OFFERED,), words=OFFERED[0]),
    Row("thanks", Comes.KEPT, ("offer_to_worker",)),
    Row("👍", Comes.KEPT, ("offer_to_worker",)),
    Row(
        "something else",
        Comes.WORKER,
        ("something_else",),
        jo="young_person_something_else",
        before=(LANGUAGE,),
    ),
    # The home has no "Something else": writing anything is that, and is offered to Jo.
    Row("something else", Comes.KEPT, ("offer_to_worker",)),
]


def _sam_reads(running: Running, row: Row) -> list[str]:
    values = {**SAM_AND_JO, **row.values}
    return [
        chunk
        for message in row.sam
        for chunk in running.words(message, profile=row.profile, **values)
    ]


@pytest.mark.parametrize(
    "row",
    ROWS,
    ids=[f"{r.text} ({r.comes.value})" for r in ROWS],
)
async def test_every_message_gets_the_home_reaches_the_worker_or_answers(
    running: Running, row: Row
) -> None:
    await running.join_sam()
    if row.written:
        changed = running.count(SAM) + running.parts(
            "profile_changed_no_review", profile=WRITTEN, worker="Jo"
        )
        await running.say(JO, "/profile Sam replies text")
        await running.fake.await_messages(SAM.id, changed)
    for text, replies in row.before:
        await running.say(SAM, text, replies=replies)
    jo_before = running.count(JO)
    written_at = running.clock()

    await running.hear(SAM, row.text, _sam_reads(running, row))

    words = row.words or row.text
    if row.jo is not None:
        [told] = (await running.fake.await_messages(JO.id, jo_before + 1))[jo_before:]
        assert told.text == running.staff_text(row.jo, name="Sam", text=words, words=words)
    if row.comes is Comes.KEPT:
        # Nobody answers within Sam's wait (10 minutes): the words wait for Jo's next look.
        running.clock.advance(timedelta(minutes=10))
        before = running.count(JO)
        running.fake.send_text(JO, "/help")
        looked = await running.fake.await_messages(JO.id, before + 2)
        when = kept_when(written_at, ZONE)
        left = running.staff_text("words_kept_for_you", name="Sam", words=words, when=when)
        assert left in [m.text for m in looked[before:]]
    elif row.comes is Comes.HOME:
        # The home is one message, with its choices as buttons under it.
        home = running.fake.sent_messages(SAM.id)[-1]
        assert "inline_keyboard" in (home.reply_markup or {})


# Worrying words that sound unsure: Sam is asked "Are you OK?" first (10 minutes' wait).
UNSURE = "i want to die lol"


async def _everything_sent(running: Running, user: FakeUser) -> list[str]:
    """Every message queued for `user` so far, once it has reached them."""
    async with running.uow() as work:
        queued = await work.session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.chat_id == user.id)
        )
    sent = await running.fake.await_messages(user.id, queued or 0, timeout=10)
    return [message.text or "" for message in sent]


async def _asked(running: Running) -> None:
    """Sam writes unsure worrying words and is asked "Are you OK?"."""
    await running.hear(SAM, UNSURE, running.words("concern_check", worker="Jo"))


async def _ask_times_out(running: Running) -> None:
    """Nobody answers "Are you OK?" in Sam's wait: Jo is told, and Sam hears so."""
    running.clock.advance(timedelta(minutes=10))
    await do_take_due_steps(running.uow(), now=running.clock())
    await _everything_sent(running, SAM)
    await _everything_sent(running, JO)


@pytest.mark.parametrize("text", ["no", "yes", "I want a new phone case"])
async def test_words_after_are_you_ok_timed_out_are_never_dropped(
    running: Running, text: str
) -> None:
    await running.join_sam()
    await _asked(running)
    await _ask_times_out(running)

    # Not an answer any more: what Sam writes is offered to Jo, as anything else is.
    await running.hear(SAM, text, running.words("offer_to_worker", worker="Jo"))


async def _later_words(running: Running) -> list[str]:
    """The words added to Sam's concern since it was raised, oldest first."""
    [concern] = await running.concerns()
    async with running.uow() as work:
        return [w.words for w in await work.concerns.later_words(concern.id)]


# ("not really" and "no" answer it: tests/unit/test_service_hearing.py.)
@pytest.mark.parametrize("text", ["im fine", "hello", "safe"])
async def test_words_that_do_not_answer_are_you_ok_join_the_worry(
    running: Running, text: str
) -> None:
    await running.join_sam()
    await _asked(running)

    # Kept with the worry (never offered, never the home), and the question is asked again.
    await running.hear(SAM, text, running.words("concern_check_words", worker="Jo"))
    assert await _later_words(running) == [text]
    jo_before = running.count(JO)
    await running.hear(SAM, "worried", [])
    await running.fake.await_messages(JO.id, jo_before + 1)
    [concern] = await running.concerns()
    # Told now, at the worry's own urgency ("lol": low).
    assert (concern.state, concern.urgency) == ("open", "low")


@pytest.mark.parametrize(("text", "replies"), [("/help", ("home",)), ("/stop", ("stopped",))])
async def test_help_and_stop_leave_are_you_ok_open(
    running: Running, text: str, replies: tuple[str, ...]
) -> None:
    await running.join_sam()
    await _asked(running)
    await running.hear(
        SAM, text, [c for m in replies for c in running.words(m, name="Sam", worker="Jo")]
    )

    # "im ok" still answers the question about the worry.
    await running.hear(SAM, "im ok", running.words("concern_check_ok", worker="Jo"))


@pytest.mark.parametrize(
    ("tap", "key"),
    [(False, "help"), (False, "something else"), (True, "help"), (True, "something_else")],
)
async def test_help_or_something_else_on_are_you_ok_is_worried(
    running: Running, *, tap: bool, key: str
) -> None:
    await running.join_sam()
    await _asked(running)
    jo_before = running.count(JO)

    if tap:
        running.fake.press_button(SAM, f"c|concern_check|{key}")
    else:
        running.fake.send_text(SAM, key)

    # Jo is told now, not when Sam's wait (10 minutes) is over, at the worry's own urgency.
    told = await running.fake.await_messages(JO.id, jo_before + 2)
    [concern] = await running.concerns()
    assert (concern.state, concern.urgency) == ("open", "low")
    assert any(m.text and "Sam" in m.text for m in told[jo_before:])


@pytest.mark.parametrize("worried", [True, False])
async def test_a_worker_may_reply_after_stop_while_a_worry_is_not_closed(
    running: Running, *, worried: bool
) -> None:
    await running.join_sam()
    if worried:
        running.fake.send_text(SAM, "/worried")
        await running.fake.await_messages(JO.id, 3)
        await _everything_sent(running, SAM)
    await running.say(SAM, "/stop")
    await _everything_sent(running, JO)
    sam_before = len(await _everything_sent(running, SAM))

    [answer] = await running.say(JO, "/reply Sam are you ok?")

    if worried:
        assert answer == running.staff_text("talk_reply_sent", name="Sam")
        words = running.words("talk_from_worker", worker="Jo", text="are you ok?")
        sent = await running.fake.await_messages(SAM.id, sam_before + len(words))
        assert [m.text for m in sent[sam_before:]] == words
    else:
        assert answer == running.staff_text("talk_reply_paused", name="Sam")


DEE = FakeUser(id=1101, first_name="Dee")


@pytest.mark.parametrize(
    ("text", "message_id"), [("hello", "home"), ("thanks", "offer_to_worker")]
)
async def test_the_home_and_the_offer_name_who_gets_the_words(
    running: Running, text: str, message_id: str
) -> None:
    new = NewStaff(DEE.id, "Dee", Role.DUTY, "Harrogate", "North Yorkshire", create=True)
    await do_add_staff(running.uow(), new, now=running.clock())
    await running.join_sam()
    await running.say(JO, "/away Dee")

    # Jo is away and Dee covers: Sam's words go to Dee, so Sam reads Dee's name.
    await running.hear(SAM, text, running.words(message_id, name="Sam", worker="Dee"))
    if message_id == "offer_to_worker":
        dee_before = running.count(DEE)
        await running.hear(SAM, "yes", running.words("talk_sent", worker="Dee"))
        [given] = (await running.fake.await_messages(DEE.id, dee_before + 1))[dee_before:]
        assert given.text == running.staff_text("words_for_you", name="Sam", words=text)


async def test_after_stop_a_plain_message_does_not_open_the_way_but_sending_words_does(
    running: Running,
) -> None:
    # What talk_reply_paused tells Jo, step by step: writing alone is not enough.
    await running.join_sam()
    await running.say(SAM, "/stop")
    await _everything_sent(running, SAM)
    await running.hear(SAM, "thanks", running.words("offer_to_worker", worker="Jo"))
    [refused] = await running.say(JO, "/reply Sam hi")
    assert refused == running.staff_text("talk_reply_paused", name="Sam")

    await running.hear(SAM, "yes", running.words("talk_sent", worker="Jo"))
    await _everything_sent(running, JO)
    [sent] = await running.say(JO, "/reply Sam hi")
    assert sent == running.staff_text("talk_reply_sent", name="Sam")


async def test_an_answer_to_a_question_closed_meanwhile_is_heard_as_anything_else(
    running: Running,
) -> None:
    await running.join_sam()
    await _asked(running)
    # Another instance took the ask's step between reading Sam's words and answering: the
    # concern is no longer asking, though Sam's row still says the question is open.
    async with running.uow() as work:
        await work.session.execute(
            update(Concern).values(state="open", next_step_at=running.clock() + timedelta(days=1))
        )
        await work.commit()

    await running.hear(SAM, "yes", running.words("offer_to_worker", worker="Jo"))
