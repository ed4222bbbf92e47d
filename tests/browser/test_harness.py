"""The browser harness itself: Chromium drives a served page, screenshots land in
test-output/, and the accessibility check passes a clean page and fails a broken one."""

from __future__ import annotations

from html import escape
from urllib.parse import parse_qs

import pytest
from playwright.sync_api import Page, expect
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from tests.browser.conftest import Screenshot, Serve
from tests.browser.harness import accessibility_violations, assert_accessible

# A console page's likely policy: no inline scripts, no eval. axe must run regardless.
STRICT_CSP = {"Content-Security-Policy": "default-src 'self'"}


def _page(title: str, body: str) -> str:
    """A page shaped like the GOV.UK Design System's template (no stylesheet needed)."""
    return f"""<!DOCTYPE html>
<html lang="en" class="govuk-template">
<head><meta charset="utf-8"><title>{title} - Waypoint</title>
<link rel="stylesheet" href="/app.css"></head>
<body class="govuk-template__body">
<a href="#main-content" class="govuk-skip-link">Skip to main content</a>
<header class="govuk-header"><div class="govuk-header__container">
<a href="/" class="govuk-header__link">Waypoint</a></div></header>
<div class="govuk-width-container">
<main class="govuk-main-wrapper" id="main-content">{body}</main></div>
<footer class="govuk-footer"><p>Staff console</p></footer>
</body></html>"""


async def _start(request: Request) -> HTMLResponse:
    form = """<h1 class="govuk-heading-l">Try the harness</h1>
<form method="post" action="/done" novalidate>
<div class="govuk-form-group"><label class="govuk-label" for="name">Your name</label>
<input class="govuk-input" id="name" name="name" type="text" autocomplete="name"></div>
<button type="submit" class="govuk-button" data-module="govuk-button">Continue</button>
</form>"""
    return HTMLResponse(_page("Try the harness", form), headers=STRICT_CSP)


async def _done(request: Request) -> HTMLResponse:
    # Parsed by hand: Starlette's request.form() needs python-multipart, not a dependency.
    name = parse_qs((await request.body()).decode()).get("name", [""])[0]
    panel = f"""<div class="govuk-panel govuk-panel--confirmation">
<h1 class="govuk-panel__title">Done</h1>
<div class="govuk-panel__body">Thank you, {escape(name)}</div>
</div>"""
    return HTMLResponse(_page("Done", panel), headers=STRICT_CSP)


async def _broken(request: Request) -> HTMLResponse:
    body = """<h1>Broken</h1><img src="/nothing.png">
<form><input type="text" name="unlabelled"></form>"""
    return HTMLResponse(_page("Broken", body))


async def _stylesheet(request: Request) -> Response:
    # WCAG 2.2's 24 px targets: GOV.UK's own stylesheet pads its links like this.
    css = ".govuk-skip-link, .govuk-header__link { display: inline-block; padding: 8px; }"
    return Response(css, media_type="text/css")


APP = Starlette(
    routes=[
        Route("/app.css", _stylesheet),
        Route("/", _start),
        Route("/done", _done, methods=["POST"]),
        Route("/broken", _broken),
    ]
)


def test_chromium_fills_in_and_submits_a_served_page_that_passes_axe(
    page: Page, serve: Serve, screenshot: Screenshot
) -> None:
    root = serve(APP)
    page.goto(root + "/")
    assert_accessible(page)
    page.get_by_label("Your name").fill("Jo")
    saved = screenshot(page, "start")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Done")).to_be_visible()
    expect(page.get_by_text("Thank you, Jo")).to_be_visible()
    assert_accessible(page)
    done = screenshot(page, "done")
    assert saved.read_bytes().startswith(b"\x89PNG")
    assert done.parent == saved.parent
    assert saved.parent.parent.name == "test-output"
    assert saved.parent.name.startswith("tests_browser_test_harness.py_test_chromium_fills_in")


def test_the_accessibility_check_fails_a_page_with_serious_violations(
    page: Page, serve: Serve, screenshot: Screenshot
) -> None:
    page.goto(serve(APP) + "/broken")
    screenshot(page, "broken")
    found = {v["id"]: v for v in accessibility_violations(page)}
    assert found["image-alt"]["impact"] == "critical"
    assert found["label"]["impact"] == "critical"
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page)
    message = str(failure.value)
    assert "image-alt (critical)" in message
    assert "label (critical)" in message
    assert "at img" in message
    assert "at input" in message
