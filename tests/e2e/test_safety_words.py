"""The studio's safety words through the real bot, a fake Telegram and a real database (SQLite
and PostgreSQL): once a council's safeguarding lead approves a phrase, the same words from that
council's young person are a concern at once (no restart), while another council's young
person is heard with the shipped lexicon alone; another instance takes the phrase up at its
refresh tick; and the approved examples export in the examples files' format."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.adapters.db.engine import create_engine, session_factory
from bot.adapters.db.uow import PostOffice, UnitOfWorkFactory
from bot.content.council_detectors import CouncilDetectors
from bot.content.safety_examples import read_examples
from bot.devtools.fake_telegram import FakeUser
from bot.domain.actors import KnownStaff
from bot.domain.people import Role
from bot.entrypoints.cli import main
from bot.services.identity import writer_of
from bot.services.safety_words import (
    ProposeExample,
    ProposePhrase,
    do_approve_safety_word,
    do_propose_example,
    do_propose_phrase,
)
from bot.services.safety_words_refresh import try_refresh_detectors
from bot.services.staff import NewStaff, do_add_staff
from tests.e2e.conftest import JO, LINK, SAM, Running

# A flow through Telegram, run on the demo's database (SQLite): its storage is tested on
# both databases in tests/integration, and CI stays under 20 minutes.
pytestmark = pytest.mark.database("sqlite")

LIN = FakeUser(id=1301, first_name="Lin")
LEE = FakeUser(id=1302, first_name="Lee")
KAI = FakeUser(id=2302, first_name="Kai")
# Words the shipped lexicon does not hear: North Yorkshire adds them.
WORDS = "doing a blorp run later"
PHRASE = ProposePhrase("criminal_exploitation", "phrases", "blorp run")


@pytest.fixture
async def councils(running: Running) -> Running:
    """Lin, North Yorkshire's safeguarding lead; Lee, a key worker in West Yorkshire; Sam
    (Jo's) and Kai (Lee's) have joined."""
    for user, role, hub, council in (
        (LIN, Role.SAFEGUARDING_LEAD, "Harrogate", "North Yorkshire"),
        (LEE, Role.KEY_WORKER, "Leeds", "West Yorkshire"),
    ):
        new = NewStaff(user.id, user.first_name, role, hub, council, create=True)
        await do_add_staff(running.uow(), new, now=running.clock())
    await running.join_sam()
    [reply] = await running.say(LEE, "/invite Kai")
    match = LINK.search(reply)
    assert match, reply
    welcome = running.words("welcome", name="Kai", worker="Lee")
    await running.hear(KAI, f"/start {match.group(1)}", welcome)
    return running


async def _lin(running: Running) -> KnownStaff:
    writer = await writer_of(running.uow(), LIN.id)
    assert isinstance(writer, KnownStaff)
    return writer


async def _alerted(running: Running, user: FakeUser, before: int) -> bool:
    sent = await running.fake.await_messages(user.id, before + 1, timeout=10)
    return any(
        str(row[0]["callback_data"]).startswith("a|")
        for message in sent[before:]
        for row in (message.reply_markup or {}).get("inline_keyboard", [])
    )


async def test_an_approved_phrase_is_heard_at_once_for_that_council_only(
    councils: Running,
) -> None:
    running = councils
    await running.say(SAM, WORDS)
    assert await running.concerns() == []
    lin = await _lin(running)
    proposed = await do_propose_phrase(running.uow(), lin, PHRASE, now=running.clock())
    await do_approve_safety_word(running.uow(), lin, proposed.word_id, now=running.clock())
    jo_before = running.count(JO)
    running.fake.send_text(SAM, WORDS)
    assert await _alerted(running, JO, jo_before)
    [concern] = await running.concerns()
    sam = await running.young_person(SAM)
    assert (concern.young_person_id, concern.category) == (sam.id, "criminal_exploitation")
    # West Yorkshire's young person is heard with the shipped lexicon alone.
    await running.say(KAI, WORDS)
    assert len(await running.concerns()) == 1


async def test_another_instance_hears_it_after_its_refresh_tick(
    councils: Running, migrated_url: str
) -> None:
    running = councils
    engine = create_engine(migrated_url)
    try:
        detectors = CouncilDetectors()
        other = UnitOfWorkFactory(session_factory(engine), PostOffice(detectors=detectors))
        lin = await _lin(running)
        proposed = await do_propose_phrase(running.uow(), lin, PHRASE, now=running.clock())
        await do_approve_safety_word(running.uow(), lin, proposed.word_id, now=running.clock())
        assert detectors.for_council(lin.council_id).hear(WORDS).detection is None
        assert await try_refresh_detectors(other()) == 1
        heard = detectors.for_council(lin.council_id).hear(WORDS)
        assert heard.detection is not None
        assert heard.detection.category == "criminal_exploitation"
        assert detectors.for_council(lin.council_id + 1000).hear(WORDS).detection is None
    finally:
        await engine.dispose()


async def test_approved_examples_export_for_training(
    councils: Running, migrated_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    running = councils
    lin = await _lin(running)
    worry = ProposeExample("worry", "criminal_exploitation", "they want me on the blorp run")
    none = ProposeExample("none", "-", "going on the school run\nwith mum")
    draft = ProposeExample("none", "-", "still a draft")
    for example in (worry, none, draft):
        proposed = await do_propose_example(running.uow(), lin, example, now=running.clock())
        if example is not draft:
            await do_approve_safety_word(running.uow(), lin, proposed.word_id, now=running.clock())
    monkeypatch.setenv("WAYPOINT_DATABASE_URL", migrated_url)
    to = tmp_path / "north_yorkshire.tsv"
    args = ["safety", "examples", "export", "--council", "North Yorkshire", "--to", str(to)]
    # The command line runs its own event loop, as it does from a shell.
    assert await asyncio.to_thread(main, args) == 0
    examples = read_examples(to)
    assert [(e.label, e.category, e.approved) for e in examples] == [
        ("worry", "criminal_exploitation", True),
        ("none", "none", True),
    ]
    assert examples[1].text == "going on the school run\nwith mum"
    assert await asyncio.to_thread(main, [*args[:4], "Nowhere", "--to", str(to)]) == 2
