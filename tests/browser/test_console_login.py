"""Signing in to the staff console in a real browser: `/console` in (the fake) Telegram gives
a link; opening it shows one "Sign in" button; signing in lands on the caseload; the link
works once, so a second browser that opens it is refused. Every page passes axe."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from bot.devtools.fake_telegram import FakeTelegram
from tests.browser.conftest import Screenshot
from tests.browser.harness import LoopThread, assert_accessible, reserve_address
from tests.browser.waypoint_console import ConsoleWorld, running_console
from tests.e2e.conftest import JO, SAM


@pytest.fixture
def console(
    background: LoopThread,
    fake_telegram: FakeTelegram,
    _migrated_sqlite: Path,
    tmp_path: Path,
) -> Iterator[ConsoleWorld]:
    """Waypoint and its console on a migrated SQLite copy; stopped before the fake is."""
    database = tmp_path / "waypoint.db"
    shutil.copyfile(_migrated_sqlite, database)
    url = f"sqlite+aiosqlite:///{database}"
    with background.entered(running_console(url, fake_telegram, reserve_address())) as root:
        yield ConsoleWorld(root, fake_telegram)


def sign_in(page: Page, root: str) -> None:
    """Press "Sign in" on a link's page; the POST must carry the console's own Origin (the
    console refuses any other, and "null"), and the browser must land on the caseload."""
    with page.expect_request(lambda request: request.method == "POST") as posted:
        page.get_by_role("button", name="Sign in").click()
    origin = posted.value.all_headers().get("origin")
    assert origin in (None, root), f"the sign-in form was posted with Origin: {origin}"
    page.wait_for_url(root + "/caseload")


def test_a_key_worker_signs_in_by_the_link_from_telegram_and_sees_their_caseload(
    console: ConsoleWorld, page: Page, screenshot: Screenshot
) -> None:
    console.join(JO, SAM, "Sam")
    link = console.console_link(JO)

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sign in")
    screenshot(page, "1-login")
    assert_accessible(page)

    sign_in(page, console.url)
    expect(page.get_by_role("heading", name="Your young people")).to_be_visible()
    expect(page.get_by_role("heading", name="Sam")).to_be_visible()
    screenshot(page, "2-caseload")
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(console.url + "/signed-out?done")
    screenshot(page, "3-signed-out")
    assert_accessible(page)
    page.goto(console.url + "/caseload")
    assert page.url == console.url + "/signed-out"


def test_a_sign_in_link_opened_a_second_time_in_another_browser_is_refused(
    console: ConsoleWorld,
    page: Page,
    new_page: Callable[[], Page],
    screenshot: Screenshot,
) -> None:
    link = console.console_link(JO)
    page.goto(link)
    sign_in(page, console.url)

    other = new_page()
    response = other.goto(link)
    assert response is not None
    assert response.status == 403
    expect(other.get_by_role("button", name="Sign in")).to_have_count(0)
    screenshot(other, "link-used")
    assert_accessible(other)
    # Nor does the other browser share the first one's session.
    other.goto(console.url + "/caseload")
    assert other.url == console.url + "/signed-out"
    screenshot(other, "signed-out")
    assert_accessible(other)
