"""The console's *Sessions* page (issue 15): a week of sessions, and booking, moving,
cancelling and marking them through the services Telegram and the CLI use.

Each route reads the request, calls one service and renders; a POST checks the Origin and
the session's CSRF token, then redirects (303) to the week with a banner saying what was done.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

import bot.adapters.web.paths  # noqa: F401  (registers `{name:id}`)
from bot.adapters.web.security import (
    LARGEST_FORM,
    csrf_matches,
    origin_allowed,
    see_other,
)
from bot.domain.errors import (
    MayNotBookSession,
    NoSuchSession,
    NotForTheirRole,
    SessionNotChangeable,
    SessionNotMarkable,
    SessionRefused,
    YoungPersonNotFound,
)
from bot.domain.numbers import calendar_day, whole_number
from bot.services.console_login import ConsoleUser
from bot.services.missed import do_mark
from bot.services.session_weeks import (
    FormErrors,
    Scope,
    WithWhomRefused,
    do_booking_form,
    do_console_book,
    do_view_session,
    do_view_week,
    read_booking,
    read_day_time,
)
from bot.services.sessions import do_cancel, do_move

if TYPE_CHECKING:
    from bot.adapters.web.app import Console

# The booking form has ten fields; a little room beside them.
MOST_FIELDS = 20
PAGE = "sessions"


def _session_id(request: Request) -> int:
    number: int = request.path_params["session_id"]
    return number


class SessionPages:
    """The Sessions page's handlers, sharing the console's unit of work, clock and pages."""

    def __init__(self, console: Console) -> None:
        self.console = console

    def _now(self) -> datetime:
        return self.console.clock()

    def _render(
        self, user: ConsoleUser, name: str, values: dict[str, Any], *, status: int = 200
    ) -> Response:
        page = {"page": PAGE, "user": user.staff, "csrf_token": user.csrf_token, **values}
        return self.console.pages.render(name, page, status=status)

    def _missing(self, user: ConsoleUser) -> Response:
        return self._render(user, "sessions_missing.html", {}, status=404)

    async def _posted(self, request: Request) -> tuple[ConsoleUser, dict[str, str]] | Response:
        """The signed-in member of staff and their form, if it came from this console with
        this session's CSRF token; else the response that refuses it."""
        if not origin_allowed(request, self.console.settings.public_url):
            return self.console._refused("origin")
        user = await self.console._user(request)
        if user is None:
            return see_other("/signed-out")
        body = await request.body()
        try:
            form = (
                dict(parse_qsl(body.decode("utf-8"), max_num_fields=MOST_FIELDS))
                if len(body) <= LARGEST_FORM
                else None
            )
        except ValueError:
            form = None
        if form is None or not csrf_matches(form, user.csrf_token):
            return self.console._refused("csrf")
        return user, form

    async def week(self, request: Request) -> Response:
        """A week of sessions: ?week=<a day in it>&scope=mine|hub&done=<what was just done>."""
        user = await self.console._user(request)
        if user is None:
            return see_other("/signed-out")
        query = request.query_params
        try:
            scope = Scope(query["scope"]) if "scope" in query else None
        except ValueError:
            scope = None
        try:
            week = await do_view_week(
                self.console.uow(),
                user.staff,
                monday=calendar_day(query.get("week")),
                scope=scope,
                worker=whole_number(query.get("worker")),
                now=self._now(),
            )
        except NotForTheirRole:
            return self.console._refused("role")
        return self._render(user, "sessions_week.html", {"week": week, "done": query.get("done")})

    async def _book_page(
        self,
        user: ConsoleUser,
        values: dict[str, str],
        errors: FormErrors | None = None,
    ) -> Response:
        form = await do_booking_form(self.console.uow(), user.staff, now=self._now())
        status = 400 if errors else 200
        return self._render(
            user,
            "sessions_book.html",
            {"form": form, "values": values, "errors": (errors or FormErrors()).fields},
            status=status,
        )

    async def book_page(self, request: Request) -> Response:
        """The booking form; ?young_person=ID chooses the young person."""
        user = await self.console._user(request)
        if user is None:
            return see_other("/signed-out")
        chosen = {"young_person": request.query_params.get("young_person", "")}
        try:
            return await self._book_page(user, chosen)
        except NotForTheirRole:
            return self.console._refused("role")

    async def book(self, request: Request) -> Response:
        """Book the session; the young person is told at once."""
        posted = await self._posted(request)
        if isinstance(posted, Response):
            return posted
        user, form = posted
        try:
            return await self._book(user, form)
        except NotForTheirRole:
            return self.console._refused("role")

    async def _book(self, user: ConsoleUser, form: dict[str, str]) -> Response:
        read = read_booking(form)
        if isinstance(read, FormErrors):
            return await self._book_page(user, form, read)
        try:
            booked = await do_console_book(self.console.uow(), user.staff, read, now=self._now())
        except (YoungPersonNotFound, MayNotBookSession):
            errors = FormErrors({"young_person": "not_theirs"})
        except WithWhomRefused:
            errors = FormErrors({"with": "not_at_hub"})
        except SessionRefused as refused:
            errors = FormErrors({"day": refused.message_id})
        else:
            week = read.local_start.date().isoformat()
            return see_other("/sessions", week=week, done="booked", session=str(booked.session_id))
        return await self._book_page(user, form, errors)

    async def _one(
        self, user: ConsoleUser, request: Request, name: str, **values: Any
    ) -> Response:
        try:
            shown, zone = await do_view_session(
                self.console.uow(), user.staff, _session_id(request), now=self._now()
            )
        except NotForTheirRole:
            return self.console._refused("role")
        except NoSuchSession:
            return self._missing(user)
        if values.pop("prefill", False):
            start = shown.local_start
            values["values"] = {"day": start.date().isoformat(), "time": f"{start:%H:%M}"}
        page = {"session": shown, "zone": zone, "errors": {}, "values": {}, **values}
        return self._render(user, name, page, status=400 if page["errors"] else 200)

    async def move_page(self, request: Request) -> Response:
        """The form to move a session."""
        user = await self.console._user(request)
        if user is None:
            return see_other("/signed-out")
        return await self._one(user, request, "sessions_move.html", prefill=True)

    async def move(self, request: Request) -> Response:
        """Move the session: its reminders are worked out again, the young person told."""
        posted = await self._posted(request)
        if isinstance(posted, Response):
            return posted
        user, form = posted
        errors = FormErrors()
        start = read_day_time(form, errors)
        if start is None:
            return await self._one(
                user, request, "sessions_move.html", errors=errors.fields, values=form
            )
        try:
            moved = await do_move(
                self.console.uow(), user.staff, _session_id(request), start, now=self._now()
            )
        except NoSuchSession:
            return self._missing(user)
        except SessionNotChangeable:
            return see_other("/sessions", done="not_changeable")
        except SessionRefused as refused:
            errors.fields["day"] = refused.message_id
            return await self._one(
                user, request, "sessions_move.html", errors=errors.fields, values=form
            )
        week = start.date().isoformat()
        return see_other("/sessions", week=week, done="moved", session=str(moved.session_id))

    async def cancel_page(self, request: Request) -> Response:
        """Are you sure: this session, or the weeks after it too."""
        user = await self.console._user(request)
        if user is None:
            return see_other("/signed-out")
        return await self._one(user, request, "sessions_cancel.html")

    async def cancel(self, request: Request) -> Response:
        """Cancel the session (or the series): its reminders withdrawn, the young person told."""
        posted = await self._posted(request)
        if isinstance(posted, Response):
            return posted
        user, form = posted
        week = form.get("week", "")
        try:
            await do_cancel(
                self.console.uow(),
                user.staff,
                _session_id(request),
                now=self._now(),
                series=form.get("series") == "yes",
            )
        except NoSuchSession:
            return self._missing(user)
        except SessionNotChangeable:
            return see_other("/sessions", week=week, done="not_changeable")
        return see_other("/sessions", week=week, done="cancelled")

    async def mark(self, request: Request) -> Response:
        """Seen or not seen, for a session that has begun."""
        posted = await self._posted(request)
        if isinstance(posted, Response):
            return posted
        user, form = posted
        week = form.get("week", "")
        seen = form.get("seen") == "yes"
        try:
            await do_mark(
                self.console.uow(), user.staff, _session_id(request), seen=seen, now=self._now()
            )
        except NoSuchSession:
            return self._missing(user)
        except SessionNotMarkable:
            return see_other("/sessions", week=week, done="not_markable")
        return see_other("/sessions", week=week, done="seen" if seen else "not_seen")


def routes(console: Console) -> list[BaseRoute]:
    """The Sessions page's routes."""
    pages = SessionPages(console)
    return [
        Route("/sessions", pages.week, methods=["GET"]),
        Route("/sessions/book", pages.book_page, methods=["GET"]),
        Route("/sessions/book", pages.book, methods=["POST"]),
        Route("/sessions/{session_id:id}/move", pages.move_page, methods=["GET"]),
        Route("/sessions/{session_id:id}/move", pages.move, methods=["POST"]),
        Route("/sessions/{session_id:id}/cancel", pages.cancel_page, methods=["GET"]),
        Route("/sessions/{session_id:id}/cancel", pages.cancel, methods=["POST"]),
        Route("/sessions/{session_id:id}/mark", pages.mark, methods=["POST"]),
    ]
