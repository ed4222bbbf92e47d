"""What browser tests share: Debian's Chromium, an ASGI app served on a free port from a
thread of its own, screenshots under test-output/, and axe-core's accessibility check."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import socket
import threading
from collections.abc import AsyncIterator, Coroutine, Iterator
from contextlib import AbstractAsyncContextManager, AsyncExitStack
from pathlib import Path
from typing import Any, Literal, TypeVar

import uvicorn
from playwright.sync_api import Page
from starlette.types import ASGIApp, Receive, Scope, Send

PROJECT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = PROJECT / "node_modules" / "axe-core" / "axe.min.js"
OUTPUT = PROJECT / "test-output"
# Without this, browser tests skip when Chromium or axe-core is missing; in CI that is a failure.
REQUIRE_BROWSER = os.environ.get("WAYPOINT_REQUIRE_BROWSER") == "1"
# This machine's network refuses Chromium's own background connections (updates, sync, QUIC
# probes); without these flags it waits on them. Debian's Chromium, never a downloaded one.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# WCAG 2.0, 2.1 and 2.2 at levels A and AA: what UK public-sector sites must meet.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
T = TypeVar("T")


def missing_browser_tools() -> str | None:
    """Why browser tests cannot run here (no Chromium, no axe-core), or None when they can."""
    if not CHROMIUM.exists():
        return f"Chromium is not at {CHROMIUM} (Debian: apt-get install chromium)"
    if not AXE.exists():
        return f"{AXE.relative_to(PROJECT)} is missing (run npm ci at the project's root)"
    return None


def output_folder(node_id: str) -> Path:
    """test-output/<the test's node id, made safe as one folder name>."""
    return OUTPUT / re.sub(r"[^A-Za-z0-9._-]+", "_", node_id).strip("_")


def save_screenshot(page: Page, folder: Path, name: str) -> Path:
    """Save the whole page as <folder>/<name>.png and return the path."""
    if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
        raise ValueError(f"screenshot name {name!r}: letters, digits, '-' and '_' only")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path


_RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(" ")),
  }));
}"""


def accessibility_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's WCAG A and AA violations on the page as it is now, of every impact."""
    # Evaluated through the DevTools protocol, so a strict Content-Security-Policy on the page
    # (no inline scripts, no eval) does not stop it, as a <script> tag would be.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    violations: list[dict[str, Any]] = page.evaluate(_RUN_AXE, WCAG_TAGS)
    return violations


def assert_accessible(page: Page) -> None:
    """Fail, listing each one, if axe-core finds a serious or critical violation on the page."""
    blocking = [v for v in accessibility_violations(page) if v["impact"] in BLOCKING_IMPACTS]
    if blocking:
        lines = [
            f"- {v['id']} ({v['impact']}): {v['help']}; at {', '.join(v['targets'])}"
            for v in blocking
        ]
        raise AssertionError(
            f"{len(blocking)} serious or critical accessibility violation(s) on {page.url}:\n"
            + "\n".join(lines)
        )


class LoopThread:
    """An event loop in a thread of its own, for servers and async set-up that must keep
    running while the test drives the browser (Playwright's sync API blocks the test's
    thread, and refuses to run inside a running loop)."""

    def __init__(self, name: str = "browser-test-loop") -> None:
        self.loop = asyncio.new_event_loop()
        self._stack = AsyncExitStack()
        self._thread = threading.Thread(target=self.loop.run_forever, name=name, daemon=True)
        self._thread.start()

    def run(self, work: Coroutine[Any, Any, T], *, timeout: float = 30) -> T:
        """Run `work` in the loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(timeout)

    def enter(self, manager: AbstractAsyncContextManager[T], *, timeout: float = 30) -> T:
        """Enter an async context manager in the loop; it is left, last in first out, on close."""
        return self.run(self._stack.enter_async_context(manager), timeout=timeout)

    @contextlib.contextmanager
    def entered(self, manager: AbstractAsyncContextManager[T]) -> Iterator[T]:
        """Be inside an async context manager, in the loop, for the `with` block's length."""
        value = self.run(manager.__aenter__())
        try:
            yield value
        finally:
            self.run(manager.__aexit__(None, None, None), timeout=60)

    def close(self) -> None:
        """Leave every context entered, stop the loop and the thread."""
        try:
            self.run(self._stack.aclose(), timeout=60)
        finally:
            self.run(self.loop.shutdown_asyncgens())
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(timeout=10)
            self.loop.close()


class _Watched:
    """An ASGI app whose exceptions are kept: a page that broke must fail its test, even when
    the browser was only shown uvicorn's "Internal Server Error"."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.raised: list[BaseException] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        except Exception as error:
            self.raised.append(error)
            raise


def reserve_address() -> socket.socket:
    """A socket bound to a free port of 127.0.0.1, for an app that must know its own URL
    before it is served (a console puts it in sign-in links); hand it to serving_asgi."""
    listening = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listening.bind(("127.0.0.1", 0))
    return listening


def url_of(listening: socket.socket) -> str:
    """The root URL (no slash) of a server on this socket."""
    host, port = listening.getsockname()[:2]
    return f"http://{host}:{port}"


@contextlib.asynccontextmanager
async def serving_asgi(
    app: ASGIApp,
    *,
    listening: socket.socket | None = None,
    lifespan: Literal["auto", "on", "off"] = "auto",
) -> AsyncIterator[str]:
    """Serve `app` on `listening` (or a free port of 127.0.0.1) until left; yield its root URL
    (no slash). Leaving fails if the app raised while serving."""
    watched = _Watched(app)
    listening = listening or reserve_address()
    config = uvicorn.Config(watched, log_level="warning", lifespan=lifespan, access_log=False)
    # Run from a LoopThread: uvicorn takes no signals outside the main thread.
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve(sockets=[listening]), name="browser-test-server")
    try:
        while not server.started:
            if serving.done():
                serving.result()  # raises what stopped it
                raise RuntimeError("the test server stopped before it started")
            await asyncio.sleep(0.01)
        yield url_of(listening)
    finally:
        server.should_exit = True
        await asyncio.gather(serving, return_exceptions=True)
        listening.close()
    if watched.raised:
        raise AssertionError(f"the served app raised: {watched.raised!r}") from watched.raised[0]


def clear_output(folder: Path) -> None:
    """Remove an earlier run's screenshots of this test, so the folder shows this run only."""
    shutil.rmtree(folder, ignore_errors=True)
