"""The console's *Concerns* pages: the open concerns, one concern with its chronology, and
acknowledging, closing and exporting it. Each route parses, calls one service, renders; the
rules and the audit are the services' (bot.services.concern_pages and concern_view; for
acknowledging and closing, the same services Telegram's "I've got this" and `/close` call)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

import bot.adapters.web.paths  # noqa: F401  (registers `{name:id}`)
from bot.adapters.web.security import HEADERS, csrf_matches, origin_allowed, see_other
from bot.domain.errors import (
    ConcernAlreadyTaken,
    ConcernAlreadyYours,
    ConcernAtAnotherHub,
    ConcernNotForRole,
    ConcernNotVisible,
    MayNotCloseConcern,
    NoSuchConcern,
)
from bot.services.caseload import PageNotForRole
from bot.services.concern_pages import do_view_concerns
from bot.services.concern_records import CloseConcern, do_close_concern
from bot.services.concern_view import do_export_concern, do_view_concern, outcome_problem
from bot.services.concerns import do_acknowledge
from bot.services.console_login import ConsoleUser

if TYPE_CHECKING:
    from bot.adapters.web.app import Console

# The banners a page shows after an action (its ?done=), and nothing else.
BANNERS = frozenset({"acknowledged", "already", "closed"})


def since(waiting: timedelta) -> str:
    """How long ago, as staff read it at a glance: "45 min", "3 h 5 min", "2 days 4 h"."""
    minutes = int(waiting.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} day{'s' if days > 1 else ''} {hours} h"
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"


def _why(error: ConcernNotVisible) -> tuple[str, int]:
    """The refusal page's reason, and its status (a concern not found is a 404)."""
    if isinstance(error, NoSuchConcern):
        return "missing", 404
    if isinstance(error, ConcernNotForRole):
        return "role", 403
    if isinstance(error, ConcernAtAnotherHub):
        return "hub", 403
    return "not_theirs", 403


class ConcernPages:
    """The routes, sharing the console's session checks and pages."""

    def __init__(self, console: Console) -> None:
        self.console = console

    def _values(self, user: ConsoleUser, **values: object) -> dict[str, object]:
        return {"page": "concerns", "user": user.staff, "csrf_token": user.csrf_token} | values

    def _refused(self, user: ConsoleUser, error: ConcernNotVisible) -> Response:
        why, status = _why(error)
        values = self._values(user, why=why, concern_id=error.values.get("id", ""))
        return self.console.pages.render("concerns_refused.html", values, status=status)

    async def listing(self, request: Request) -> Response:
        """The open concerns this member of staff may see."""
        user = await self.console._user(request)
        if user is None:
            return see_other("/signed-out")
        try:
            listed = await do_view_concerns(
                self.console.uow(), user.staff, now=self.console.clock()
            )
        except PageNotForRole:
            return self.console._refused("role")
        values = self._values(user, listed=listed, since=since)
        return self.console.pages.render("concerns_list.html", values)

    async def _page(
        self, user: ConsoleUser, concern_id: int, *, status: int = 200, **extra: object
    ) -> Response:
        try:
            shown = await do_view_concern(
                self.console.uow(), user.staff, concern_id, now=self.console.clock()
            )
        except ConcernNotVisible as error:
            return self._refused(user, error)
        values = self._values(user, shown=shown, since=since, **extra)
        return self.console.pages.render("concerns_one.html", values, status=status)

    async def one(self, request: Request) -> Response:
        """One concern, with its chronology and what this member of staff may do with it."""
        user = await self.console._user(request)
        if user is None:
            return see_other("/signed-out")
        done = request.query_params.get("done")
        banner = done if done in BANNERS else None
        concern_id = request.path_params["concern_id"]
        return await self._page(user, concern_id, banner=banner, errors={}, outcome="")

    async def _checked(self, request: Request) -> tuple[ConsoleUser, dict[str, str]] | Response:
        """The user and the form of a POST from this console, or the response refusing it."""
        if not origin_allowed(request, self.console.settings.public_url):
            return self.console._refused("origin")
        user = await self.console._user(request)
        if user is None:
            return see_other("/signed-out")
        form = await self.console._form(request)
        if form is None or not csrf_matches(form, user.csrf_token):
            return self.console._refused("csrf")
        return user, form

    async def acknowledge(self, request: Request) -> Response:
        """ "I've got this", as the alert's button: the ladder stops, the young person is told."""
        checked = await self._checked(request)
        if isinstance(checked, Response):
            return checked
        user, _ = checked
        concern_id = request.path_params["concern_id"]
        done = "acknowledged"
        try:
            await do_acknowledge(
                self.console.uow(),
                user.staff,
                concern_id,
                call_me=False,
                now=self.console.clock(),
            )
        except (ConcernAlreadyYours, ConcernAlreadyTaken):
            done = "already"
        except ConcernNotVisible as error:
            return self._refused(user, error)
        return see_other(f"/concerns/{concern_id}?done={done}")

    async def close(self, request: Request) -> Response:
        """Close it with what was done (the outcome goes in its chronology), as `/close`."""
        checked = await self._checked(request)
        if isinstance(checked, Response):
            return checked
        user, form = checked
        concern_id = request.path_params["concern_id"]
        outcome = form.get("outcome", "")
        problem = outcome_problem(outcome)
        if problem is not None:
            errors = {"outcome": problem}
            return await self._page(
                user, concern_id, status=400, banner=None, errors=errors, outcome=outcome
            )
        try:
            await do_close_concern(
                self.console.uow(),
                user.staff,
                CloseConcern(concern_id, outcome.strip()),
                now=self.console.clock(),
            )
        except MayNotCloseConcern:
            why = {"why": "close", "concern_id": str(concern_id)}
            values = self._values(user, **why)
            return self.console.pages.render("concerns_refused.html", values, status=403)
        except ConcernNotVisible as error:
            return self._refused(user, error)
        return see_other(f"/concerns/{concern_id}?done=closed")

    async def export(self, request: Request) -> Response:
        """The case-file record as a text file to save (the export is audited)."""
        user = await self.console._user(request)
        if user is None:
            return see_other("/signed-out")
        try:
            exported = await do_export_concern(
                self.console.uow(),
                user.staff,
                request.path_params["concern_id"],
                now=self.console.clock(),
            )
        except ConcernNotVisible as error:
            return self._refused(user, error)
        headers = dict(HEADERS) | {
            "Content-Disposition": f'attachment; filename="{exported.filename}"'
        }
        return Response(exported.text, media_type="text/plain; charset=utf-8", headers=headers)


def routes(console: Console) -> list[BaseRoute]:
    """The Concerns pages' routes."""
    pages = ConcernPages(console)
    return [
        Route("/concerns", pages.listing, methods=["GET"]),
        Route("/concerns/{concern_id:id}", pages.one, methods=["GET"]),
        Route("/concerns/{concern_id:id}/acknowledge", pages.acknowledge, methods=["POST"]),
        Route("/concerns/{concern_id:id}/close", pages.close, methods=["POST"]),
        Route("/concerns/{concern_id:id}/export", pages.export, methods=["GET"]),
    ]
