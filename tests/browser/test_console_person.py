"""The console's page *A young person* in Chromium: Jo, Sam's key worker, signs in by the link
`/console` sends, opens Sam from the caseload, adds a goal in Sam's words (Sam is sent it
and asked for a first rating: read back from the outbox by message id), and sees the goal
and a rating on its chart. Every page is saved as a screenshot and checked with axe."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.db.engine import create_engine, session_factory
from bot.adapters.db.models import Goal, Staff
from bot.adapters.db.uow import PostOffice, UnitOfWorkFactory
from bot.adapters.web.app import ConsoleSettings, console_app
from bot.clock import ManualClock
from bot.content.catalogue import Catalogue
from bot.entrypoints.console import govuk_folder
from bot.services.console_login import IssueLink, do_issue_link
from bot.services.goals import do_staff_rating
from bot.services.invites import do_create_invite, do_redeem_invite
from bot.services.staff import NewStaff, do_add_staff
from tests.browser.conftest import Screenshot, Serve
from tests.browser.harness import LoopThread, assert_accessible, reserve_address, url_of
from tests.integration.concern_world import JO, SAM, STAFF, TUESDAY_MORNING, Hub


@dataclass
class Console:
    """The console served from the test's loop, on a database with Jo, and Sam linked to Jo."""

    url: str
    hub: Hub
    loop: LoopThread

    def link(self, telegram_id: int = JO) -> str:
        """Send `/console` as this member of staff; the sign-in link in the message queued."""

        async def issue() -> str:
            actor = await self.hub.actor(telegram_id)
            await do_issue_link(self.hub.uow(), actor, IssueLink(self.url), now=self.hub.clock())
            [*_, message] = await self.hub.queued(telegram_id)
            assert message.message_key == "console_link"
            found = re.search(re.escape(self.url) + r"/login/[A-Za-z0-9_-]+", message.text)
            assert found is not None
            return found.group(0)

        return self.loop.run(issue())


async def _world(url: str) -> tuple[Hub, AsyncEngine]:
    """The council with its two hubs and their staff; Sam linked to Jo (concern_world's)."""
    engine = create_engine(url)
    uow = UnitOfWorkFactory(session_factory(engine), PostOffice(Catalogue.load(allow_drafts=True)))
    clock = ManualClock(TUESDAY_MORNING)
    for telegram_id, name, role, hub_name in STAFF:
        new = NewStaff(telegram_id, name, role, hub_name, "North Yorkshire", create=True)
        await do_add_staff(uow(), new, now=clock())
    ids = {}
    async with uow() as work:
        for staff in await work.session.scalars(select(Staff)):
            ids[staff.telegram_user_id] = staff.id
    invite = await do_create_invite(uow(), worker_telegram_id=JO, first_name="Sam", now=clock())
    await do_redeem_invite(uow(), telegram_user_id=SAM, code=invite.code, now=clock())
    return Hub(uow, clock, ids), engine


@pytest.fixture
def console(
    _migrated_sqlite: Path, tmp_path: Path, background: LoopThread, serve: Serve
) -> Iterator[Console]:
    """The console on a copy of the migrated SQLite database, at a URL known before it is
    built (its sign-in links carry it)."""
    path = tmp_path / "waypoint.db"
    shutil.copyfile(_migrated_sqlite, path)
    hub, engine = background.run(_world(f"sqlite+aiosqlite:///{path}"))
    listening = reserve_address()
    url = url_of(listening)
    app = console_app(hub.uow, hub.clock, ConsoleSettings(url, govuk_folder()))
    yield Console(serve(app, listening=listening), hub, background)
    background.run(engine.dispose())


def _checked(page: Page, screenshot: Screenshot, name: str) -> None:
    screenshot(page, name)
    assert_accessible(page)


def test_jo_adds_a_goal_in_sams_words_and_sees_it_rated_on_the_chart(
    page: Page, console: Console, screenshot: Screenshot
) -> None:
    hub, loop = console.hub, console.loop
    sam = loop.run(hub.young_person(SAM)).young_person_id
    page.goto(console.link())
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(f"#young-person-{sam}")).to_be_visible()
    _checked(page, screenshot, "caseload")

    page.locator(f"#young-person-{sam}").click()
    expect(page.locator("#young-person-name")).to_have_text("Sam")
    expect(page.locator("#profile-settings")).to_be_visible()
    _checked(page, screenshot, "young-person")

    page.locator("#goal-form").get_by_role("button").click()  # no words: an error
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.locator("#goal-words-error")).to_be_visible()
    _checked(page, screenshot, "goal-error")

    page.locator("#goal-words").fill("go to college on the bus")
    page.locator("#goal-area").select_option("learning")
    page.locator("#goal-form").get_by_role("button").click()
    expect(page.locator("#done-goal_added")).to_be_visible()
    [goal_id] = loop.run(_goal_ids(hub))
    expect(page.locator(f"#goal-{goal_id} .goal-words")).to_contain_text(
        "go to college on the bus"
    )
    # Sam is sent the goal in their words and asked for a first rating, on pictures.
    keys = loop.run(hub.keys(SAM))
    assert {"goal_made", "goal_rate_pictures"} <= set(keys)
    _checked(page, screenshot, "goal-added")

    actor = loop.run(hub.actor(JO))
    loop.run(do_staff_rating(hub.uow(), actor, goal_id, "going_well", now=hub.clock()))
    page.reload()
    chart = page.locator(f"#chart-{goal_id}-pictures")
    expect(chart).to_be_visible()
    expect(chart.locator("circle")).to_have_count(1)
    rows = page.locator(f"#ratings-{goal_id}-pictures tr.rating")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-value", "going_well")
    _checked(page, screenshot, "goal-rated")


async def _goal_ids(hub: Hub) -> list[int]:
    async with hub.uow() as uow:
        return list(await uow.session.scalars(select(Goal.id).order_by(Goal.id)))
