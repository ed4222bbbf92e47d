"""The staff console's authorization matrix (issue 15: "an authorization matrix test covers
every page and action per role"), on PostgreSQL, the database councils run on. (Its 600 cells
once ran on SQLite too; each page's own tests in tests/integration/test_console_*.py run on
both, and CI must stay under 20 minutes.)

Every route `console_routes()` serves (but the static files and signing in and out, which
have their own tests) has one row below, and each row says, for every viewer, whether the
page or action is theirs. The table is written from bot/domain/access.py and the issue ("staff
see only what their role and hub allow"), not from what the pages happen to do: a cell where
the code disagrees is marked xfail(strict=True) with the rule it breaks.

One world is built once (a council with two hubs, every role at the first, a
second council) and copied: pages are looked at in one shared copy, and each action is sent in
a copy of its own, so what one cell changes never decides another. A refused action must change
nothing at all; an allowed one must change something.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url
from starlette.routing import Mount, Route

from bot.adapters.db import models
from bot.adapters.db.engine import create_engine, session_factory
from bot.adapters.db.uow import PostOffice, UnitOfWorkFactory
from bot.adapters.web.app import ConsoleSettings, console_app, console_routes
from bot.clock import ManualClock
from bot.content.catalogue import Catalogue
from bot.domain.people import Role
from bot.domain.sessions import SessionWith
from bot.entrypoints.console import govuk_folder
from bot.services.console_login import IssueLink, do_issue_link, do_redeem_link
from bot.services.goals import GoalAsked, do_add_goal
from bot.services.invites import do_create_invite, do_redeem_invite
from bot.services.offboarding import do_leave, do_move
from bot.services.profiles import do_set_profile
from bot.services.session_access import AtCommandLine
from bot.services.sessions import Booking, do_book
from bot.services.staff import NewStaff, do_add_staff
from tests.conftest import _drop_postgres_database, _fresh_postgres_database, _run_apart
from tests.integration.concern_world import TUESDAY_MORNING, Hub

pytestmark = pytest.mark.postgres
CONSOLE = "http://127.0.0.1:8081"
COOKIE = "waypoint-console"
NY, CITY = "North Yorkshire", "West Yorkshire"
SAM = 2001
# The viewers (the matrix's columns), each a member of staff by Telegram id; "out" is nobody.
VIEWERS: dict[str, tuple[int, str, Role, str, str] | None] = {
    "key worker": (1001, "Jo", Role.KEY_WORKER, "Harrogate", NY),  # Sam's named worker
    "2nd key worker": (1002, "Lee", Role.KEY_WORKER, "Harrogate", NY),
    "life coach": (1003, "Cat", Role.LIFE_COACH, "Harrogate", NY),  # Sam's own coach
    "slt": (1004, "Sol", Role.SLT, "Harrogate", NY),
    "manager": (1005, "Max", Role.MANAGER, "Harrogate", NY),
    "duty": (1006, "Dee", Role.DUTY, "Harrogate", NY),
    "on call": (1007, "Oona", Role.ON_CALL, "Harrogate", NY),
    "police": (1008, "Pat", Role.POLICE_LIAISON, "Harrogate", NY),  # was a key worker
    "liaison": (1012, "Pia", Role.POLICE_LIAISON, "Harrogate", NY),  # signs in as one
    "operator": (1009, "Otto", Role.OPERATOR, "Harrogate", NY),
    "B manager": (1101, "Bea", Role.MANAGER, "Scarborough", NY),
    "B key worker": (1102, "Ash", Role.KEY_WORKER, "Scarborough", NY),
    "C2 manager": (1201, "Cy", Role.MANAGER, "Leeds", CITY),
    "left": (1010, "Lou", Role.KEY_WORKER, "Harrogate", NY),
    "out": None,
}
# Others in the world who are nobody's column.
EXTRAS = (
    (1103, "Ola", Role.OPERATOR, "Scarborough", NY),
    (1011, "Una", Role.DUTY, "Harrogate", NY),  # a message to her could not be delivered
)
# The clock while pages are asked for: session A (10:30) has begun, session B is next week.
ASKING = TUESDAY_MORNING + timedelta(hours=1)


@dataclass(frozen=True)
class World:
    """A built world's database, each viewer's cookie and CSRF token, and its numbers."""

    url: str
    signed_in: dict[str, tuple[str, str]]
    ids: dict[str, int]


@cache
def _catalogue() -> Catalogue:
    """The wording, loaded once for the module's many apps."""
    return Catalogue.load(allow_drafts=True)


def _path(template: str, ids: dict[str, int]) -> str:
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda found: str(ids[found.group(1)]), template)


async def _sign_in(hub: Hub, telegram_id: int) -> tuple[str, str]:
    """Send `/console`, redeem the link: the session's cookie and CSRF token."""
    await do_issue_link(
        hub.uow(), await hub.actor(telegram_id), IssueLink(CONSOLE), now=hub.clock()
    )
    [*_, message] = await hub.queued(telegram_id)
    found = re.search(r"/login/([A-Za-z0-9_-]+)", message.text)
    assert found is not None
    signed_in = await do_redeem_link(hub.uow(), found.group(1), now=hub.clock())
    return signed_in.session_id, signed_in.csrf_token


async def _build(url: str) -> World:
    """The world, through the services staff and the command line use."""
    engine = create_engine(url)
    factory = UnitOfWorkFactory(session_factory(engine), PostOffice(_catalogue()))
    hub = Hub(factory, ManualClock(TUESDAY_MORNING), {})
    now = hub.clock
    people = [viewer for viewer in VIEWERS.values() if viewer is not None]
    for telegram_id, name, role, hub_name, council in (*people, *EXTRAS):
        # Pat starts as a key worker, signs in, then is moved: a session whose role changed
        # while signed in. Pia is a police liaison from the start, who signs in as one.
        first = Role.KEY_WORKER if telegram_id == 1008 else role
        new = NewStaff(telegram_id, name, first, hub_name, council, create=True)
        await do_add_staff(factory(), new, now=now())
    async with factory() as uow:
        for staff in await uow.session.scalars(select(models.Staff)):
            hub.ids[staff.telegram_user_id] = staff.id
    invite = await do_create_invite(
        factory(), worker_telegram_id=1001, first_name="Sam", now=now()
    )
    await do_redeem_invite(factory(), telegram_user_id=SAM, code=invite.code, now=now())
    sam = (await hub.young_person(SAM)).young_person_id
    async with factory() as uow:  # no service names a life coach yet
        person = await uow.session.get(models.YoungPerson, sam)
        assert person is not None
        person.life_coach_id = hub.ids[1003]
        await uow.commit()
    # Room for another goal beside the one below (an easy-read profile allows one).
    await do_set_profile(factory(), sam, "goals", "3", now=now())
    ids = {"young_person_id": sam, "concern_id": await hub.raise_concern()}
    ids["goal"] = await do_add_goal(
        factory(), AtCommandLine(), GoalAsked(sam, "go to college"), now=now()
    )
    jo = await hub.actor(1001)
    for key, start in (("begun", "2026-03-03T10:30"), ("session_id", "2026-03-10T16:00")):
        booking = Booking(
            young_person_id=sam,
            with_kind=SessionWith.WORKER,
            local_start=datetime.fromisoformat(start),
        )
        ids[key] = (await do_book(factory(), jo, booking, now=now())).session_id
    await do_create_invite(factory(), worker_telegram_id=1001, first_name="Kai", now=now())
    async with factory() as uow:
        ids["invite_id"] = max(await uow.session.scalars(select(models.Invite.id)))
    hub.clock.now = ASKING
    await _sign_in(hub, 1011)
    [*_, una] = await hub.queued(1011)
    await hub.blocked(una.id)
    ids["outbox_id"] = una.id
    ids["staff_id"] = hub.ids[1002]  # Lee: the member of staff the admin actions change
    ids["jo"] = hub.ids[1001]  # the key worker an invite is made for
    signed_in = {
        key: await _sign_in(hub, viewer[0])
        for key, viewer in VIEWERS.items()
        if viewer is not None
    }
    await do_move(factory(), 1008, role=Role.POLICE_LIAISON, now=now())  # `waypoint staff move`
    await do_leave(factory(), 1010, now=now())
    await engine.dispose()
    return World(url, signed_in, ids)


# The matrix. Columns, in order: each viewer above. "Y" allowed, "." refused. Why each row is
# as it is, by access.py's rule:
COLUMNS = tuple(VIEWERS)
#                                 kw kw2 lc slt mgr duty oc pol lia op Bmgr Bkw C2 left out
CASELOAD = "Y Y Y Y Y Y Y . . Y Y Y Y . ."  # has_caseload(role)
OPEN_PERSON = "Y . Y Y Y Y Y . . Y . . . . ."  # may_open_young_person (Sam at hub A)
GOALS = "Y . Y . . . . . . . . . . . ."  # may_change_goals: named worker, own coach
PROFILE = "Y . . Y . . . . . . . . . . ."  # may_change_profile: named worker, hub's slt
REPLY = "Y . Y . Y Y . . . . . . . . ."  # may_message_young_person
LIST_CONCERNS = "Y Y . . Y Y Y Y Y . Y Y Y . ."  # role_reads_concerns, or a liaison's summary
READ_CONCERN = "Y . . . Y Y Y . . . . . . . ."  # may_read_concern (Jo was alerted too)
CLOSE_CONCERN = ". . . . Y Y . . . . . . . . ."  # may_close_concern, nobody acknowledged it
SESSION_PAGES = "Y Y Y Y Y Y . . . . Y Y Y . ."  # ever_may(role, may_book_session)
SAMS_SESSION = "Y . Y Y Y Y . . . . . . . . ."  # may_book_session for Sam
FIGURES = ". . . . Y . . . . . Y . Y . ."  # may_see_service_figures (their own hub)
OWN_HUB_ADMIN = ". . . . Y . . . . Y Y . Y . ."  # may_manage_staff (their own hub)
HUB_A_ADMIN = ". . . . Y . . . . Y . . . . ."  # may_manage_staff, about hub A's staff
INVITE_FORM = "Y Y . . Y . . . . Y Y Y Y . ."  # may_invite_for, themselves or as a manager
JOS_INVITE = "Y . . . Y . . . . Y . . . . ."  # may_invite_for Jo (a key worker at hub A)
COUNCIL = ". . . . Y . . . . Y Y . Y . ."  # may_change_council_settings (their own council)

GOAL_FORM = {"words": "go to college every day"}
MATRIX: dict[tuple[str, str], tuple[str, dict[str, str]]] = {
    ("GET", "/caseload"): (CASELOAD, {}),
    ("GET", "/young-people/{young_person_id:id}"): (OPEN_PERSON, {}),
    ("POST", "/young-people/{young_person_id:id}/goals"): (GOALS, GOAL_FORM),
    ("POST", "/young-people/{young_person_id:id}/goal-words"): (
        GOALS,
        {"goal": "{goal}", **GOAL_FORM},
    ),
    ("POST", "/young-people/{young_person_id:id}/profile"): (
        PROFILE,
        {"setting": "scale", "value": "ten"},
    ),
    ("POST", "/young-people/{young_person_id:id}/reply"): (
        REPLY,
        {"words": "See you on Tuesday"},
    ),
    ("GET", "/concerns"): (LIST_CONCERNS, {}),
    ("GET", "/concerns/{concern_id:id}"): (READ_CONCERN, {}),
    ("POST", "/concerns/{concern_id:id}/acknowledge"): (READ_CONCERN, {}),
    ("POST", "/concerns/{concern_id:id}/close"): (CLOSE_CONCERN, {"outcome": "Spoke with Sam."}),
    ("GET", "/concerns/{concern_id:id}/export"): (READ_CONCERN, {}),
    ("GET", "/how-we-are-doing"): (FIGURES, {}),
    ("GET", "/how-we-are-doing.csv"): (FIGURES, {}),
    ("GET", "/sessions"): (SESSION_PAGES, {}),
    ("GET", "/sessions/book"): (SESSION_PAGES, {}),
    ("POST", "/sessions/book"): (
        SAMS_SESSION,
        {"young_person": "{young_person_id}", "with": "me", "day": "2026-03-12", "time": "15:00"},
    ),
    ("GET", "/sessions/{session_id:id}/move"): (SAMS_SESSION, {}),
    ("POST", "/sessions/{session_id:id}/move"): (
        SAMS_SESSION,
        {"day": "2026-03-11", "time": "17:30"},
    ),
    ("GET", "/sessions/{session_id:id}/cancel"): (SAMS_SESSION, {}),
    ("POST", "/sessions/{session_id:id}/cancel"): (SAMS_SESSION, {"week": "2026-03-09"}),
    ("POST", "/sessions/{session_id:id}/mark"): (
        SAMS_SESSION,
        {"week": "2026-03-02", "seen": "yes"},
    ),
    ("GET", "/admin"): (OWN_HUB_ADMIN, {}),
    ("GET", "/admin/staff"): (OWN_HUB_ADMIN, {}),
    ("GET", "/admin/staff/new"): (OWN_HUB_ADMIN, {}),
    # A role both a manager and an operator may give (access.roles_granted_by); the roles
    # only a manager gives, and none, are tests/integration/test_console_admin.py's.
    ("POST", "/admin/staff/new"): (
        OWN_HUB_ADMIN,
        {"name": "Rae", "telegram_id": "1701", "role": "slt"},
    ),
    ("GET", "/admin/staff/{staff_id}"): (HUB_A_ADMIN, {}),
    ("POST", "/admin/staff/{staff_id}/move"): (HUB_A_ADMIN, {"role": "slt"}),
    ("GET", "/admin/staff/{staff_id}/leave"): (HUB_A_ADMIN, {}),
    ("POST", "/admin/staff/{staff_id}/leave"): (HUB_A_ADMIN, {}),
    ("GET", "/admin/young-people"): (OWN_HUB_ADMIN, {}),
    ("POST", "/admin/young-people/{young_person_id}/reassign"): (
        HUB_A_ADMIN,
        {"worker": "{staff_id}"},
    ),
    ("GET", "/admin/invites"): (OWN_HUB_ADMIN, {}),
    ("POST", "/admin/invites/{invite_id}/revoke"): (HUB_A_ADMIN, {}),
    ("GET", "/admin/council"): (OWN_HUB_ADMIN, {}),
    ("POST", "/admin/council"): (
        COUNCIL,
        {
            "office_hours": "8-18",
            "minutes_high": "20",
            "minutes_other": "90",
            "on_call_first": "no",
            "quiet_hours": "22-7",
            "out_of_hours_phone": "01609 780780",
        },
    ),
    ("GET", "/admin/invites/new"): (INVITE_FORM, {}),
    ("POST", "/admin/invites/new"): (JOS_INVITE, {"first_name": "Mia", "worker": "{jo}"}),
    ("GET", "/admin/undelivered"): (OWN_HUB_ADMIN, {}),
    ("POST", "/admin/undelivered/{outbox_id}/retry"): (HUB_A_ADMIN, {}),
    ("GET", "/admin/audit"): (OWN_HUB_ADMIN, {}),
}
# An allowed action that answers with a page (200), not a redirect: a new invite's link is
# shown once, on the answer to the POST.
ANSWERED_IN_PLACE = {("POST", "/admin/invites/new")}
# Marking a session needs one that has begun (the others are ahead).
PATH_IDS = {("POST", "/sessions/{session_id:id}/mark"): {"session_id": "begun"}}
# Signing in and out have their own tests (test_console_web.py).
# The content studio's and safety words' routes (issue 16) are not rows yet: who may see,
# write, approve and change them is tested by their own tests (tests/unit/test_service_studio.py
# and test_service_safety_words.py per role, tests/browser/test_studio.py and
# test_safety_words.py, tests/integration/test_studio_pages_harden.py).
STUDIO_ROUTES = {
    "/studio",
    "/studio/check",
    "/studio/preview",
    "/studio/{message_id}",
    "/studio/{message_id}/{language}",
    "/studio/safety",
    "/studio/safety/phrases",
    "/studio/safety/examples",
    "/studio/safety/{word_id:int}/approve",
}
NOT_IN_MATRIX = {"/", "/signed-out", "/login/{token}", "/sign-out", *STUDIO_ROUTES}
# Cells where the code disagrees with access.py: (method, route, viewer) -> the finding.
# None lets anyone do what access.py refuses (every refused action changes nothing); these
# refuse with a form error (400) instead of 403/404.
BOOK_ROUTE = ("POST", "/sessions/book")
OTHER_HUBS = ("B manager", "C2 manager")
_AS_FORM_ERROR = "refused, nothing changed, but as a 400 form error, not 403/404"
FINDINGS: dict[tuple[str, str, str], str] = {
    **{
        (
            *BOOK_ROUTE,
            viewer,
        ): f"{_AS_FORM_ERROR} ('Select a young person whose sessions you book')"
        for viewer in ("2nd key worker", "B manager", "B key worker", "C2 manager")
    },
    **{
        ("POST", "/admin/young-people/{young_person_id}/reassign", viewer): (
            f"{_AS_FORM_ERROR} ('That young person is not at your hub')"
        )
        for viewer in OTHER_HUBS
    },
}


def _allowed(method: str, route: str, viewer: str) -> bool:
    marks = MATRIX[method, route][0].split()
    assert len(marks) == len(COLUMNS), (method, route)
    return marks[COLUMNS.index(viewer)] == "Y"


def _cells() -> Iterator[object]:
    for method, route in MATRIX:
        for viewer in COLUMNS:
            finding = FINDINGS.get((method, route, viewer))
            marks = [pytest.mark.xfail(strict=True, reason=finding)] if finding else []
            yield pytest.param(
                method, route, viewer, marks=marks, id=f"{method} {route} [{viewer}]"
            )


def test_every_route_has_a_row_in_the_matrix() -> None:
    settings = ConsoleSettings(CONSOLE, govuk_folder())
    served = set()
    for route in console_routes(UnitOfWorkFactory(None, None), ManualClock(ASKING), settings):  # type: ignore[arg-type]
        if isinstance(route, Mount):
            continue
        assert isinstance(route, Route), route
        if route.path in NOT_IN_MATRIX:
            continue
        for method in route.methods or ():
            if method != "HEAD":
                served.add((method, route.path))
                assert (method, route.path) in MATRIX, (
                    f"route {method} {route.path} has no row in the matrix"
                )
    assert served == set(MATRIX), f"rows for routes not served: {set(MATRIX) - served}"


@dataclass
class Built:
    """The world to copy, and a copy of it shared by the pages and the refused actions (made
    anew should a refused action change it)."""

    world: World
    shared: str

    async def copy(self) -> str:
        """A new database holding the world as built."""
        return await _fresh_postgres_database(template=make_url(self.world.url).database)

    async def drop(self, url: str) -> None:
        """Forget a copy."""
        await _drop_postgres_database(url)


@pytest.fixture(scope="module")
def built(request: pytest.FixtureRequest) -> Iterator[Built]:
    """The world, built once for this module."""
    url = _run_apart(
        _fresh_postgres_database(template=request.getfixturevalue("_migrated_postgres"))
    )
    world = _run_apart(_build(url))
    made = Built(world, "")
    made.shared = _run_apart(made.copy())
    yield made
    _run_apart(_drop_postgres_database(made.shared))
    _run_apart(_drop_postgres_database(url))


# What an action may change: everything but the audit log and the console's own sessions.
WATCHED = (
    models.Staff, models.YoungPerson, models.Invite, models.Concern, models.ConcernEvent,
    models.Session, models.SessionEvent, models.Reminder, models.Goal, models.GoalVersion,
    models.OutboxMessage, models.Council,
)  # fmt: skip


async def _state(url: str) -> dict[str, list[str]]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            state = {}
            for model in WATCHED:
                rows = (await connection.execute(select(model.__table__))).all()
                state[model.__tablename__] = sorted(repr(tuple(row)) for row in rows)
            return state
    finally:
        await engine.dispose()


async def _ask(url: str, world: World, method: str, route: str, viewer: str) -> httpx.Response:
    engine = create_engine(url)
    factory = UnitOfWorkFactory(session_factory(engine), PostOffice(_catalogue()))
    settings = ConsoleSettings(CONSOLE, govuk_folder(), bot_username="WaypointBot")
    app = console_app(factory, ManualClock(ASKING), settings)
    session_id, csrf = world.signed_in.get(viewer, ("", "x" * 43))
    cookies = {COOKIE: session_id} if session_id else {}
    transport = httpx.ASGITransport(app=app)
    named = PATH_IDS.get((method, route), {})
    path = _path(route, world.ids | {key: world.ids[name] for key, name in named.items()})
    try:
        async with httpx.AsyncClient(
            transport=transport, base_url=CONSOLE, cookies=cookies
        ) as client:
            if method == "GET":
                answer = await client.get(path)
                if answer.status_code == 303 and answer.headers["location"] != "/signed-out":
                    after = await client.get(answer.headers["location"])
                    assert after.status_code == 200, (
                        answer.headers["location"],
                        after.status_code,
                    )
                return answer
            form = {
                name: _path(value, world.ids) for name, value in MATRIX[method, route][1].items()
            }
            answer = await client.post(path, data={"csrf_token": csrf, **form})
            if answer.status_code == 303 and answer.headers["location"] != "/signed-out":
                after = await client.get(answer.headers["location"])
                assert after.status_code == 200, (answer.headers["location"], after.status_code)
            return answer
    finally:
        await engine.dispose()


def _refusal(answer: httpx.Response) -> bool:
    if answer.status_code == 303:
        return answer.headers["location"] == "/signed-out"
    return answer.status_code in {403, 404}


@pytest.mark.parametrize(("method", "route", "viewer"), list(_cells()))
async def test_each_viewer_is_given_or_refused_each_page_and_action(
    built: Built, method: str, route: str, viewer: str
) -> None:
    allowed = _allowed(method, route, viewer)
    if method == "GET":
        answer = await _ask(built.shared, built.world, method, route, viewer)
        if allowed:
            assert answer.status_code in {200, 303}, answer.status_code
            assert not _refusal(answer), answer.headers.get("location")
        else:
            assert _refusal(answer), (answer.status_code, answer.headers.get("location"))
        return
    # A refused action changes nothing, so it is sent to the shared copy; an allowed one gets
    # a copy of its own, as does whatever follows a refusal that changed something after all.
    url = await built.copy() if allowed else built.shared
    changed = True
    try:
        before = await _state(url)
        answer = await _ask(url, built.world, method, route, viewer)
        changed = await _state(url) != before
        if allowed and (method, route) in ANSWERED_IN_PLACE:
            assert answer.status_code == 200, answer.status_code
            assert changed, "an allowed action changed nothing"
        elif allowed:
            assert answer.status_code == 303, answer.status_code
            assert answer.headers["location"] != "/signed-out"
            assert changed, "an allowed action changed nothing"
        else:
            assert _refusal(answer), (answer.status_code, answer.headers.get("location"))
            assert not changed, "a refused action changed something"
    finally:
        if allowed:
            await built.drop(url)
        elif changed:
            await built.drop(url)
            built.shared = await built.copy()
