"""Making an invite link in the console, in Chromium (issue 15): Otto, Harrogate's operator,
makes one for Sam's friend Tia with Lee as her key worker, and the link appears once with
when it stops working; Ash, a key worker at Scarborough, may open only his own form, and
Harrogate's invite list refuses him. Every page passes axe."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from bot.domain.people import Role
from bot.services.staff import NewStaff, do_add_staff
from tests.browser.conftest import Screenshot
from tests.browser.test_console_admin import BOT, LEE, OTTO, Harrogate, _checked, harrogate

__all__ = ["harrogate"]

ASH = 1501


def test_an_operator_makes_an_invite_link_and_a_key_worker_elsewhere_cannot(
    page: Page, new_page: object, harrogate: Harrogate, screenshot: Screenshot
) -> None:
    harrogate.sign_in(page, OTTO)
    page.get_by_role("link", name="Hub administration").click()
    page.locator("#admin-navigation").get_by_role("link", name="Invite links").click()
    page.locator("#new-invite").click()
    expect(page.locator("#make-invite")).to_be_visible()
    _checked(page, screenshot, "01-invite-form")

    page.locator("#make-invite").click()  # nothing filled in: each field says what it needs
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#first_name-error")).to_be_visible()
    _checked(page, screenshot, "02-invite-errors")

    page.fill("#first_name", "Tia")
    page.select_option("#worker", str(harrogate.ids[LEE]))
    page.locator("#make-invite").click()
    link = page.locator("#invite-link")
    expect(link).to_have_attribute("href", re.compile(rf"^https://t\.me/{BOT}\?start=[\w-]+$"))
    expect(page.locator("#invite-expires")).not_to_be_empty()
    _checked(page, screenshot, "03-invite-made")
    code = (link.get_attribute("href") or "").rsplit("=", 1)[-1]

    page.goto(harrogate.root + "/admin/invites")
    expect(page.locator("#invites")).to_contain_text("Tia")
    assert code not in page.content()  # shown once only

    ash = NewStaff(ASH, "Ash", Role.KEY_WORKER, "Scarborough", "North Yorkshire", create=True)
    harrogate.background.run(do_add_staff(harrogate.uow(), ash, now=harrogate.clock()))
    other = new_page()  # type: ignore[operator]
    harrogate.sign_in(other, ASH)
    other.goto(harrogate.root + "/admin/invites/new")
    options = other.locator("#worker option")
    expect(options).to_have_count(1)
    expect(options).not_to_have_attribute("value", str(harrogate.ids[LEE]))
    _checked(other, screenshot, "04-key-worker-elsewhere-form")
    answer = other.goto(harrogate.root + "/admin/invites")
    assert answer is not None
    assert answer.status == 403
    _checked(other, screenshot, "05-key-worker-elsewhere-refused")
