"""*How we are doing* over HTTP (issue 15), on SQLite and PostgreSQL: concerns raised by Sam
and acknowledged after known delays through the ladder itself, sessions, reminders and goal
ratings stored as the bot stores them; the page's tables and the CSV say what they should,
for the hub's manager only, each look audited without a figure or a word."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import httpx
import pytest
from sqlalchemy import select

from bot.adapters.db.models import (
    AuditEvent,
    Goal,
    GoalRating,
    OutboxMessage,
    Reminder,
    Session,
    YoungPerson,
)
from bot.adapters.web.app import ConsoleSettings, console_app
from bot.domain.goals import Cadence, GoalState, Scale
from bot.domain.outbox import DeliveryState, Recipient
from bot.domain.reminders import ReminderState
from bot.domain.sessions import SessionState, SessionWith
from bot.entrypoints.console import govuk_folder
from bot.services.console_login import IssueLink, do_issue_link
from tests.integration.concern_world import ASH, DEE, JO, MAX, OONA, SAM, Hub, hub

__all__ = ["hub"]

CONSOLE = "http://127.0.0.1:8081"
# Monday 2 March 2026, 00:00 in London (GMT): the week the world's Tuesday morning is in.
MONDAY = datetime.fromisoformat("2026-03-02T00:00:00+00:00")


def _browser(hub: Hub) -> httpx.AsyncClient:
    app = console_app(hub.uow, hub.clock, ConsoleSettings(CONSOLE, govuk_folder()))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=CONSOLE)


@pytest.fixture
async def browser(hub: Hub) -> AsyncIterator[httpx.AsyncClient]:
    """A browser on the console (cookies kept, redirects not followed)."""
    async with _browser(hub) as client:
        yield client


async def _sign_in(hub: Hub, browser: httpx.AsyncClient, telegram_id: int) -> None:
    actor = await hub.actor(telegram_id)
    await do_issue_link(hub.uow(), actor, IssueLink(CONSOLE), now=hub.clock())
    [*_, message] = await hub.queued(telegram_id)
    found = re.search(re.escape(CONSOLE) + r"(/login/[A-Za-z0-9_-]+)", message.text)
    assert found is not None
    assert (await browser.post(found.group(1))).status_code == 303


async def _concerns(hub: Hub) -> None:
    """Three concerns this week, acknowledged after 5, 25 and 15 minutes: the second climbs
    to the top of the ladder (a manager, in office hours) before Max has it."""
    first = await hub.raise_concern()
    hub.clock.advance(timedelta(minutes=5))
    await hub.acknowledge(JO, first)
    second = await hub.raise_concern()
    await hub.tick(minutes=10)  # duty
    await hub.tick(minutes=10)  # manager: the top
    hub.clock.advance(timedelta(minutes=5))
    await hub.acknowledge(MAX, second)
    third = await hub.raise_concern()
    await hub.tick(minutes=10)  # duty
    hub.clock.advance(timedelta(minutes=5))
    await hub.acknowledge(JO, third)
    for concern_id in (first, second, third):
        assert (await hub.concern(concern_id)).acknowledged_at is not None


async def _sessions_reminders_goals(hub: Hub) -> None:
    """Stored as the bot stores them, at Sam's hub."""
    async with hub.uow() as uow:
        sam = await uow.session.scalar(
            select(YoungPerson).where(YoungPerson.telegram_user_id == SAM)
        )
        assert sam is not None

        def session(at: datetime, state: SessionState) -> Session:
            row = Session(
                hub_id=sam.hub_id, young_person_id=sam.id, with_kind=SessionWith.WORKER,
                staff_id=sam.key_worker_id, local_start=at.replace(tzinfo=None),
                zone="Europe/London", starts_at=at, minutes=60, weekly=False,
                followed=False, state=state, created_at=at - timedelta(days=7),
                changed_at=at,
            )  # fmt: skip
            uow.session.add(row)
            return row

        seen = session(MONDAY + timedelta(hours=14), SessionState.SEEN)
        session(MONDAY + timedelta(days=1, hours=9), SessionState.NOT_SEEN)
        session(MONDAY + timedelta(days=1, hours=9, minutes=30), SessionState.BOOKED)
        session(MONDAY + timedelta(days=2, hours=9), SessionState.BOOKED)  # still to come
        session(MONDAY + timedelta(hours=16), SessionState.CANCELLED)
        # Sunday 1 March at 23:30 (GMT): last week's.
        session(MONDAY - timedelta(minutes=30), SessionState.SEEN)
        await uow.session.flush()

        def reminder(due: datetime, state: ReminderState, sent: DeliveryState | None = None,
                     error: str | None = None) -> None:  # fmt: skip
            row = Reminder(session_id=seen.id, offset="2h", due_at=due, state=state)
            uow.session.add(row)
            if sent is None:
                return
            uow.session.add(
                OutboxMessage(
                    lane=2,
                    chat_id=SAM,
                    recipient_type=Recipient.YOUNG_PERSON,
                    recipient_id=sam.id,
                    hub_id=sam.hub_id,
                    message_key="session_reminder",
                    text="",
                    state=sent,
                    created_at=due,
                    not_before=due,
                    reminder_id=None,
                    last_error=error,
                    part=0,
                )
            )

        due = MONDAY + timedelta(hours=12)
        reminder(due, ReminderState.QUEUED, DeliveryState.SENT)
        reminder(due, ReminderState.QUEUED, DeliveryState.SENT)
        reminder(due, ReminderState.QUEUED, DeliveryState.FAILED, "too late")
        reminder(due, ReminderState.QUEUED, DeliveryState.FAILED, "blocked")
        reminder(due, ReminderState.DROPPED)
        reminder(due, ReminderState.SKIPPED)
        reminder(due, ReminderState.WITHDRAWN)
        reminder(due, ReminderState.PENDING)
        await uow.session.flush()
        # Link each outbox row to its reminder, in the order they were made.
        reminders = list(await uow.session.scalars(select(Reminder).order_by(Reminder.id)))
        queued = select(OutboxMessage).where(OutboxMessage.message_key == "session_reminder")
        messages = list(await uow.session.scalars(queued.order_by(OutboxMessage.id)))
        for row, message in zip(reminders[:4], messages, strict=True):
            message.reminder_id = row.id

        def goal(ratings: list[tuple[Scale, str, datetime]]) -> None:
            made = ratings[0][2]
            row = Goal(
                hub_id=sam.hub_id, young_person_id=sam.id, state=GoalState.ACTIVE,
                cadence=Cadence.SESSIONS, version=1, expressed_by_type="young_person",
                created_at=made, changed_at=made, repeats=0,
            )  # fmt: skip
            uow.session.add(row)
            pending.append((row, ratings))

        pending: list[tuple[Goal, list[tuple[Scale, str, datetime]]]] = []
        goal(
            [
                (Scale.TEN, "3", MONDAY - timedelta(weeks=2)),
                (Scale.TEN, "6", MONDAY + timedelta(days=1)),
            ]
        )
        goal([(Scale.PICTURES, "sometimes", MONDAY - timedelta(weeks=1)),
              (Scale.PICTURES, "going_well", MONDAY + timedelta(hours=10))])  # fmt: skip
        goal(
            [
                (Scale.TEN, "5", MONDAY - timedelta(weeks=1)),
                (Scale.TEN, "4", MONDAY + timedelta(hours=9)),
            ]
        )
        await uow.session.flush()
        for made, ratings in pending:
            for number, (scale, value, at) in enumerate(ratings):
                uow.session.add(
                    GoalRating(
                        goal_id=made.id,
                        version=1,
                        scale=scale,
                        value=value,
                        baseline=number == 0,
                        at=at,
                        by_type="young_person",
                    )
                )
        await uow.commit()


def _cells(page: str, table: str, week: str) -> dict[str, str]:
    """The cells of one week's row of one table, by their measure."""
    body = page.split(f'id="{table}"', 1)[1].split("</table>", 1)[0]
    row = body.split(f'data-week="{week}"', 1)[1].split("</tr>", 1)[0]
    found = re.findall(r'data-measure="([a-z_0-9]+)">(.*?)</td>', row, re.S)
    return {measure: re.sub(r"<[^>]+>", "", value).strip() for measure, value in found}


def _worker(page: str, name: str) -> dict[str, str]:
    body = page.split('id="workers-table"', 1)[1].split("</table>", 1)[0]
    row = body.split(f'data-worker="{name}"', 1)[1].split("</tr>", 1)[0]
    return dict(re.findall(r'data-measure="([a-z_0-9]+)">(.*?)</td>', row, re.S))


class TestTheFigures:
    async def test_the_page_shows_the_weeks_numbers(
        self, hub: Hub, browser: httpx.AsyncClient
    ) -> None:
        await _concerns(hub)
        await _sessions_reminders_goals(hub)
        await _sign_in(hub, browser, MAX)
        page = await browser.get("/how-we-are-doing")
        assert page.status_code == 200
        assert page.text.count('data-week="') == 12 * 5  # five tables, twelve weeks
        assert "<svg" in page.text
        assert _cells(page.text, "acknowledge-table", "2026-03-02") == {
            "alerted": "3", "acknowledged": "3", "median": "15", "p90": "25",
        }  # fmt: skip
        assert _cells(page.text, "top-table", "2026-03-02") == {"alerted": "3", "top": "1"}
        assert _worker(page.text, "Jo") == {"acknowledged": "2", "median": "5", "p90": "15"}
        assert _worker(page.text, "Max") == {"acknowledged": "1", "median": "25", "p90": "25"}
        assert _cells(page.text, "reminders-table", "2026-03-02") == {
            "sent": "2", "too_late": "2", "skipped": "1", "failed": "1", "waiting": "1",
        }  # fmt: skip
        assert _cells(page.text, "sessions-table", "2026-03-02") == {
            "seen": "1", "not_seen": "1", "not_marked": "1",
        }  # fmt: skip
        assert _cells(page.text, "sessions-table", "2026-02-23")["seen"] == "1"
        assert _cells(page.text, "goals-table", "2026-03-02") == {"goals": "2"}
        # Nothing about a young person: not Sam's name, not the words of a concern.
        assert "Sam" not in page.text

    async def test_the_csv_has_the_same_numbers(
        self, hub: Hub, browser: httpx.AsyncClient
    ) -> None:
        await _concerns(hub)
        await _sessions_reminders_goals(hub)
        await _sign_in(hub, browser, MAX)
        answer = await browser.get("/how-we-are-doing.csv?weeks=4")
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/csv")
        assert "attachment" in answer.headers["content-disposition"]
        rows = list(csv.DictReader(io.StringIO(answer.text)))
        cell = {(r["measure"], r["scope"], r["week_beginning"]): r["value"] for r in rows}
        assert {r["week_beginning"] for r in rows} == {
            "2026-02-09", "2026-02-16", "2026-02-23", "2026-03-02",
        }  # fmt: skip
        assert cell["acknowledge_median_minutes", "hub", "2026-03-02"] == "15"
        assert cell["acknowledge_p90_minutes", "hub", "2026-03-02"] == "25"
        assert cell["concerns_reached_top", "hub", "2026-03-02"] == "1"
        assert cell["reminders_sent", "hub", "2026-03-02"] == "2"
        assert cell["reminders_too_late", "hub", "2026-03-02"] == "2"
        assert cell["sessions_not_seen", "hub", "2026-03-02"] == "1"
        assert cell["goals_with_progress", "hub", "2026-03-02"] == "2"
        assert cell["acknowledge_median_minutes", "worker: Max", "2026-03-02"] == "25"
        assert "Sam" not in answer.text

    async def test_each_look_and_download_is_audited_without_figures(
        self, hub: Hub, browser: httpx.AsyncClient
    ) -> None:
        await _sign_in(hub, browser, MAX)
        assert (await browser.get("/how-we-are-doing?weeks=26")).status_code == 200
        assert (await browser.get("/how-we-are-doing.csv")).status_code == 200
        async with hub.uow() as uow:
            rows = list(
                await uow.session.execute(
                    select(
                        AuditEvent.action, AuditEvent.actor_id, AuditEvent.subject_type,
                        AuditEvent.subject_id, AuditEvent.hub_id,
                    ).where(AuditEvent.action.like("console.figures_%")).order_by(AuditEvent.id)
                )
            )  # fmt: skip
            max_hub = (await uow.staff.get(hub.ids[MAX])).hub_id  # type: ignore[union-attr]
        assert [tuple(r) for r in rows] == [
            ("console.figures_viewed", hub.ids[MAX], "hub", max_hub, max_hub),
            ("console.figures_downloaded", hub.ids[MAX], "hub", max_hub, max_hub),
        ]

    async def test_a_range_not_offered_is_an_error_on_the_page(
        self, hub: Hub, browser: httpx.AsyncClient
    ) -> None:
        await _sign_in(hub, browser, MAX)
        page = await browser.get("/how-we-are-doing?weeks=7")
        assert page.status_code == 400
        assert "govuk-error-summary" in page.text
        assert 'href="#weeks"' in page.text
        assert page.text.count('data-week="') == 12 * 5  # the default range, shown anyway
        answer = await browser.get("/how-we-are-doing.csv?weeks=abc")
        assert answer.status_code == 303
        assert answer.headers["location"] == "/how-we-are-doing?weeks=abc"

    async def test_the_menu_offers_it_to_managers_only(self, hub: Hub) -> None:
        async with _browser(hub) as manager, _browser(hub) as worker:
            await _sign_in(hub, manager, MAX)
            await _sign_in(hub, worker, JO)
            assert 'href="/how-we-are-doing"' in (await manager.get("/caseload")).text
            assert 'href="/how-we-are-doing"' not in (await worker.get("/caseload")).text


class TestRefused:
    @pytest.mark.parametrize("telegram_id", [JO, DEE, OONA, ASH])
    async def test_nobody_but_the_hubs_manager_sees_them(
        self, hub: Hub, browser: httpx.AsyncClient, telegram_id: int
    ) -> None:
        await _concerns(hub)
        await _sign_in(hub, browser, telegram_id)
        page = await browser.get("/how-we-are-doing")
        assert page.status_code == 403
        assert 'data-week="' not in page.text
        assert (await browser.get("/how-we-are-doing.csv")).status_code == 403
        async with hub.uow() as uow:
            looked = await uow.session.scalar(
                select(AuditEvent.id).where(AuditEvent.action.like("console.figures_%"))
            )
        assert looked is None

    async def test_signed_out_goes_to_sign_in(self, browser: httpx.AsyncClient) -> None:
        for path in ("/how-we-are-doing", "/how-we-are-doing.csv"):
            answer = await browser.get(path)
            assert answer.status_code == 303
            assert answer.headers["location"] == "/signed-out"

    async def test_nothing_is_posted_to_it(self, hub: Hub, browser: httpx.AsyncClient) -> None:
        await _sign_in(hub, browser, MAX)
        assert (await browser.post("/how-we-are-doing")).status_code == 405
