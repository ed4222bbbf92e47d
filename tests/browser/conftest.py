"""Browser tests: Debian's Chromium launched for each test, a fresh page per test, screenshots
under test-output/, and servers run from a thread while the test drives the page."""

from __future__ import annotations

import socket
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Protocol

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
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


class Serve(Protocol):
    """`serve(app)`: serve an ASGI app until the test ends and return its root URL."""

    def __call__(self, app: ASGIApp, *, listening: socket.socket | None = None) -> str: ...


@pytest.fixture
def browser() -> Iterator[Browser]:
    """Debian's headless Chromium, launched for each test. Not once per process: Playwright's
    sync API keeps an event loop running on the test's thread while it is started, and the
    async tests that the same xdist worker runs next could not start theirs."""
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


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item,
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report on the test, so `page` knows whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[[], Page]]:
    """`new_page()`: a page in a browser context of its own (no cookies or storage shared
    with any other), as a second person or device would have; all closed after the test."""
    contexts: list[BrowserContext] = []

    def make() -> Page:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    try:
        yield make
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def page(
    new_page: Callable[[], Page], request: pytest.FixtureRequest, test_output: Path
) -> Iterator[Page]:
    """A new page in a new browser context; if the test fails, what it showed last is saved
    as test-output/<test>/failed.png."""
    opened = new_page()
    yield opened
    call = getattr(request.node, "report_call", None)
    if call is not None and call.failed and not opened.is_closed():
        save_screenshot(opened, test_output, "failed")


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
    """`serve(app)` serves an ASGI app on a free local port (or `listening`, from
    reserve_address) until the test ends; returns its root URL."""

    def start(app: ASGIApp, *, listening: socket.socket | None = None) -> str:
        return background.enter(serving_asgi(app, listening=listening))

    return start
