"""Hearing a young person's message with their council's own phrases asks the database
nothing more than hearing it with the shipped lexicon alone (SQLite and PostgreSQL): the
council's detector is held in memory, found from the worker's hub loaded with the young
person; and the refresh tick reads a council's phrases only when its stamp changed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from bot.adapters.db.uow import UnitOfWorkFactory
from bot.clock import ManualClock
from bot.domain.actors import KnownStaff, KnownYoungPerson
from bot.domain.people import Role
from bot.services.hearing import Heard, do_hear
from bot.services.identity import writer_of
from bot.services.invites import do_create_invite, do_redeem_invite
from bot.services.safety_words import ProposePhrase, do_approve_safety_word, do_propose_phrase
from bot.services.safety_words_refresh import try_refresh_detectors
from bot.services.staff import NewStaff, do_add_staff

JO, LIN, LEE = 1001, 1002, 1003
SAM, KAI = 2001, 2002
PHRASE = ProposePhrase("criminal_exploitation", "phrases", "blorp run")


@contextmanager
def _counted(uow: UnitOfWorkFactory) -> Iterator[list[str]]:
    engine = uow.sessions.kw["bind"].sync_engine
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


async def _set_up(uow: UnitOfWorkFactory, clock: ManualClock) -> None:
    for telegram_id, name, role, hub, council in (
        (JO, "Jo", Role.KEY_WORKER, "Harrogate", "North Yorkshire"),
        (LIN, "Lin", Role.SAFEGUARDING_LEAD, "Harrogate", "North Yorkshire"),
        (LEE, "Lee", Role.KEY_WORKER, "Leeds", "West Yorkshire"),
    ):
        await do_add_staff(
            uow(), NewStaff(telegram_id, name, role, hub, council, create=True), now=clock()
        )
    for worker, young in ((JO, SAM), (LEE, KAI)):
        invite = await do_create_invite(
            uow(), worker_telegram_id=worker, first_name="Sam", now=clock()
        )
        await do_redeem_invite(uow(), telegram_user_id=young, code=invite.code, now=clock())
    lin = await writer_of(uow(), LIN)
    assert isinstance(lin, KnownStaff)
    proposed = await do_propose_phrase(uow(), lin, PHRASE, now=clock())
    await do_approve_safety_word(uow(), lin, proposed.word_id, now=clock())


async def _heard(
    uow: UnitOfWorkFactory, clock: ManualClock, telegram_id: int, text: str
) -> tuple[Heard, int]:
    writer = await writer_of(uow(), telegram_id)
    assert isinstance(writer, KnownYoungPerson)
    shipped = uow.post.detectors.shipped
    with _counted(uow) as statements:
        heard = await do_hear(uow(), writer, text, detector=shipped, now=clock())
    return heard, len(statements)


async def test_a_councils_phrases_cost_no_query(
    uow: UnitOfWorkFactory, clock: ManualClock
) -> None:
    await _set_up(uow, clock)
    assert uow.post.detectors.councils() != []
    ours = await _heard(uow, clock, SAM, "see you at the weekend")
    theirs = await _heard(uow, clock, KAI, "see you at the weekend")
    assert ours == theirs
    heard, _ = await _heard(uow, clock, SAM, "doing a blorp run later")
    assert heard is Heard.CONCERN
    heard, _ = await _heard(uow, clock, KAI, "doing a blorp run later")
    assert heard is not Heard.CONCERN


async def test_the_refresh_tick_reads_phrases_only_when_they_changed(
    uow: UnitOfWorkFactory, clock: ManualClock
) -> None:
    await _set_up(uow, clock)
    with _counted(uow) as statements:
        assert await try_refresh_detectors(uow()) == 0
    # One grouped query (and, on SQLite, nothing to begin or end: it only reads).
    assert len([s for s in statements if "safety_words" in s]) == 1
