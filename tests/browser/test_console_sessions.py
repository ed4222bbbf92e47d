"""The console's Sessions page in Chromium (issue 15): Jo, a key worker, signs in by the link
`/console` sends, books a session for Sam next week, Sam is sent the confirmation at once
(through the outbox, to Telegram), the session shows in the week, Jo moves it and cancels it. Every
page is screenshotted and passes axe-core's WCAG A/AA check."""

from __future__ import annotations

import contextlib
import re
import shutil
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from bot.adapters.db.engine import create_engine, session_factory
from bot.adapters.db.models import OutboxMessage
from bot.adapters.db.uow import PostOffice, UnitOfWorkFactory
from bot.adapters.web.app import ConsoleSettings, console_app
from bot.clock import ManualClock
from bot.content.catalogue import Catalogue
from bot.devtools.fake_telegram import FakeTelegram
from bot.domain.actors import KnownStaff, KnownYoungPerson
from bot.domain.outbox import DeliveryState
from bot.domain.people import Role
from bot.entrypoints.console import govuk_folder
from bot.services.console_login import IssueLink, do_issue_link
from bot.services.identity import writer_of
from bot.services.invites import do_create_invite, do_redeem_invite
from bot.services.staff import NewStaff, do_add_staff
from tests.browser.conftest import Screenshot, Serve
from tests.browser.harness import LoopThread, assert_accessible, reserve_address, url_of
from tests.browser.test_console_login import sign_in
from tests.browser.waypoint_console import ConsoleWorld, running_console
from tests.e2e.conftest import JO as JO_USER
from tests.e2e.conftest import SAM as SAM_USER

JO, SAM = 1001, 2001


@dataclass
class World:
    """Harrogate with Jo and Sam, on a SQLite file, and the link Jo was sent."""

    uow: UnitOfWorkFactory
    sam: int
    link: str


@contextlib.asynccontextmanager
async def _world(path: Path, clock: ManualClock, console: str) -> AsyncIterator[World]:
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    uow = UnitOfWorkFactory(session_factory(engine), PostOffice(Catalogue.load(allow_drafts=True)))
    try:
        new = NewStaff(JO, "Jo", Role.KEY_WORKER, "Harrogate", "North Yorkshire", create=True)
        await do_add_staff(uow(), new, now=clock())
        invite = await do_create_invite(
            uow(), worker_telegram_id=JO, first_name="Sam", now=clock()
        )
        await do_redeem_invite(uow(), telegram_user_id=SAM, code=invite.code, now=clock())
        sam = await writer_of(uow(), SAM)
        jo = await writer_of(uow(), JO)
        assert isinstance(sam, KnownYoungPerson)
        assert isinstance(jo, KnownStaff)
        await do_issue_link(uow(), jo, IssueLink(console), now=clock())
        [*_, sent] = await _queued(uow, JO)
        found = re.search(re.escape(console) + r"(/login/[A-Za-z0-9_-]+)", sent.text)
        assert found is not None
        yield World(uow, sam.young_person_id, found.group(1))
    finally:
        await engine.dispose()


async def _queued(uow: UnitOfWorkFactory, chat_id: int) -> list[OutboxMessage]:
    async with uow() as work:
        query = select(OutboxMessage).where(OutboxMessage.chat_id == chat_id)
        found = list(await work.session.scalars(query.order_by(OutboxMessage.id)))
        work.session.expunge_all()
        return found


def _sam_was_sent(background: LoopThread, world: World) -> str:
    """The message id of the last message queued to Sam's chat (whole messages only)."""
    rows = background.run(_queued(world.uow, SAM))
    return [row.message_key for row in rows if not row.part][-1]


def _check(page: Page, screenshot: Screenshot, name: str) -> None:
    screenshot(page, name)
    assert_accessible(page)


@pytest.fixture
def world(
    background: LoopThread,
    serve: Serve,
    tmp_path: Path,
    _migrated_sqlite: Path,
    clock: ManualClock,
) -> tuple[World, str]:
    """The console served on a free port over the world's database (the clock stays at
    Tuesday 3 March 2026, 10:00); its root URL."""
    path = tmp_path / "waypoint.db"
    shutil.copyfile(_migrated_sqlite, path)
    return _start(background, serve, path, clock)


def _start(
    background: LoopThread, serve: Serve, path: Path, clock: ManualClock
) -> tuple[World, str]:
    listening = reserve_address()
    root = url_of(listening)
    world = background.enter(_world(path, clock, root))
    app = console_app(world.uow, clock, ConsoleSettings(root, govuk_folder()))
    serve(app, listening=listening)
    return world, root


def test_a_key_worker_books_and_cancels_a_session_for_sam(
    page: Page,
    screenshot: Screenshot,
    background: LoopThread,
    world: tuple[World, str],
) -> None:
    made, root = world
    page.goto(root + made.link)
    _check(page, screenshot, "sign-in")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/caseload$"))

    page.get_by_role("link", name="Sessions").click()
    expect(page).to_have_url(re.compile(r"/sessions$"))
    _check(page, screenshot, "week")

    page.locator("#book").click()
    expect(page).to_have_url(re.compile(r"/sessions/book$"))
    _check(page, screenshot, "book")
    page.locator("#book-it").click()  # nothing chosen: each field says what it needs
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.locator("#young_person-error")).to_be_visible()
    _check(page, screenshot, "book-errors")

    page.select_option("#young_person", str(made.sam))
    page.select_option("#with", "me")
    page.fill("#day", "2026-03-10")
    page.fill("#time", "16:00")
    page.fill("#reminders", "1d")
    page.locator("#book-it").click()
    expect(page.locator("#done")).to_have_attribute("data-done", "booked")
    session_id = re.search(r"session=(\d+)", page.url)
    assert session_id is not None
    row = page.locator(f"#session-{session_id.group(1)}")
    expect(row).to_have_attribute("data-state", "booked")
    expect(row.locator(f'[data-young-person="{made.sam}"]')).to_have_text("Sam")
    assert _sam_was_sent(background, made) == "session_booked"
    _check(page, screenshot, "week-booked")

    page.locator(f"#move-{session_id.group(1)}").click()
    expect(page.locator("#time")).to_have_value("16:00")
    _check(page, screenshot, "move")
    page.fill("#time", "17:30")
    page.locator("#move-it").click()
    expect(page.locator("#done")).to_have_attribute("data-done", "moved")
    expect(row).to_have_attribute("data-state", "moved")
    assert _sam_was_sent(background, made) == "session_moved"
    page.set_viewport_size({"width": 375, "height": 800})  # as on a phone
    _check(page, screenshot, "week-moved-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.locator(f"#cancel-{session_id.group(1)}").click()
    _check(page, screenshot, "cancel")
    page.locator("#cancel-it").click()
    expect(page.locator("#done")).to_have_attribute("data-done", "cancelled")
    expect(row).to_have_attribute("data-state", "cancelled")
    assert _sam_was_sent(background, made) == "session_cancelled"
    _check(page, screenshot, "week-cancelled")


@dataclass(frozen=True)
class Live:
    """The running bot and console (tests/browser/waypoint_console.py) and its database."""

    console: ConsoleWorld
    uow: UnitOfWorkFactory


@pytest.fixture
def live(
    background: LoopThread,
    fake_telegram: FakeTelegram,
    _migrated_sqlite: Path,
    tmp_path: Path,
) -> Iterator[Live]:
    """The real bot polling the fake Telegram with its outbox sender running, and the
    console, on a migrated SQLite copy; a second engine reads what was queued."""
    database = tmp_path / "waypoint.db"
    shutil.copyfile(_migrated_sqlite, database)
    url = f"sqlite+aiosqlite:///{database}"
    engine = create_engine(url)
    uow = UnitOfWorkFactory(session_factory(engine), PostOffice(Catalogue.load(allow_drafts=True)))
    try:
        with background.entered(running_console(url, fake_telegram, reserve_address())) as root:
            yield Live(ConsoleWorld(root, fake_telegram), uow)
    finally:
        background.run(engine.dispose())


def test_sam_gets_the_confirmation_of_a_session_booked_in_the_console_in_telegram(
    page: Page, screenshot: Screenshot, background: LoopThread, live: Live
) -> None:
    """Issue 15's "Done when": a session booked in the browser reaches the young person
    through the real outbox sender and (the fake) Telegram."""
    console = live.console
    console.join(JO_USER, SAM_USER, "Sam")
    page.goto(console.console_link(JO_USER))
    sign_in(page, console.url)
    page.get_by_role("link", name="Sessions").click()
    page.locator("#book").click()
    expect(page).to_have_url(re.compile(r"/sessions/book$"))

    next_week = datetime.now(ZoneInfo("Europe/London")).date() + timedelta(days=7)
    page.select_option("#young_person", label="Sam")
    page.select_option("#with", "me")
    page.fill("#day", next_week.isoformat())
    page.fill("#time", "16:00")
    page.locator("#book-it").click()
    expect(page.locator("#done")).to_have_attribute("data-done", "booked")
    _check(page, screenshot, "week-booked-live")

    # The outbox row queued for Sam is the session_booked message; once the sender has
    # delivered it, the row keeps the Telegram message id the fake gave, and the fake's
    # record of Sam's chat holds that message.
    booked = _delivered(background, live.uow, "session_booked")
    in_sams_chat = {
        message.message_id: message for message in console.fake.sent_messages(SAM_USER.id)
    }
    for row in booked:
        assert row.telegram_message_id in in_sams_chat
        assert in_sams_chat[row.telegram_message_id].chat_id == SAM_USER.id


def _delivered(background: LoopThread, uow: UnitOfWorkFactory, key: str) -> list[OutboxMessage]:
    """Sam's rows with this message id, once the outbox sender has delivered them all (it
    runs on its own: wait for it, up to 10 seconds)."""
    deadline = time.monotonic() + 10
    while True:
        rows = [row for row in background.run(_queued(uow, SAM_USER.id)) if row.message_key == key]
        if rows and all(row.state == DeliveryState.SENT for row in rows):
            return rows
        assert time.monotonic() < deadline, [(row.message_key, row.state) for row in rows]
        time.sleep(0.05)
