"""Hub administration in Chromium (issue 15): an operator signs in by a link from `/console`,
marks a key worker as left and gives that worker's young people to another key worker; the
caseload then shows their new worker. Every page is screenshotted and passes axe-core."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from bot.adapters.db.engine import create_engine, session_factory
from bot.adapters.db.models import OutboxMessage
from bot.adapters.db.uow import PostOffice, UnitOfWorkFactory
from bot.adapters.web.app import ConsoleSettings, console_app
from bot.clock import ManualClock
from bot.content.catalogue import Catalogue
from bot.domain.people import Role
from bot.entrypoints.console import govuk_folder
from bot.services.console_login import IssueLink, do_issue_link
from bot.services.identity import writer_of
from bot.services.invites import do_create_invite, do_redeem_invite
from bot.services.staff import NewStaff, do_add_staff
from tests.browser.conftest import Screenshot, Serve
from tests.browser.harness import LoopThread, assert_accessible, reserve_address, url_of

JO, LEE, OTTO, SAM, KAI = 1001, 1002, 1601, 2001, 2002
TUESDAY_MORNING = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
# The bot's Telegram username, as `waypoint run` learns it from getMe (invite links carry it).
BOT = "waypoint_test_bot"


async def _harrogate(uow: UnitOfWorkFactory, clock: ManualClock) -> dict[int, int]:
    """Jo and Lee (key workers) and Otto (the operator) at Harrogate; Sam and Kai are Jo's.
    Returns Telegram id -> staff id."""
    ids = {}
    for telegram_id, name, role in (
        (JO, "Jo", Role.KEY_WORKER),
        (LEE, "Lee", Role.KEY_WORKER),
        (OTTO, "Otto", Role.OPERATOR),
    ):
        new = NewStaff(telegram_id, name, role, "Harrogate", "North Yorkshire", create=True)
        ids[telegram_id] = (await do_add_staff(uow(), new, now=clock())).staff_id
    for telegram_id, name in ((SAM, "Sam"), (KAI, "Kai")):
        invite = await do_create_invite(uow(), worker_telegram_id=JO, first_name=name, now=clock())
        await do_redeem_invite(uow(), telegram_user_id=telegram_id, code=invite.code, now=clock())
    return ids


async def _link(uow: UnitOfWorkFactory, clock: ManualClock, root: str, telegram_id: int) -> str:
    """Send `/console` as this member of staff; the link they are sent in Telegram."""
    actor = await writer_of(uow(), telegram_id)
    await do_issue_link(uow(), actor, IssueLink(root), now=clock())  # type: ignore[arg-type]
    async with uow() as work:
        texts = await work.session.scalars(
            select(OutboxMessage.text).where(OutboxMessage.chat_id == telegram_id)
        )
        found = re.search(re.escape(root) + r"/login/[A-Za-z0-9_-]+", list(texts)[-1])
    assert found is not None
    return found.group(0)


@dataclass
class Harrogate:
    """The console served on a database of Harrogate's staff and young people."""

    uow: UnitOfWorkFactory
    clock: ManualClock
    root: str
    ids: dict[int, int]
    background: LoopThread

    def sign_in(self, page: Page, telegram_id: int) -> None:
        """Open the link `/console` sends them and press "Sign in"."""
        page.goto(self.background.run(_link(self.uow, self.clock, self.root, telegram_id)))
        page.get_by_role("button", name="Sign in").click()
        expect(page.locator("h1")).to_be_visible()


@pytest.fixture
def harrogate(
    serve: Serve, background: LoopThread, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Harrogate]:
    """Harrogate on a migrated SQLite file, its console served until the test ends."""
    database = tmp_path / "waypoint.db"
    shutil.copyfile(request.getfixturevalue("_migrated_sqlite"), database)
    engine = create_engine(f"sqlite+aiosqlite:///{database}")
    uow = UnitOfWorkFactory(session_factory(engine), PostOffice(Catalogue.load(allow_drafts=True)))
    clock = ManualClock(TUESDAY_MORNING)
    try:
        ids = background.run(_harrogate(uow, clock))
        listening = reserve_address()
        root = url_of(listening)
        settings = ConsoleSettings(root, govuk_folder(), bot_username=BOT)
        serve(console_app(uow, clock, settings), listening=listening)
        yield Harrogate(uow, clock, root, ids, background)
    finally:
        background.run(engine.dispose())


def _checked(page: Page, screenshot: Screenshot, name: str) -> None:
    assert_accessible(page)
    screenshot(page, name)


def test_an_operator_marks_a_key_worker_as_left_and_gives_their_young_people_to_another(
    page: Page, harrogate: Harrogate, screenshot: Screenshot
) -> None:
    ids = harrogate.ids
    harrogate.sign_in(page, OTTO)
    _checked(page, screenshot, "01-caseload")

    page.get_by_role("link", name="Hub administration").click()
    expect(page.locator(f"#staff-{ids[JO]}")).to_be_visible()
    _checked(page, screenshot, "02-staff")

    page.locator("#add-staff").click()
    expect(page.locator("#add")).to_be_visible()
    _checked(page, screenshot, "02a-add-staff")
    page.locator("#add").click()
    expect(page.locator("#error-summary")).to_be_visible()
    _checked(page, screenshot, "02b-add-staff-errors")
    page.locator("#admin-navigation").get_by_role("link", name="Staff").click()

    page.locator(f"#change-{ids[JO]}").click()
    expect(page.locator("#leave")).to_be_visible()
    _checked(page, screenshot, "03-staff-member")

    page.locator("#leave").click()
    expect(page.locator("#confirm-leave")).to_be_visible()
    _checked(page, screenshot, "04-leave-confirm")

    page.locator("#confirm-leave").click()
    expect(page.locator("#done-left")).to_be_visible()
    expect(page.locator(f"#staff-{ids[JO]}")).to_have_count(0)
    _checked(page, screenshot, "05-staff-after-leaving")

    page.locator("#done-left a").click()
    rows = page.locator("#young-people tbody tr")
    expect(rows).to_have_count(2)
    _checked(page, screenshot, "06-young-people")
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    _checked(page, screenshot, "06b-young-people-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    # Reassigning with no worker chosen shows the GOV.UK error summary.
    rows.first.get_by_role("button").click()
    expect(page.locator("#error-summary")).to_be_visible()
    _checked(page, screenshot, "07-young-people-error")
    for _ in range(2):
        still_jos = page.locator(f'td[data-worker="{ids[JO]}"]')
        row = page.locator("#young-people tbody tr", has=still_jos).first
        row.locator("select").select_option(label="Lee")
        row.get_by_role("button").click()
        expect(page.locator("#done-reassigned")).to_be_visible()
    expect(page.locator(f'#young-people td[data-worker="{ids[LEE]}"]')).to_have_count(2)
    _checked(page, screenshot, "08-young-people-reassigned")

    page.locator("#admin-navigation").get_by_role("link", name="Invite links").click()
    expect(page.locator("h1")).to_have_text("Invite links")
    _checked(page, screenshot, "09-invites")

    page.locator("#admin-navigation").get_by_role("link", name="Council settings").click()
    expect(page.locator("#council-settings")).to_be_visible()
    _checked(page, screenshot, "10-council")

    # Leaving dropped what was still waiting to go to Jo: listed, never its words.
    page.locator("#admin-navigation").get_by_role("link", name="Undelivered messages").click()
    expect(page.locator("#undelivered tbody tr").first).to_be_visible()
    _checked(page, screenshot, "11-undelivered")

    page.locator("#admin-navigation").get_by_role("link", name="Audit log").click()
    page.get_by_label("What kind").select_option("staff")
    page.locator("#filter").click()
    expect(page.locator('#audit tr[data-action="staff.left"]')).to_have_count(1)
    _checked(page, screenshot, "12-audit-log")

    page.get_by_role("link", name="Caseload").click()
    workers = page.locator(".govuk-summary-list__row:has(dt:text-is('Key worker')) dd")
    expect(workers).to_have_text(["Lee", "Lee"])
    _checked(page, screenshot, "13-caseload-after")


def test_a_key_worker_is_refused_every_admin_page(
    page: Page, harrogate: Harrogate, screenshot: Screenshot
) -> None:
    harrogate.sign_in(page, LEE)
    expect(page.get_by_role("link", name="Hub administration")).to_have_count(0)
    for path in (
        "/admin/staff",
        "/admin/young-people",
        "/admin/invites",
        "/admin/council",
        "/admin/undelivered",
        "/admin/audit",
    ):
        answer = page.goto(harrogate.root + path)
        assert answer is not None
        assert answer.status == 403, path
    _checked(page, screenshot, "refused")
