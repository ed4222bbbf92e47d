"""*How we are doing* in a real browser: Max, the hub's manager, signs in by the link
`/console` sends, opens the page from the menu, chooses a range, downloads the CSV, and sees
the error for a range not offered; each page is screenshotted and passes axe-core."""

from __future__ import annotations

import csv
import io
import re
import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.db.engine import create_engine, session_factory
from bot.adapters.db.uow import PostOffice, UnitOfWorkFactory
from bot.adapters.web.app import ConsoleSettings, console_app
from bot.clock import ManualClock
from bot.content.catalogue import Catalogue
from bot.entrypoints.console import govuk_folder
from bot.services.console_login import IssueLink, do_issue_link
from bot.services.invites import do_create_invite, do_redeem_invite
from bot.services.staff import NewStaff, do_add_staff
from tests.browser.conftest import Screenshot, Serve
from tests.browser.harness import LoopThread, assert_accessible, reserve_address, url_of
from tests.integration.concern_world import JO, MAX, SAM, STAFF, TUESDAY_MORNING, Hub


@pytest.fixture
def world(_migrated_sqlite: Path, tmp_path: Path, background: LoopThread) -> Iterator[Hub]:
    """Harrogate on a migrated SQLite file, its staff and Sam, on the servers' loop."""
    path = tmp_path / "waypoint.db"
    shutil.copyfile(_migrated_sqlite, path)
    engine = background.run(_engine(f"sqlite+aiosqlite:///{path}"))
    uow = UnitOfWorkFactory(session_factory(engine), PostOffice(Catalogue.load(allow_drafts=True)))
    clock = ManualClock(TUESDAY_MORNING)
    background.run(_people(uow, clock))
    ids: dict[int, int] = {}
    try:
        yield Hub(uow, clock, ids)
    finally:
        background.run(engine.dispose())


async def _engine(url: str) -> AsyncEngine:
    """Made on the servers' loop, which is where it is used."""
    return create_engine(url)


async def _people(uow: UnitOfWorkFactory, clock: ManualClock) -> None:
    for telegram_id, name, role, hub_name in STAFF:
        new = NewStaff(telegram_id, name, role, hub_name, "North Yorkshire", create=True)
        await do_add_staff(uow(), new, now=clock())
    invite = await do_create_invite(uow(), worker_telegram_id=JO, first_name="Sam", now=clock())
    await do_redeem_invite(uow(), telegram_user_id=SAM, code=invite.code, now=clock())


async def _concerns(hub: Hub) -> None:
    """Two concerns acknowledged after 5 and 25 minutes (the second reached the top)."""
    first = await hub.raise_concern()
    hub.clock.advance(timedelta(minutes=5))
    await hub.acknowledge(JO, first)
    second = await hub.raise_concern()
    await hub.tick(minutes=10)
    await hub.tick(minutes=10)
    hub.clock.advance(timedelta(minutes=5))
    await hub.acknowledge(MAX, second)


async def _link(hub: Hub, base: str) -> str:
    actor = await hub.actor(MAX)
    await do_issue_link(hub.uow(), actor, IssueLink(base), now=hub.clock())
    [*_, message] = await hub.queued(MAX)
    found = re.search(re.escape(base) + r"/login/[A-Za-z0-9_-]+", message.text)
    assert found is not None
    return found.group(0)


def test_a_manager_opens_how_we_are_doing_and_downloads_the_csv(
    world: Hub,
    background: LoopThread,
    serve: Serve,
    page: Page,
    screenshot: Screenshot,
) -> None:
    background.run(_concerns(world))
    listening = reserve_address()
    base = url_of(listening)
    app = console_app(world.uow, world.clock, ConsoleSettings(base, govuk_folder()))
    serve(app, listening=listening)
    link = background.run(_link(world, base))

    page.goto(link)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(base + "/caseload")
    page.get_by_role("link", name="How we are doing").click()
    expect(page).to_have_url(base + "/how-we-are-doing")
    this_week = page.locator('#acknowledge-table tr[data-week="2026-03-02"]')
    expect(this_week.locator('[data-measure="alerted"]')).to_have_text("2")
    expect(this_week.locator('[data-measure="median"]')).to_have_text("5")
    expect(this_week.locator('[data-measure="p90"]')).to_have_text("25")
    expect(
        page.locator('#top-table tr[data-week="2026-03-02"] [data-measure="top"]')
    ).to_have_text("1")
    expect(page.locator("svg.waypoint-chart")).to_have_count(5)
    screenshot(page, "figures-12-weeks")
    assert_accessible(page)

    page.get_by_label("Weeks to show").select_option("4")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(base + "/how-we-are-doing?weeks=4")
    expect(page.locator("#acknowledge-table tbody tr")).to_have_count(4)
    screenshot(page, "figures-4-weeks")
    assert_accessible(page)

    with page.expect_download() as waiting:
        page.locator("#download").click()
    download = waiting.value
    assert download.suggested_filename.endswith(".csv")
    saved = Path(download.path())
    rows = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8"))))
    cell = {(r["measure"], r["scope"], r["week_beginning"]): r["value"] for r in rows}
    assert cell["acknowledge_p90_minutes", "hub", "2026-03-02"] == "25"
    assert cell["concerns_reached_top", "hub", "2026-03-02"] == "1"
    assert {r["week_beginning"] for r in rows} == {
        "2026-02-09",
        "2026-02-16",
        "2026-02-23",
        "2026-03-02",
    }

    page.goto(base + "/how-we-are-doing?weeks=7")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    screenshot(page, "figures-range-not-offered")
    assert_accessible(page)
