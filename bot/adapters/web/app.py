"""The staff console's routes: sign in by a link from Telegram, the caseload, sign out.

GET /login/<token> changes nothing (Telegram and mail scanners fetch links to preview them):
it shows one "Sign in" button, and the POST it makes uses the link up. Every other POST needs
the session's CSRF token. Each request checks the session again (bot.services.console_login),
so a member of staff who has left, or sent `/console off`, is refused at their next click.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from bot.adapters.web import (
    admin_pages,
    concerns_pages,
    council_pages,
    invite_pages,
    person_pages,
    safety_pages,
    sessions_pages,
    stats_pages,
    studio_pages,
)
from bot.adapters.web.pages import Pages
from bot.adapters.web.security import (
    LARGEST_FORM,
    Cookies,
    csrf_matches,
    origin_allowed,
    see_other,
)
from bot.clock import Clock
from bot.domain.console import Page, home_page
from bot.domain.people import Role
from bot.services.caseload import PageNotForRole, do_view_caseload
from bot.services.console_login import (
    ConsoleUser,
    LinkRefused,
    SessionRefused,
    check_link,
    check_session,
    do_redeem_link,
    do_sign_out,
)
from bot.services.ports import UnitOfWorkFactory

OWN_STATIC = Path(__file__).resolve().parent / "static"
# The most fields a console form has is about a dozen (booking a session); more than this is
# not a form of ours. Kept well above, so a field added later is not refused as a bad form.
MOST_FIELDS = 40


@dataclass(frozen=True)
class ConsoleSettings:
    """Where the console is reached (its public base URL), where the GOV.UK files are, and
    the bot's Telegram username (for invite links; None when not known)."""

    public_url: str
    govuk: Path
    bot_username: str | None = None


class Console:
    """The handlers, sharing the unit of work factory, the clock, the cookie and the pages."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, settings: ConsoleSettings) -> None:
        self.uow, self.clock, self.settings = uow, clock, settings
        self.cookies = Cookies(settings.public_url)
        self.pages = Pages()

    async def _user(self, request: Request) -> ConsoleUser | None:
        session_id = self.cookies.read(request)
        if session_id is None:
            return None
        try:
            return await check_session(self.uow(), session_id, now=self.clock())
        except SessionRefused:
            return None

    async def _form(self, request: Request) -> dict[str, str] | None:
        body = await request.body()
        if len(body) > LARGEST_FORM:
            return None
        try:
            return dict(parse_qsl(body.decode("utf-8"), max_num_fields=MOST_FIELDS))
        except ValueError:
            return None

    def _refused(self, why: str) -> Response:
        return self.pages.render("refused.html", {"why": why}, status=403)

    async def home(self, request: Request) -> Response:
        """The caseload if signed in, else how to sign in."""
        user = await self._user(request)
        return see_other(_home(user.staff.role) if user else "/signed-out")

    async def signed_out(self, request: Request) -> Response:
        """How to sign in: send /console to the bot (and, after "Sign out", that it worked)."""
        return self.pages.render("signed_out.html", {"done": "done" in request.query_params})

    async def login_page(self, request: Request) -> Response:
        """A working link shows one button; opening it uses nothing up."""
        token = request.path_params["token"]
        try:
            await check_link(self.uow(), token, now=self.clock())
        except LinkRefused:
            return self._refused("link")
        return self.pages.render("login.html", {"action": request.url.path})

    async def login(self, request: Request) -> Response:
        """Use the link up, start a session, and open the caseload."""
        if not origin_allowed(request, self.settings.public_url):
            return self._refused("origin")
        try:
            signed_in = await do_redeem_link(
                self.uow(), request.path_params["token"], now=self.clock()
            )
        except LinkRefused:
            return self._refused("link")
        response = see_other(_home(signed_in.staff.role))
        self.cookies.set(response, signed_in.session_id)
        return response

    async def caseload(self, request: Request) -> Response:
        """The caseload page."""
        user = await self._user(request)
        if user is None:
            return see_other("/signed-out")
        try:
            page = await do_view_caseload(self.uow(), user.staff, now=self.clock())
        except PageNotForRole:
            return self._refused("role")
        values = {
            "page": "caseload",
            "caseload": page,
            "user": user.staff,
            "csrf_token": user.csrf_token,
        }
        return self.pages.render("caseload.html", values)

    async def sign_out(self, request: Request) -> Response:
        """End this session (the form carries its CSRF token)."""
        if not origin_allowed(request, self.settings.public_url):
            return self._refused("origin")
        session_id = self.cookies.read(request)
        user = await self._user(request)
        form = await self._form(request)
        if user is None or session_id is None:
            return see_other("/signed-out")
        if form is None or not csrf_matches(form, user.csrf_token):
            return self._refused("csrf")
        await do_sign_out(self.uow(), session_id, now=self.clock())
        response = see_other("/signed-out?done")
        self.cookies.clear(response)
        return response


def _home(role: Role) -> str:
    """The first page of their navigation (police liaison: the concerns shared with them)."""
    return f"/{(home_page(role) or Page.CASELOAD).value}"


def console_routes(
    uow: UnitOfWorkFactory, clock: Clock, settings: ConsoleSettings
) -> Sequence[BaseRoute]:
    """The console's routes, to serve alone or beside the webhook's."""
    console = Console(uow, clock, settings)
    return [
        Route("/", console.home, methods=["GET"]),
        Route("/signed-out", console.signed_out, methods=["GET"]),
        Route("/login/{token}", console.login_page, methods=["GET"]),
        Route("/login/{token}", console.login, methods=["POST"]),
        Route("/caseload", console.caseload, methods=["GET"]),
        Route("/sign-out", console.sign_out, methods=["POST"]),
        *person_pages.routes(console),
        *concerns_pages.routes(console),
        *stats_pages.routes(console),
        *sessions_pages.routes(console),
        *invite_pages.routes(console),
        *council_pages.routes(console),
        *admin_pages.routes(console),
        # Before the studio's: its /studio/{message_id} would take /studio/safety.
        *safety_pages.routes(console),
        *studio_pages.routes(console),
        Mount("/assets/govuk", app=StaticFiles(directory=settings.govuk), name="govuk"),
        Mount("/assets/console", app=StaticFiles(directory=OWN_STATIC), name="console"),
    ]


def console_app(uow: UnitOfWorkFactory, clock: Clock, settings: ConsoleSettings) -> Starlette:
    """The console on its own (`waypoint web`, the tests)."""
    return Starlette(routes=list(console_routes(uow, clock, settings)))
