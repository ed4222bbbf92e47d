"""The staff console by keyboard only, in Chromium (issue 15: "keyboard only works
everywhere"): a manager signs in by the link `/console` sends pressing only Tab and Enter,
then on each main page (caseload, a young person, concerns, sessions, hub administration, how
we are doing) Tab reaches every focusable element once, in page order, each showing the
GOV.UK focus style, and leaves the page at the end (nothing skipped, nothing trapped). A
concern is then acknowledged by keyboard alone (the form to book a session and a concern's own
page are tabbed through too). Each page is screenshotted with focus shown.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from bot.adapters.web.app import ConsoleSettings, console_app
from bot.domain.ladder import Urgency
from bot.domain.safety.worry import Worry
from bot.entrypoints.console import govuk_folder
from bot.services.concerns import do_raise_concern
from bot.services.console_login import IssueLink, do_issue_link
from tests.browser.conftest import Screenshot, Serve
from tests.browser.harness import LoopThread, assert_accessible, reserve_address, url_of
from tests.browser.test_console_concerns import _harrogate
from tests.integration.concern_world import MAX, SAM, Hub

# What Tab can reach, in the order the page has it. A radio group is one stop (Tab lands on
# its chosen radio, or its first), so radios are keyed by their group's name. A date or time
# input is one element with a Tab stop in each part (day, month, year), so it is marked.
FOCUSABLE = """
() => {
  const query = 'a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]),'
    + ' select:not([disabled]), textarea:not([disabled]), summary,'
    + ' [tabindex]:not([tabindex="-1"])';
  const keys = [];
  document.querySelectorAll(query).forEach((element, index) => {
    if (!element.getClientRects().length) return;  // not shown (a closed <details>)
    if (getComputedStyle(element).visibility === 'hidden') return;
    const key = element.type === 'radio' ? 'radio:' + element.name
      : ['date', 'time'].includes(element.type) ? 'segments:' + index : 'kb-' + index;
    element.dataset.kb = key;
    if (!keys.includes(key)) keys.push(key);
  });
  return keys;
}
"""
# How an element looks: its own outline, shadow and colours, or (for a GOV.UK radio or
# checkbox, whose input is invisible) its label's drawn box.
LOOK = """
(element) => {
  if (element.type === 'radio' || element.type === 'checkbox') {
    const box = getComputedStyle(element.nextElementSibling, '::before');
    return [box.boxShadow, box.borderWidth, box.outlineStyle].join('|');
  }
  const style = getComputedStyle(element);
  return [style.outlineStyle, style.outlineWidth, style.outlineColor, style.boxShadow,
          style.backgroundColor, style.color, style.textDecorationThickness].join('|');
}
"""
# GOV.UK's focus colour (#ffdd00): its focus style is a yellow background, outline or shadow,
# not the browser's own ring.
GOVUK_FOCUS = "rgb(255, 221, 0)"
# The element with focus now: its key, and how it looks (null when focus left the page).
FOCUSED = f"""
() => {{
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  return [element.dataset.kb || element.outerHTML.slice(0, 80), ({LOOK})(element)];
}}
"""
UNFOCUSED = f"""
() => {{
  const looks = {{}};
  document.querySelectorAll('[data-kb]').forEach((element) => {{
    looks[element.dataset.kb] ??= ({LOOK})(element);
  }});
  return looks;
}}
"""


def _press_tab_until(page: Page, selector: str, *, most: int = 200) -> None:
    """Press Tab until the element matching `selector` has focus."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            return
    pytest.fail(f"Tab never reached {selector} on {page.url}")


def _go(page: Page, selector: str) -> None:
    """Follow a link by keyboard: Tab to it, press Enter, wait for the next page."""
    _press_tab_until(page, selector)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def _tab_through(page: Page, screenshot: Screenshot, name: str) -> list[str]:
    """Tab from the top of the page to its end; every focusable element is reached once, in
    page order, and shows GOV.UK's focus style. Returns the keys reached."""
    page.evaluate("() => document.activeElement?.blur()")
    expected: list[str] = page.evaluate(FOCUSABLE)
    assert expected, f"nothing focusable on {page.url}"
    unfocused: dict[str, Any] = page.evaluate(UNFOCUSED)
    reached: list[str] = []
    unseen: list[str] = []
    for _ in range(3 * len(expected) + 2):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None or (reached and focused[0] == reached[0]):
            break  # left the page, or came round to the top again
        key, look = focused
        if reached and key == reached[-1] and key.startswith("segments:"):
            continue  # the next part of the same date or time
        assert key not in reached, f"focus trapped: {key} reached twice on {page.url}: {reached}"
        reached.append(key)
        if look == unfocused.get(key) or GOVUK_FOCUS not in look:
            unseen.append(key)
        if len(reached) == len(expected) // 2:
            screenshot(page, name)  # focus shown, half way down the page
    assert reached == expected, f"Tab order on {page.url}: reached {reached}, page has {expected}"
    assert unseen == [], f"no visible focus on {page.url}: {unseen}"
    return reached


async def _link(hub: Hub, console: str) -> str:
    """Max, Harrogate's manager, sends `/console`: the link queued for Max."""
    await do_issue_link(hub.uow(), await hub.actor(MAX), IssueLink(console), now=hub.clock())
    [*_, message] = await hub.queued(MAX)
    found = re.search(re.escape(console) + r"/login/[A-Za-z0-9_-]+", message.text)
    assert found is not None
    return found.group(0)


@pytest.fixture
def served(
    serve: Serve, background: LoopThread, request: pytest.FixtureRequest, tmp_path: Path
) -> tuple[Hub, str]:
    """The council on its own SQLite file, Sam's worry raised, and the console served."""
    database = tmp_path / "waypoint.db"
    shutil.copyfile(request.getfixturevalue("_migrated_sqlite"), database)
    hub = background.enter(_harrogate(database))
    worry = Worry("button", Urgency.HIGH)
    assert background.run(do_raise_concern(hub.uow(), SAM, worry, now=hub.clock())) is not None
    listening = reserve_address()
    root = url_of(listening)
    serve(
        console_app(hub.uow, hub.clock, ConsoleSettings(root, govuk_folder())), listening=listening
    )
    return hub, root


def test_a_manager_uses_every_page_and_acknowledges_a_concern_by_keyboard_only(
    page: Page, served: tuple[Hub, str], background: LoopThread, screenshot: Screenshot
) -> None:
    hub, root = served
    page.goto(background.run(_link(hub, root)))  # the link, opened from Telegram
    _press_tab_until(page, "button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(root + "/caseload")

    _tab_through(page, screenshot, "1-caseload")
    _go(page, 'a[href^="/young-people/"]')
    expect(page).to_have_url(re.compile(r"/young-people/\d+$"))
    _tab_through(page, screenshot, "2-young-person")
    for number, (link, name) in enumerate(
        (
            ('a[href="/concerns"]', "concerns"),
            ('a[href="/sessions"]', "sessions"),
            ('a[href^="/sessions/book"]', "book-a-session"),
            ('a[href="/admin/staff"]', "admin"),
            ('a[href="/how-we-are-doing"]', "how-we-are-doing"),
        ),
        start=3,
    ):
        _go(page, link)
        _tab_through(page, screenshot, f"{number}-{name}")
        assert_accessible(page)

    _go(page, 'a[href="/concerns"]')
    _go(page, 'a[href^="/concerns/"]')
    _tab_through(page, screenshot, "8-a-concern")
    _press_tab_until(page, "#acknowledge")
    screenshot(page, "9-acknowledge-focused")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("#banner")).to_have_attribute("data-done", "acknowledged")
    expect(page.locator("#state")).to_have_attribute("data-state", "acknowledged")
    screenshot(page, "10-acknowledged")
