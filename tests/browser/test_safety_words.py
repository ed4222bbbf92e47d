"""The studio's safety words in Chromium (issue 16): Lin, North Yorkshire's safeguarding lead,
signs in by the link `/console` sends, opens Safety words from the content studio, is told
in one line why a phrase that would match too much cannot be added, adds "blorp run" for
criminal exploitation and approves it; the next thing Sam writes with those words reaches Jo
as an alert, with the bot never restarted. She adds and approves an example message too.
Tess, a therapist, sees the same page with no forms and no Approve button, and a POST she
forges with her own session's token is refused by the service: the phrase stays a draft.
Every page passes axe."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from bot.devtools.fake_telegram import FakeTelegram, FakeUser
from bot.domain.actors import KnownStaff
from bot.domain.people import Role
from bot.entrypoints.bootstrap import Running
from bot.services.identity import writer_of
from bot.services.safety_words import ProposePhrase, do_propose_phrase
from bot.services.staff import NewStaff
from tests.browser.conftest import Screenshot
from tests.browser.harness import LoopThread, assert_accessible, reserve_address
from tests.browser.waypoint_console import ConsoleWorld, running_console
from tests.e2e.conftest import JO, SAM

LIN = FakeUser(id=1501, first_name="Lin")
TESS = FakeUser(id=1502, first_name="Tess")
WORDS = "doing a blorp run later"
TESS_DRAFT = ProposePhrase("missing", "maybe", "gone to the blorp")


@pytest.fixture
def council(
    background: LoopThread, fake_telegram: FakeTelegram, _migrated_sqlite: Path, tmp_path: Path
) -> Iterator[ConsoleWorld]:
    """Waypoint, its console, Lin (safeguarding lead) and Tess (therapist) at Harrogate, and
    one phrase Lin proposed as a draft before the test."""
    database = tmp_path / "waypoint.db"
    shutil.copyfile(_migrated_sqlite, database)
    staff = [
        NewStaff(LIN.id, "Lin", Role.SAFEGUARDING_LEAD, "Harrogate", "North Yorkshire"),
        NewStaff(TESS.id, "Tess", Role.SLT, "Harrogate", "North Yorkshire"),
    ]
    running = running_console(
        f"sqlite+aiosqlite:///{database}",
        fake_telegram,
        reserve_address(),
        staff=staff,
        prepare=_a_draft,
    )
    with background.entered(running) as root:
        yield ConsoleWorld(root, fake_telegram)


async def _a_draft(running: Running) -> None:
    uow, clock = running.waypoint.uow, running.waypoint.clock
    lin = await writer_of(uow(), LIN.id)
    assert isinstance(lin, KnownStaff)
    await do_propose_phrase(uow(), lin, TESS_DRAFT, now=clock())


def _sign_in(page: Page, world: ConsoleWorld, user: FakeUser, home: str) -> None:
    page.goto(world.console_link(user))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(world.url + home)


def _checked(page: Page, screenshot: Screenshot, name: str) -> None:
    screenshot(page, name)
    assert_accessible(page)


def _alerted(world: ConsoleWorld, user: FakeUser, before: int) -> bool:
    """Whether an alert (a message with "I've got this") reaches `user` within 10 seconds."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for message in world.fake.sent_messages(user.id)[before:]:
            rows = (message.reply_markup or {}).get("inline_keyboard", [])
            if any(str(row[0]["callback_data"]).startswith("a|") for row in rows):
                return True
        time.sleep(0.1)
    return False


def test_a_safeguarding_lead_adds_a_phrase_and_it_is_heard_at_once(
    council: ConsoleWorld, page: Page, screenshot: Screenshot
) -> None:
    council.join(JO, SAM, "Sam")
    _sign_in(page, council, LIN, "/studio")
    page.locator("#safety-words-link").get_by_role("link", name="Safety words").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Safety words")
    expect(page.locator("#read-only")).to_have_count(0)
    _checked(page, screenshot, "01-safety-words")

    page.locator("#phrase").fill("me")
    page.locator("#add-phrase").click()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#refusals li")).to_have_count(1)
    expect(page.locator("#phrase")).to_have_value("me")
    _checked(page, screenshot, "02-phrase-refused")

    page.locator("#phrase").fill("blorp run")
    page.locator("#category").select_option("criminal_exploitation")
    page.locator("#list-phrases").check()
    page.locator("#add-phrase").click()
    expect(page.locator("#done-proposed")).to_be_visible()
    row = page.locator("#phrases tr", has_text="blorp run")
    expect(row).to_have_attribute("data-status", "draft")

    # A draft is heard by nobody.
    jo_before = len(council.fake.sent_messages(JO.id))
    council.say(SAM, WORDS)
    assert not _alerted(council, JO, jo_before)

    row.get_by_role("button", name="Approve").click()
    expect(page.locator("#done-approved")).to_be_visible()
    expect(row).to_have_attribute("data-status", "approved")
    expect(row).to_contain_text("Approved by Lin")
    _checked(page, screenshot, "03-phrase-approved")

    jo_before = len(council.fake.sent_messages(JO.id))
    council.fake.send_text(SAM, WORDS)
    assert _alerted(council, JO, jo_before)

    page.locator("#example").fill("they want me on the blorp run again")
    page.locator("#label-worry").check()
    page.locator("#example_category").select_option("criminal_exploitation")
    page.locator("#add-example").click()
    example = page.locator("#examples tr", has_text="they want me on the blorp run")
    expect(example).to_have_attribute("data-status", "draft")
    example.get_by_role("button", name="Approve").click()
    expect(example).to_have_attribute("data-status", "approved")
    _checked(page, screenshot, "04-example-approved")


def test_a_therapist_sees_the_safety_words_but_cannot_approve_them(
    council: ConsoleWorld, page: Page, screenshot: Screenshot
) -> None:
    _sign_in(page, council, TESS, "/caseload")
    page.goto(council.url + "/studio")
    page.locator("#safety-words-link").get_by_role("link", name="Safety words").click()
    row = page.locator("#phrases tr", has_text=TESS_DRAFT.text)
    expect(row).to_have_attribute("data-status", "draft")
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)
    expect(page.locator("#phrase-form")).to_have_count(0)
    expect(page.locator("#example-form")).to_have_count(0)
    expect(page.locator("#read-only")).to_be_visible()
    _checked(page, screenshot, "05-therapist-reads")

    # A POST she makes herself, with her own session's token and the console's Origin.
    token = page.locator("input[name=csrf_token]").first.input_value()
    word_id = (row.get_attribute("id") or "").removeprefix("word-")
    headers = {"Origin": council.url}
    approve = page.request.post(
        f"{council.url}/studio/safety/{word_id}/approve",
        form={"csrf_token": token},
        headers=headers,
    )
    assert approve.status == 403
    propose = page.request.post(
        f"{council.url}/studio/safety/phrases",
        form={"csrf_token": token, "phrase": "blorp", "category": "abuse", "list_name": "phrases"},
        headers=headers,
    )
    assert propose.status == 403
    # Without the token, or from elsewhere, it never reaches the service.
    assert (
        page.request.post(
            f"{council.url}/studio/safety/{word_id}/approve", form={}, headers=headers
        ).status
        == 403
    )
    page.reload()
    expect(row).to_have_attribute("data-status", "draft")
    expect(page.locator("#phrases tbody tr")).to_have_count(1)
