"""The content studio in Chromium (issue 16): Tess, a speech and language therapist at
Harrogate (North Yorkshire), signs in by the link `/console` sends, opens the welcome and edits
its English. As she types a promise of secrecy the checker's finding appears (SG-2) and Approve
is marked refused; pressed, it is refused with the finding. She fixes it and approves. The
Arabic is then marked out of date beside the English; she writes it again, previews it as an
easy read Arabic profile with pictures (Arabic, right to left, a picture on each line) and
approves it. Sam, the next young person Jo invites through the fake Telegram, is welcomed in
her new wording: the bot was never restarted.

Waypoint runs as a council goes live, without draft wording: before the test, every other
message young people see is approved as shipped, through the studio's own services (as Tess
would, one by one). Until she approves the welcome, Jo's invite is refused and names it; once
she has, the invite goes through. Every page passes axe, and the editor is used by keyboard.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from bot.content.messages import DEFAULT_LANGUAGE
from bot.devtools.fake_telegram import FakeTelegram, FakeUser
from bot.domain.actors import KnownStaff
from bot.domain.people import Role
from bot.domain.profiles import Level
from bot.entrypoints.bootstrap import Running
from bot.services.identity import writer_of
from bot.services.staff import NewStaff
from bot.services.studio import (
    DraftWording,
    do_approve_wording,
    do_save_draft,
    unapproved_wording,
)
from tests.browser.conftest import Screenshot
from tests.browser.harness import LoopThread, assert_accessible, reserve_address
from tests.browser.test_console_keyboard import _tab_through
from tests.browser.test_console_login import sign_in
from tests.browser.waypoint_console import ConsoleWorld, running_console
from tests.e2e.conftest import JO, SAM

TESS = FakeUser(id=1401, first_name="Tess")
LIN = FakeUser(id=1402, first_name="Lin")
# The welcome's easy read text as Tess rewrites it: three lines, one for each picture.
NEW_LINE = "{worker} is your worker. You can talk to {worker} here."
SECRET = " It is our secret."
# The Arabic written again for the new English: a line for each picture, as the English has.
ARABIC = "\n".join(
    (
        "مرحبًا {name}.",
        "أنا وايبوينت. أنا كمبيوتر، ولست إنسانًا.",
        "عاملك هو {worker}. يمكنك التحدث مع {worker} هنا.",
    )
)


@pytest.fixture
def studio(
    background: LoopThread,
    fake_telegram: FakeTelegram,
    _migrated_sqlite: Path,
    tmp_path: Path,
) -> Iterator[ConsoleWorld]:
    """Waypoint, its console and Tess (a therapist at Harrogate) on a migrated SQLite copy."""
    database = tmp_path / "waypoint.db"
    shutil.copyfile(_migrated_sqlite, database)
    url = f"sqlite+aiosqlite:///{database}"
    tess = NewStaff(TESS.id, "Tess", Role.SLT, "Harrogate", "North Yorkshire")
    running = running_console(
        url,
        fake_telegram,
        reserve_address(),
        staff=[tess],
        allow_drafts=False,
        prepare=_all_but_the_welcome_approved,
    )
    with background.entered(running) as root:
        yield ConsoleWorld(root, fake_telegram)


def _trial(
    background: LoopThread,
    fake_telegram: FakeTelegram,
    migrated: Path,
    tmp_path: Path,
) -> Iterator[ConsoleWorld]:
    """Waypoint with draft wording allowed (a trial), Tess and Lin (a safeguarding lead)."""
    database = tmp_path / "waypoint.db"
    shutil.copyfile(migrated, database)
    url = f"sqlite+aiosqlite:///{database}"
    staff = [
        NewStaff(TESS.id, "Tess", Role.SLT, "Harrogate", "North Yorkshire"),
        NewStaff(LIN.id, "Lin", Role.SAFEGUARDING_LEAD, "Harrogate", "North Yorkshire"),
    ]
    running = running_console(url, fake_telegram, reserve_address(), staff=staff)
    with background.entered(running) as root:
        yield ConsoleWorld(root, fake_telegram)


@pytest.fixture
def trial(
    background: LoopThread,
    fake_telegram: FakeTelegram,
    _migrated_sqlite: Path,
    tmp_path: Path,
) -> Iterator[ConsoleWorld]:
    """Waypoint with draft wording allowed, with Tess and Lin."""
    yield from _trial(background, fake_telegram, _migrated_sqlite, tmp_path)


async def _all_but_the_welcome_approved(running: Running) -> None:
    """Tess approves, as shipped, every young-person message not live yet but the welcome."""
    uow, clock = running.waypoint.uow, running.waypoint.clock
    tess = await writer_of(uow(), TESS.id)
    assert isinstance(tess, KnownStaff)
    async with uow().reading() as work:
        council = tess.council_id
        waiting = await unapproved_wording(work, council)
        shipped = work.postbox.catalogue
    assert "welcome" in waiting
    for message_id in waiting:
        if message_id == "welcome":
            continue
        english = shipped.message(message_id).variants[DEFAULT_LANGUAGE]
        draft = DraftWording(
            message_id,
            DEFAULT_LANGUAGE,
            english.texts.get(Level.EASY),
            english.texts.get(Level.STANDARD),
            english.symbols,
        )
        saved = await do_save_draft(uow(), tess, draft, now=clock())
        await do_approve_wording(uow(), tess, saved.version_id, now=clock())
    async with uow().reading() as work:
        assert await unapproved_wording(work, council) == ["welcome"]


def _checked(page: Page, screenshot: Screenshot, name: str) -> None:
    screenshot(page, name)
    assert_accessible(page)


def _easy_lines(page: Page) -> list[str]:
    return page.locator("#easy").input_value().splitlines()


def test_a_therapist_rewrites_the_welcome_and_the_next_young_person_gets_it(
    studio: ConsoleWorld, page: Page, screenshot: Screenshot
) -> None:
    page.goto(studio.console_link(TESS))
    sign_in(page, studio.url)
    page.get_by_role("link", name="Content studio").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Content studio")
    page.locator("#areas").get_by_role("link", name="Onboarding").click()
    expect(page.locator("#message-welcome [data-language=en] [data-level=easy]")).to_be_visible()
    expect(page.locator("#not-live-list")).to_have_text("welcome")
    _checked(page, screenshot, "01-studio")
    _tab_through(page, screenshot, "01-studio-by-keyboard")

    page.locator("#message-welcome").get_by_role("link", name="welcome").click()
    expect(page.locator("#notes")).to_be_visible()
    expect(page.locator("#language-en")).to_be_visible()
    expect(page.locator("#language-ar [dir=rtl]").first).to_be_visible()
    _checked(page, screenshot, "02-welcome")
    _tab_through(page, screenshot, "02-welcome-by-keyboard")

    page.locator("#edit-en").click()
    expect(page.locator("#findings-body")).to_have_attribute("data-to-fix", "0")
    _tab_through(page, screenshot, "03-editor-by-keyboard")
    _checked(page, screenshot, "03-editor")

    # Typing a promise of secrecy at the end of the last line: the finding appears, unasked.
    lines = _easy_lines(page)
    page.locator("#easy").fill("\n".join([*lines[:-1], NEW_LINE]))
    page.locator("#easy").press("End")
    page.locator("#easy").press_sequentially(SECRET, delay=20)
    finding = page.locator("#findings [data-rule='SG-2']")
    expect(finding).to_be_visible()
    expect(page.locator("#findings")).to_have_attribute("aria-live", "polite")
    expect(page.locator("#approve")).to_have_attribute("aria-disabled", "true")
    expect(page.locator("#approve-hint")).to_contain_text("fix")
    _checked(page, screenshot, "04-secret-found")

    # Marked refused (aria-disabled), it can still be reached and pressed: the server says why.
    page.locator("#approve").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#refusals [data-rule='SG-2']")).to_be_visible()
    expect(page.locator("#easy")).to_have_value(_value_with(lines, NEW_LINE + SECRET))
    _checked(page, screenshot, "05-approve-refused")

    # Until the welcome is approved, nobody at Harrogate can invite a young person.
    [refused] = studio.say(JO, "/invite Sam")
    assert "welcome" in refused
    assert studio.url + "/studio" in refused

    page.locator("#easy").fill("\n".join([*lines[:-1], NEW_LINE]))
    expect(page.locator("#findings [data-rule='SG-2']")).to_have_count(0)
    expect(page.locator("#approve")).not_to_have_attribute("aria-disabled", "true")
    expect(page.locator("#phone")).to_contain_text("You can talk to Jo here.")
    page.locator("#approve").click()
    expect(page.locator("#done-approved")).to_be_visible()
    _checked(page, screenshot, "06-english-approved")

    # Beside the new English, the Arabic written for the old English is out of date.
    page.get_by_role("link", name="welcome").click()
    arabic_easy = page.locator("#language-ar [data-level=easy] [data-state]")
    expect(arabic_easy).to_have_attribute("data-state", "out_of_date")
    expect(page.locator("#history [data-language=en][data-status=approved]")).to_have_count(1)
    expect(page.locator("#history ins").first).to_contain_text("You can talk to")
    _checked(page, screenshot, "07-arabic-out-of-date")

    page.locator("#edit-ar").click()
    expect(page.locator("#easy")).to_have_attribute("dir", "rtl")
    page.locator("#easy").fill(ARABIC)
    page.locator("#preview_language").select_option("ar")
    page.locator("#preview_level_easy").check()
    page.locator("#preview_pictures").check()
    chat = page.locator("#phone ol")
    expect(chat).to_contain_text("يمكنك التحدث مع")
    expect(chat).to_have_attribute("dir", "rtl")
    expect(chat).to_have_attribute("lang", "ar")
    for picture in ("👋", "💻", "🧑"):
        expect(chat).to_contain_text(picture)
    expect(page.locator("#findings-body")).to_have_attribute("data-to-fix", "0")
    _checked(page, screenshot, "08-arabic-preview")
    page.locator("#approve").click()
    expect(page.locator("#done-approved")).to_be_visible()
    page.get_by_role("link", name="welcome").click()
    expect(arabic_easy).to_have_attribute("data-state", "live")
    _checked(page, screenshot, "09-both-live")

    # The next young person Jo invites, with Waypoint running all along, is welcomed so.
    studio.join(JO, SAM, "Sam")
    said = _said_to(studio, SAM, until="You can talk to Jo here.")
    assert "You can talk to Jo here." in said, said
    assert SECRET.strip() not in said


def test_the_studio_works_without_javascript_and_only_for_its_roles(
    trial: ConsoleWorld, browser: Browser, new_page: Callable[[], Page], screenshot: Screenshot
) -> None:
    # Without scripts axe cannot run either; the same pages pass it, with scripts, above.
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto(trial.console_link(TESS))
        sign_in(page, trial.url)
        page.goto(trial.url + "/studio/welcome/en")
        lines = _easy_lines(page)
        page.locator("#easy").fill("\n".join([*lines[:-1], NEW_LINE + " It is a piece of cake."]))
        with page.expect_navigation():
            page.locator("#check").click()
        expect(page.locator("#findings [data-rule='SL-4']")).to_be_visible()
        expect(page.locator("#approve")).to_have_attribute("aria-disabled", "true")
        screenshot(page, "20-no-script-checked")

        page.locator("#preview_level_standard").check()
        page.locator("#preview_pictures").uncheck()
        with page.expect_navigation():
            page.locator("#show-preview").click()
        expect(page.locator("#phone")).to_be_visible()
        expect(page.locator("#preview_level_standard")).to_be_checked()
        expect(page.locator("#preview_pictures")).not_to_be_checked()
        screenshot(page, "21-no-script-preview")

        page.locator("#approve").focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        expect(page.locator("#refusals [data-rule='SL-4']")).to_be_visible()
        page.locator("#easy").fill("\n".join([*lines[:-1], NEW_LINE]))
        with page.expect_navigation():
            page.locator("#save").click()
        expect(page.locator("#done-saved")).to_be_visible()
        page.goto(trial.url + "/studio/welcome")
        expect(page.locator("#history [data-language=en][data-status=draft]")).to_have_count(1)
        screenshot(page, "22-no-script-draft-saved")

        # The live check answers JSON to whoever asks for it, with the session's CSRF token.
        token = page.locator("input[name=csrf_token]").first.get_attribute("value") or ""
        form: dict[str, str | float | bool] = {
            "csrf_token": token,
            "message_id": "welcome",
            "language": "en",
        }
        answer = page.request.post(
            trial.url + "/studio/check",
            form={**form, "easy": "Hi {name}. It is our secret."},
            headers={"Accept": "application/json"},
        )
        found = answer.json()
        assert found["to_fix"] >= 1
        assert "SG-2" in {finding["rule"] for finding in found["findings"]}
        # As every console form: no CSRF token, or another site's Origin, is refused.
        without = page.request.post(trial.url + "/studio/check", form=form | {"csrf_token": ""})
        elsewhere = page.request.post(
            trial.url + "/studio/welcome/en",
            form=form | {"easy": "Hi.", "action": "approve"},
            headers={"Origin": "https://elsewhere.example"},
        )
        assert (without.status, elsewhere.status) == (403, 403)
        for missing in ("/studio/no_such_message", "/studio/welcome/xx"):
            shown = page.goto(trial.url + missing)
            assert shown is not None
            assert shown.status == 404
    finally:
        context.close()

    # A safeguarding lead's console opens on the studio; she reads the wording, and saving or
    # approving it is a therapist's.
    lead = new_page()
    lead.goto(trial.console_link(LIN))
    with lead.expect_request(lambda request: request.method == "POST"):
        lead.get_by_role("button", name="Sign in").click()
    lead.wait_for_url(trial.url + "/studio")
    lead.goto(trial.url + "/studio/welcome/en")
    expect(lead.locator("#findings-body")).to_be_visible()
    expect(lead.locator("#approve")).to_have_count(0)
    expect(lead.locator("#save")).to_have_count(0)
    _checked(lead, screenshot, "23-lead-reads")

    # A key worker has no studio: the pages and the live check refuse him.
    worker = new_page()
    worker.goto(trial.console_link(JO))
    sign_in(worker, trial.url)
    expect(worker.get_by_role("link", name="Content studio")).to_have_count(0)
    opened = worker.goto(trial.url + "/studio")
    assert opened is not None
    assert opened.status == 403
    posted = worker.request.post(
        trial.url + "/studio/check", form={"message_id": "welcome", "language": "en"}
    )
    assert posted.status == 403


def _said_to(world: ConsoleWorld, user: FakeUser, *, until: str) -> str:
    """Everything the bot has sent `user`, once it includes `until` (the welcome comes in as
    many messages as their profile's sentences make), or after 10 seconds."""
    deadline = time.monotonic() + 10
    while True:
        said = "\n".join(message.text or "" for message in world.fake.sent_messages(user.id))
        if until in said or time.monotonic() > deadline:
            return said
        time.sleep(0.1)


def _value_with(lines: list[str], last: str) -> str:
    return "\n".join([*lines[:-1], last])
