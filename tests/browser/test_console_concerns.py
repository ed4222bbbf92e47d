"""The Concerns pages in Chromium: Sam raises a worry, Jo (Sam's key worker) signs in by the
link `/console` sends, finds it on the Concerns page, acknowledges it, is told what is
missing when closing it without an outcome, closes it with one and downloads the case file.
Every page is screenshotted and checked with axe-core."""

from __future__ import annotations

import contextlib
import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from bot.adapters.db.engine import create_engine, session_factory
from bot.adapters.db.models import Staff
from bot.adapters.db.uow import PostOffice, UnitOfWorkFactory
from bot.adapters.web.app import ConsoleSettings, console_app
from bot.clock import ManualClock
from bot.content.catalogue import Catalogue
from bot.domain.ladder import Urgency
from bot.domain.safety.worry import Worry
from bot.entrypoints.console import govuk_folder
from bot.services.concerns import do_raise_concern
from bot.services.console_login import IssueLink, do_issue_link
from bot.services.invites import do_create_invite, do_redeem_invite
from bot.services.staff import NewStaff, do_add_staff
from tests.browser.conftest import Screenshot, Serve
from tests.browser.harness import LoopThread, assert_accessible, reserve_address, url_of
from tests.integration.concern_world import JO, SAM, STAFF, TUESDAY_MORNING, Hub

WORDS = "I don't feel safe at home tonight"


@contextlib.asynccontextmanager
async def _harrogate(database: Path) -> AsyncIterator[Hub]:
    """The council of tests/integration/concern_world.py on a migrated SQLite file, with Sam
    linked to Jo; the engine is closed when left."""
    engine = create_engine(f"sqlite+aiosqlite:///{database}")
    uow = UnitOfWorkFactory(session_factory(engine), PostOffice(Catalogue.load(allow_drafts=True)))
    clock = ManualClock(TUESDAY_MORNING)
    try:
        for telegram_id, name, role, hub_name in STAFF:
            new = NewStaff(telegram_id, name, role, hub_name, "North Yorkshire", create=True)
            await do_add_staff(uow(), new, now=clock())
        async with uow() as work:
            ids = {s.telegram_user_id: s.id for s in await work.session.scalars(select(Staff))}
        invite = await do_create_invite(
            uow(), worker_telegram_id=JO, first_name="Sam", now=clock()
        )
        await do_redeem_invite(uow(), telegram_user_id=SAM, code=invite.code, now=clock())
        yield Hub(uow, clock, ids)
    finally:
        await engine.dispose()


async def _link(hub: Hub, console: str) -> str:
    """Jo sends `/console`: the link in the message queued for Jo."""
    await do_issue_link(hub.uow(), await hub.actor(JO), IssueLink(console), now=hub.clock())
    [*_, message] = await hub.queued(JO)
    found = re.search(re.escape(console) + r"/login/[A-Za-z0-9_-]+", message.text)
    assert found is not None
    return found.group(0)


def _look(page: Page, screenshot: Screenshot, name: str) -> None:
    """Screenshot and check the page on a desktop, then on a phone (as out of hours)."""
    screenshot(page, name)
    assert_accessible(page)
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, f"{name}-phone")
    assert_accessible(page)
    # Nothing is wider than the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def served(
    serve: Serve, background: LoopThread, request: pytest.FixtureRequest, tmp_path: Path
) -> tuple[Hub, str]:
    """The council on its own SQLite file, and the console served on it: (hub, root URL)."""
    database = tmp_path / "waypoint.db"
    shutil.copyfile(request.getfixturevalue("_migrated_sqlite"), database)
    hub = background.enter(_harrogate(database))
    listening = reserve_address()
    root = url_of(listening)
    app = console_app(hub.uow, hub.clock, ConsoleSettings(root, govuk_folder()))
    serve(app, listening=listening)
    return hub, root


def test_a_key_worker_acknowledges_and_closes_a_concern_in_the_console(
    page: Page, served: tuple[Hub, str], background: LoopThread, screenshot: Screenshot
) -> None:
    hub, root = served
    worry = Worry("words", Urgency.HIGH, WORDS)
    concern_id = background.run(do_raise_concern(hub.uow(), SAM, worry, now=hub.clock()))
    assert concern_id is not None
    background.run(hub.tick(minutes=12))

    page.goto(background.run(_link(hub, root)))
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(root + "/caseload")
    page.get_by_role("link", name="Concerns", exact=True).click()
    row = page.locator(f"#concern-{concern_id}")
    expect(row).to_have_attribute("data-state", "open")
    expect(row).to_have_attribute("data-urgency", "high")
    _look(page, screenshot, "1-concerns")

    row.get_by_role("link").click()
    expect(page.locator("#words")).to_contain_text(WORDS)
    expect(page.locator("#chronology tbody tr")).not_to_have_count(0)
    _look(page, screenshot, "2-concern")

    page.locator("#acknowledge").click()
    expect(page.locator("#banner")).to_have_attribute("data-done", "acknowledged")
    expect(page.locator("#state")).to_have_attribute("data-state", "acknowledged")
    _look(page, screenshot, "3-acknowledged")

    page.locator("#close").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.locator("#outcome-error")).to_be_visible()
    _look(page, screenshot, "4-close-without-outcome")

    page.locator("#outcome").fill("Phoned Sam and their carer; safety plan updated.")
    page.locator("#close").click()
    expect(page.locator("#banner")).to_have_attribute("data-done", "closed")
    expect(page.locator("#state")).to_have_attribute("data-state", "closed")
    expect(page.locator("#closed")).to_contain_text("safety plan updated")
    _look(page, screenshot, "5-closed")

    with page.expect_download() as download:
        page.locator("#export").click()
    record = Path(download.value.path()).read_text(encoding="utf-8")
    assert WORDS in record
    assert "Phoned Sam" in record

    page.get_by_role("link", name="Concerns", exact=True).click()
    expect(page.locator(f"#concern-{concern_id}")).to_have_count(0)
    _look(page, screenshot, "6-concerns-after")
