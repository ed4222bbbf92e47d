"""Browser tests: one Debian Chromium per test process, a fresh page per test, screenshots
under test-output/, and servers run from a thread while the test drives the page."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from starlette.types import ASGIApp

from tests.browser.harness import (
    CHROMIUM,
    CHROMIUM_ARGS,
    REQUIRE_BROWSER,
    LoopThread,
    clear_output,
    missing_browser_tools,
    output_folder,
    save_screenshot,
    serving_asgi,
)

Screenshot = Callable[[Page, str], Path]
Serve = Callable[[ASGIApp], str]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's headless Chromium, launched once per test process (each xdist worker)."""
    missing = missing_browser_tools()
    if missing is not None:
        if REQUIRE_BROWSER:
            pytest.fail(missing)
        pytest.skip(missing + "; set WAYPOINT_REQUIRE_BROWSER=1 to make this a failure")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A new page in a new browser context (no cookies or storage from other tests)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def test_output(request: pytest.FixtureRequest) -> Path:
    """This test's folder under test-output/, emptied of an earlier run's files."""
    folder = output_folder(request.node.nodeid)
    clear_output(folder)
    return folder


@pytest.fixture
def screenshot(test_output: Path) -> Screenshot:
    """`screenshot(page, name)` saves the whole page as test-output/<test>/<name>.png."""

    def take(page: Page, name: str) -> Path:
        return save_screenshot(page, test_output, name)

    return take


@pytest.fixture
def background() -> Iterator[LoopThread]:
    """An event loop in its own thread for this test's servers; they stop after the test."""
    loop = LoopThread()
    try:
        yield loop
    finally:
        loop.close()


@pytest.fixture
def serve(background: LoopThread) -> Serve:
    """`serve(app)` serves an ASGI app on a free local port until the test ends; returns
    its root URL."""

    def start(app: ASGIApp) -> str:
        return background.enter(serving_asgi(app))

    return start
