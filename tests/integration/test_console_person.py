"""The console's page *A young person* over HTTP, on SQLite and PostgreSQL: what it shows to
whom, and its actions (add a goal, new words for a goal, a profile setting, a reply), each
done by the same service as its Telegram command, audited, refused without the session's
CSRF token, to another hub's staff and to roles bot.domain.access refuses."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import select

from bot.adapters.db.models import AuditEvent, Goal
from bot.adapters.web.app import ConsoleSettings, console_app
from bot.entrypoints.console import govuk_folder
from bot.services.console_login import IssueLink, do_issue_link
from bot.services.goals import do_staff_rating
from tests.integration.concern_world import ASH, JO, LEE, MAX, SAM, Hub, hub

__all__ = ["hub"]

CONSOLE = "http://127.0.0.1:8081"


def _browser(hub: Hub) -> httpx.AsyncClient:
    app = console_app(hub.uow, hub.clock, ConsoleSettings(CONSOLE, govuk_folder()))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=CONSOLE)


@pytest.fixture
async def jo(hub: Hub) -> AsyncIterator[httpx.AsyncClient]:
    """Jo, Sam's key worker, signed in to the console."""
    async with _browser(hub) as client:
        await _sign_in(hub, client, JO)
        yield client


async def _sign_in(hub: Hub, browser: httpx.AsyncClient, telegram_id: int) -> None:
    actor = await hub.actor(telegram_id)
    await do_issue_link(hub.uow(), actor, IssueLink(CONSOLE), now=hub.clock())
    [*_, message] = await hub.queued(telegram_id)
    found = re.search(re.escape(CONSOLE) + r"(/login/[A-Za-z0-9_-]+)", message.text)
    assert found is not None
    assert (await browser.post(found.group(1))).status_code == 303


async def _sam(hub: Hub) -> int:
    return (await hub.young_person(SAM)).young_person_id


async def _page(browser: httpx.AsyncClient, hub: Hub) -> httpx.Response:
    return await browser.get(f"/young-people/{await _sam(hub)}")


def _csrf(page: httpx.Response) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


async def _post(
    browser: httpx.AsyncClient, hub: Hub, action: str, *, token: bool = True, **fields: str
) -> httpx.Response:
    data = dict(fields)
    if token:
        data["csrf_token"] = _csrf(await browser.get("/caseload"))
    return await browser.post(f"/young-people/{await _sam(hub)}/{action}", data=data)


async def _audited(hub: Hub, action: str) -> list[tuple[str, int | None, str | None, int | None]]:
    query = select(
        AuditEvent.actor_type, AuditEvent.actor_id, AuditEvent.subject_type, AuditEvent.subject_id
    ).where(AuditEvent.action == action)
    async with hub.uow() as uow:
        return [tuple(row) for row in await uow.session.execute(query)]  # type: ignore[misc]


async def _goal_ids(hub: Hub) -> list[int]:
    async with hub.uow() as uow:
        return list(await uow.session.scalars(select(Goal.id).order_by(Goal.id)))


class TestThePage:
    async def test_the_caseload_links_to_each_young_persons_page(
        self, hub: Hub, jo: httpx.AsyncClient
    ) -> None:
        caseload = await jo.get("/caseload")
        assert f'href="/young-people/{await _sam(hub)}"' in caseload.text

    async def test_their_worker_sees_every_part_and_each_look_is_audited(
        self, hub: Hub, jo: httpx.AsyncClient
    ) -> None:
        page = await _page(jo, hub)
        assert page.status_code == 200
        assert page.headers["cache-control"] == "no-store"
        for part in ("profile-settings", "goal-form", "reply-form", "profile-form"):
            assert f'id="{part}"' in page.text
        assert f'href="/sessions/book?young_person={await _sam(hub)}"' in page.text
        me = ("staff", hub.ids[JO], "young_person", await _sam(hub))
        for action in ("console.young_person_viewed", "profile.viewed", "goals.viewed"):
            assert await _audited(hub, action) == [me]

    async def test_a_manager_sees_no_goals_and_no_goal_forms(self, hub: Hub) -> None:
        async with _browser(hub) as max_:
            await _sign_in(hub, max_, MAX)
            page = await _page(max_, hub)
        assert page.status_code == 200
        assert 'id="goal-form"' not in page.text
        assert 'id="reply-form"' in page.text  # the hub's managers may write to them
        assert await _audited(hub, "goals.viewed") == []

    @pytest.mark.parametrize("telegram_id", [LEE, ASH])
    async def test_another_worker_or_another_hubs_staff_find_nobody(
        self, hub: Hub, telegram_id: int
    ) -> None:
        async with _browser(hub) as other:
            await _sign_in(hub, other, telegram_id)
            page = await _page(other, hub)
        assert page.status_code == 404
        assert "Sam" not in page.text
        assert await _audited(hub, "console.young_person_viewed") == []

    async def test_a_concern_and_its_chronology_show_to_those_who_may_read_it(
        self, hub: Hub, jo: httpx.AsyncClient
    ) -> None:
        concern_id = await hub.raise_concern()
        page = await _page(jo, hub)
        assert f'id="concern-{concern_id}"' in page.text
        assert await _audited(hub, "concern.viewed") == [
            ("staff", hub.ids[JO], "concern", concern_id)
        ]

    async def test_signed_out_the_page_sends_you_to_sign_in(self, hub: Hub) -> None:
        async with _browser(hub) as nobody:
            page = await _page(nobody, hub)
        assert page.status_code == 303
        assert page.headers["location"] == "/signed-out"


class TestAddingAGoal:
    async def test_a_goal_in_their_words_reaches_sam_and_is_audited(
        self, hub: Hub, jo: httpx.AsyncClient
    ) -> None:
        answer = await _post(jo, hub, "goals", words="go to college on the bus", area="learning")
        assert answer.status_code == 303
        assert answer.headers["location"].endswith("?done=goal_added")
        [goal_id] = await _goal_ids(hub)
        keys = await hub.keys(SAM)
        assert "goal_made" in keys
        assert "goal_rate_pictures" in keys  # easy read: the three pictures
        assert await _audited(hub, "goal.made") == [
            ("staff", hub.ids[JO], "young_person", await _sam(hub))
        ]
        page = await jo.get(answer.headers["location"])
        assert 'id="done-goal_added"' in page.text
        assert f'id="goal-{goal_id}"' in page.text
        assert "go to college on the bus" in page.text

    async def test_a_rating_is_on_the_chart_and_in_the_table_on_its_own_scale(
        self, hub: Hub, jo: httpx.AsyncClient
    ) -> None:
        await _post(jo, hub, "goals", words="sleep before midnight")
        [goal_id] = await _goal_ids(hub)
        await do_staff_rating(
            hub.uow(), await hub.actor(JO), goal_id, "sometimes", now=hub.clock()
        )
        page = (await _page(jo, hub)).text
        assert f'id="chart-{goal_id}-pictures"' in page
        assert page.count("<circle") == 1
        assert 'data-value="sometimes"' in page
        assert "%" not in page.split(f'id="goal-{goal_id}"')[1].split("</table>")[0]

    async def test_no_words_is_an_error_on_the_field(
        self, hub: Hub, jo: httpx.AsyncClient
    ) -> None:
        answer = await _post(jo, hub, "goals", words="  ")
        assert answer.status_code == 400
        assert "govuk-error-summary" in answer.text
        assert 'href="#goal-words"' in answer.text
        assert await _goal_ids(hub) == []

    async def test_without_the_csrf_token_nothing_is_added(
        self, hub: Hub, jo: httpx.AsyncClient
    ) -> None:
        answer = await _post(jo, hub, "goals", token=False, words="go to college")
        assert answer.status_code == 403
        assert await _goal_ids(hub) == []

    @pytest.mark.parametrize("telegram_id", [MAX, ASH])
    async def test_a_manager_or_another_hubs_worker_may_not_add_one(
        self, hub: Hub, telegram_id: int
    ) -> None:
        async with _browser(hub) as other:
            await _sign_in(hub, other, telegram_id)
            answer = await _post(other, hub, "goals", words="go to college")
        assert answer.status_code == 403
        assert await _goal_ids(hub) == []
        assert "goal_made" not in await hub.keys(SAM)


class TestNewWords:
    async def test_new_words_are_a_new_version_sam_is_sent(
        self, hub: Hub, jo: httpx.AsyncClient
    ) -> None:
        await _post(jo, hub, "goals", words="go to college")
        [goal_id] = await _goal_ids(hub)
        answer = await _post(jo, hub, "goal-words", goal=str(goal_id), words="go to college daily")
        assert answer.status_code == 303
        assert "goal_reworded" in await hub.keys(SAM)
        assert len(await _audited(hub, "goal.reworded")) == 1
        page = (await jo.get(answer.headers["location"])).text
        assert "Earlier words (1)" in page

    async def test_without_the_csrf_token_the_words_stay(
        self, hub: Hub, jo: httpx.AsyncClient
    ) -> None:
        await _post(jo, hub, "goals", words="go to college")
        [goal_id] = await _goal_ids(hub)
        answer = await _post(jo, hub, "goal-words", token=False, goal=str(goal_id), words="x")
        assert answer.status_code == 403
        assert await _audited(hub, "goal.reworded") == []


class TestProfile:
    async def test_a_setting_changes_as_profile_does_and_shows_who_changed_it(
        self, hub: Hub, jo: httpx.AsyncClient
    ) -> None:
        answer = await _post(jo, hub, "profile", setting="scale", value="ten")
        assert answer.status_code == 303
        assert await _audited(hub, "profile.changed") == [
            ("staff", hub.ids[JO], "young_person", await _sam(hub))
        ]
        page = (await jo.get(answer.headers["location"])).text
        assert 'id="done-profile_changed"' in page
        assert 'id="profile-changes"' in page
        assert page.split('id="setting-scale"')[1].split("</div>")[0].count("ten") == 1

    async def test_a_value_the_setting_does_not_take_is_an_error(
        self, hub: Hub, jo: httpx.AsyncClient
    ) -> None:
        answer = await _post(jo, hub, "profile", setting="scale", value="percent")
        assert answer.status_code == 400
        assert 'href="#value"' in answer.text
        assert await _audited(hub, "profile.changed") == []

    async def test_a_manager_is_refused_before_anyone_is_looked_up(self, hub: Hub) -> None:
        async with _browser(hub) as max_:
            await _sign_in(hub, max_, MAX)
            answer = await _post(max_, hub, "profile", setting="scale", value="ten")
        assert answer.status_code == 403
        assert await _audited(hub, "profile.changed") == []
        # As `/profile`: a role that never changes a profile learns nothing of who is there.
        assert await _audited(hub, "profile.change_asked") == []

    async def test_without_the_csrf_token_nothing_changes(
        self, hub: Hub, jo: httpx.AsyncClient
    ) -> None:
        answer = await _post(jo, hub, "profile", token=False, setting="scale", value="ten")
        assert answer.status_code == 403
        assert await _audited(hub, "profile.changed") == []


class TestReply:
    async def test_a_reply_reaches_sam_as_reply_sends_it(
        self, hub: Hub, jo: httpx.AsyncClient
    ) -> None:
        answer = await _post(jo, hub, "reply", words="See you on Tuesday")
        assert answer.status_code == 303
        assert (await hub.keys(SAM))[-1] == "talk_from_worker"
        assert len(await _audited(hub, "talk.to_young_person")) == 1

    async def test_an_empty_reply_is_an_error(self, hub: Hub, jo: httpx.AsyncClient) -> None:
        answer = await _post(jo, hub, "reply", words=" ")
        assert answer.status_code == 400
        assert 'href="#reply-words"' in answer.text
        assert "talk_from_worker" not in await hub.keys(SAM)

    async def test_another_hubs_worker_may_not_write_to_sam(self, hub: Hub) -> None:
        async with _browser(hub) as ash:
            await _sign_in(hub, ash, ASH)
            answer = await _post(ash, hub, "reply", words="hello")
        assert answer.status_code == 403
        assert "talk_from_worker" not in await hub.keys(SAM)

    async def test_without_the_csrf_token_nothing_is_sent(
        self, hub: Hub, jo: httpx.AsyncClient
    ) -> None:
        answer = await _post(jo, hub, "reply", token=False, words="hello")
        assert answer.status_code == 403
        assert "talk_from_worker" not in await hub.keys(SAM)
