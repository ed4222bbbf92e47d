"""The content studio against real databases (SQLite and PostgreSQL): a council's approved
version wins over the shipped file for that council only, through the real Postbox; another
instance takes it up at its refresh tick; export then import round-trips; and queueing a
message to a young person asks the database nothing more than it did before the studio."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import cast

import pytest
from sqlalchemy import event, select

from bot.adapters.db.engine import create_engine, session_factory
from bot.adapters.db.models import OutboxMessage
from bot.adapters.db.uow import PostOffice, UnitOfWorkFactory
from bot.clock import ManualClock
from bot.content.catalogue import Catalogue
from bot.content.exchange import read_council_files, write_council_files
from bot.content.messages import ContentError
from bot.content.render import render
from bot.content.wordings import Wordings
from bot.domain.actors import KnownStaff
from bot.domain.errors import AlreadyApproved
from bot.domain.outbox import Lane
from bot.domain.people import Role
from bot.domain.profiles import CommunicationProfile
from bot.domain.wording import WordingStatus
from bot.services.identity import writer_of
from bot.services.invites import do_create_invite, do_redeem_invite
from bot.services.records import WordingVersionRecord
from bot.services.staff import NewStaff, do_add_staff
from bot.services.studio import (
    DraftWording,
    do_approve_wording,
    do_import_wording,
    do_save_draft,
    export_wording,
)
from bot.services.studio_refresh import try_refresh_wordings

JO, SUE, LEE = 1001, 1002, 1003
SAM, KAI = 2001, 2002
EASY = "Hello {name}.\nI am Waypoint. I am a computer, not a person.\n{worker} is your worker."
WELCOME = DraftWording("welcome", "en", EASY, None, ("👋", "💻", "🧑"))
ARABIC = DraftWording("welcome", "ar", "مرحبا {name}.\nأنا Waypoint.\n{worker} هو عاملك.", None)  # noqa: RUF001


OFFER = DraftWording(
    "offer_to_worker",
    "en",
    "I can send your words to {worker}.\nDo you want me to send them now?",
    None,
    ("📨", "❓"),
    ("keep", "send_now"),
)


async def _staff(uow: UnitOfWorkFactory, clock: ManualClock) -> None:
    for telegram_id, name, role, hub, council in (
        (JO, "Jo", Role.KEY_WORKER, "Harrogate", "North Yorkshire"),
        (SUE, "Sue", Role.SLT, "Harrogate", "North Yorkshire"),
        (LEE, "Lee", Role.KEY_WORKER, "Leeds", "West Yorkshire"),
    ):
        new = NewStaff(telegram_id, name, role, hub, council, create=True)
        await do_add_staff(uow(), new, now=clock())


async def _therapist(uow: UnitOfWorkFactory) -> KnownStaff:
    writer = await writer_of(uow(), SUE)
    assert isinstance(writer, KnownStaff)
    return writer


async def _approve(uow: UnitOfWorkFactory, clock: ManualClock, draft: DraftWording) -> int:
    sue = await _therapist(uow)
    saved = await do_save_draft(uow(), sue, draft, now=clock())
    await do_approve_wording(uow(), sue, saved.version_id, now=clock())
    return saved.version_id


async def _link(uow: UnitOfWorkFactory, clock: ManualClock, worker: int, young: int) -> None:
    invite = await do_create_invite(
        uow(), worker_telegram_id=worker, first_name="Sam", now=clock()
    )
    await do_redeem_invite(uow(), telegram_user_id=young, code=invite.code, now=clock())


async def _sent(uow: UnitOfWorkFactory, chat_id: int, message_id: str) -> tuple[str, ...]:
    async with uow() as work:
        rows = await work.session.scalars(
            select(OutboxMessage.text)
            .where(OutboxMessage.chat_id == chat_id, OutboxMessage.message_key == message_id)
            .order_by(OutboxMessage.id)
        )
        return tuple(rows)


async def test_a_councils_approved_version_wins_for_that_council_only(
    uow: UnitOfWorkFactory, clock: ManualClock
) -> None:
    await _staff(uow, clock)
    await _approve(uow, clock, WELCOME)
    await _link(uow, clock, JO, SAM)
    await _link(uow, clock, LEE, KAI)
    values, profile = {"name": "Sam", "worker": "Jo"}, CommunicationProfile()
    sue = await _therapist(uow)
    ours = uow.post.wordings
    assert ours is not None
    theirs = render(ours.for_council(sue.council_id), "welcome", values, profile).chunks
    shipped = render(ours.shipped, "welcome", values, profile).chunks
    assert theirs != shipped
    assert await _sent(uow, SAM, "welcome") == theirs
    kai = render(ours.shipped, "welcome", {"name": "Sam", "worker": "Lee"}, profile).chunks
    assert await _sent(uow, KAI, "welcome") == kai


async def test_another_instance_renders_it_after_its_refresh_tick(
    uow: UnitOfWorkFactory, clock: ManualClock, migrated_url: str
) -> None:
    await _staff(uow, clock)
    engine = create_engine(migrated_url)
    try:
        other_wordings = Wordings(Catalogue.load(allow_drafts=True))
        other = UnitOfWorkFactory(session_factory(engine), PostOffice(other_wordings))
        await try_refresh_wordings(other())
        await _approve(uow, clock, WELCOME)
        sue = await _therapist(uow)
        assert other_wordings.for_council(sue.council_id) is other_wordings.shipped
        assert await try_refresh_wordings(other()) == 1
        # Nothing changed since: the next tick rebuilds nothing (one grouped query only).
        assert await try_refresh_wordings(other()) == 0
        await _link(other, clock, JO, SAM)
        values = {"name": "Sam", "worker": "Jo"}
        expected = render(
            other_wordings.for_council(sue.council_id), "welcome", values, CommunicationProfile()
        ).chunks
        assert expected[0].startswith("Hello Sam")
        assert await _sent(uow, SAM, "welcome") == expected
    finally:
        await engine.dispose()


async def test_export_then_import_round_trips_as_drafts(
    uow: UnitOfWorkFactory, clock: ManualClock, tmp_path: Path
) -> None:
    await _staff(uow, clock)
    english_id = await _approve(uow, clock, WELCOME)
    sue = await _therapist(uow)
    await do_save_draft(uow(), sue, ARABIC, now=clock())
    button = DraftWording("button_help", "en", None, "Help me")
    await do_save_draft(uow(), sue, button, now=clock())
    await do_save_draft(uow(), sue, OFFER, now=clock())
    exported = await export_wording(uow(), "North Yorkshire")
    written = write_council_files(tmp_path, exported.wordings, exported.catalogue)
    assert {p.relative_to(tmp_path).as_posix() for p in written} == {
        "messages/onboarding.toml",
        "messages/choices.toml",
        "locale/ar/LC_MESSAGES/waypoint.po",
    }
    back = read_council_files(tmp_path)
    assert await do_import_wording(uow(), "West Yorkshire", back, now=clock()) == 4
    async with uow() as work:
        west = await work.organisations.council("west-yorkshire")
        assert west is not None
        versions = await work.wording_versions.of_council(west.id)
        got = {
            (v.message_id, v.language): (v.easy, v.standard, tuple(v.symbols), tuple(v.buttons))
            for v in versions
        }
        facts = {(v.status, v.written_by) for v in versions}
        ids = {v.id for v in versions}
    assert got == {
        ("welcome", "en"): (WELCOME.easy, None, WELCOME.symbols, ()),
        ("welcome", "ar"): (ARABIC.easy, None, (), ()),
        ("button_help", "en"): (None, "Help me", (), ()),
        # The buttons, in the council's order.
        ("offer_to_worker", "en"): (OFFER.easy, None, OFFER.symbols, ("keep", "send_now")),
    }
    assert facts == {(WordingStatus.DRAFT, None)}
    assert english_id not in ids


async def test_queueing_to_a_young_person_asks_nothing_more(
    uow: UnitOfWorkFactory, clock: ManualClock, migrated_url: str
) -> None:
    await _staff(uow, clock)
    await _approve(uow, clock, WELCOME)
    await _link(uow, clock, JO, SAM)
    statements: list[str] = []
    async with uow() as work:
        sam = await work.young_people.by_telegram_id(SAM)
        assert sam is not None
        sync = work.session.sync_session.get_bind()

        def count(*args: object) -> None:
            statements.append(str(args[2]))

        event.listen(sync, "before_cursor_execute", count)
        try:
            work.postbox.to_young_person(
                sam, "welcome", {"name": "Sam", "worker": "Jo"}, now=clock()
            )
        finally:
            event.remove(sync, "before_cursor_execute", count)
    assert statements == []


async def test_the_safety_lane_never_waits_on_wording(
    uow: UnitOfWorkFactory, clock: ManualClock, migrated_url: str
) -> None:
    await _staff(uow, clock)
    await _link(uow, clock, JO, SAM)
    engine = create_engine(migrated_url)
    try:
        # A real install: the shipped drafts are not live, and nothing is approved.
        strict = UnitOfWorkFactory(session_factory(engine), PostOffice(Catalogue.load()))
        async with strict() as work:
            sam = await work.young_people.by_telegram_id(SAM)
            assert sam is not None
            values = {"worker": "Jo"}
            work.postbox.to_young_person(
                sam, "concern_raised", values, now=clock(), lane=Lane.SAFETY
            )
            with pytest.raises(ContentError):
                work.postbox.to_young_person(sam, "concern_raised", values, now=clock())
    finally:
        await engine.dispose()


async def test_approving_a_draft_another_instance_approved_meanwhile_is_refused(
    uow: UnitOfWorkFactory, clock: ManualClock
) -> None:
    """The database decides: an instance holding the version as the draft it read approves
    nothing once another has approved it (a conditional UPDATE, on SQLite and PostgreSQL)."""
    await _staff(uow, clock)
    version_id = await _approve(uow, clock, WELCOME)
    # As the slower instance read it, before the other approved it.
    stale = cast(
        "WordingVersionRecord", SimpleNamespace(id=version_id, status=WordingStatus.DRAFT)
    )
    unit = uow()
    async with unit:
        with pytest.raises(AlreadyApproved):
            await unit.wording_versions.approve(stale, by=1, now=clock())


async def test_an_out_of_date_translation_is_exported_fuzzy_and_imported_a_draft(
    uow: UnitOfWorkFactory, clock: ManualClock, tmp_path: Path
) -> None:
    await _staff(uow, clock)
    await _approve(uow, clock, ARABIC)
    # The English changes after the Arabic was approved: the Arabic is out of date.
    await _approve(uow, clock, WELCOME)
    exported = await export_wording(uow(), "North Yorkshire")
    assert exported.out_of_date == {("welcome", "ar")}
    write_council_files(
        tmp_path, exported.wordings, exported.catalogue, out_of_date=exported.out_of_date
    )
    po = (tmp_path / "locale/ar/LC_MESSAGES/waypoint.po").read_text(encoding="utf-8")
    assert "#, fuzzy" in po.split('msgctxt "welcome|easy"')[0].rsplit("\n\n", 1)[-1]
    back = read_council_files(tmp_path)
    await do_import_wording(uow(), "West Yorkshire", back, now=clock())
    async with uow() as work:
        west = await work.organisations.council("west-yorkshire")
        assert west is not None
        versions = await work.wording_versions.of_council(west.id)
        assert {v.status for v in versions if v.language == "ar"} == {WordingStatus.DRAFT}
