"""The console's *Hub administration* pages (issue 15), for a hub's managers and operators:
its staff (change a role or hub, mark as left), its young people's named workers, its invite
links, and its council's settings. Each route parses the form, calls one service
(bot.services.hub_admin, or bot.services.staff_admin as `/invites` and `/revoke` do) and
renders; a change is a POST with the session's CSRF token that redirects (303) to a page
with a success banner. Anyone else is refused every page and every action.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.adapters.web.security import csrf_matches, origin_allowed, see_other
from bot.domain.access import roles_granted_by
from bot.domain.errors import InviteNotFound, MayNotManageStaff, NotStaff, WaypointError
from bot.domain.numbers import calendar_day, whole_number
from bot.domain.people import Role
from bot.services.console_login import ConsoleUser
from bot.services.hub_admin import (
    NewColleague,
    do_add_colleague,
    do_change_staff,
    do_mark_left,
    do_reassign_young_person,
    do_view_council,
    do_view_staff,
    do_view_young_people,
    may_administer,
)
from bot.services.hub_audit import KINDS, AuditFilter, do_view_audit
from bot.services.hub_outbox import MessageNotFound, do_retry_undelivered, do_view_undelivered
from bot.services.staff_admin import do_list_invites, do_revoke_command

if TYPE_CHECKING:
    from bot.adapters.web.app import Console

# What a success banner says is in the templates, by these keys (never a name in the URL).
DONE = frozenset({"added", "left", "moved", "reassigned", "revoked", "retried"})


class AdminPages:
    """The hub administration handlers, on the console's unit of work, clock and pages."""

    def __init__(self, console: Console) -> None:
        self.console = console

    async def _admin(self, request: Request) -> ConsoleUser | Response:
        """The signed-in manager or operator, or the response that turns anyone else away."""
        user = await self.console._user(request)
        if user is None:
            return see_other("/signed-out")
        if not may_administer(user.staff.role):
            return self.console._refused("role")
        return user

    async def _posted(self, request: Request) -> tuple[ConsoleUser, dict[str, str]] | Response:
        """A manager's form from the console's own page, with this session's CSRF token."""
        if not origin_allowed(request, self.console.settings.public_url):
            return self.console._refused("origin")
        user = await self._admin(request)
        if isinstance(user, Response):
            return user
        form = await self.console._form(request)
        if form is None or not csrf_matches(form, user.csrf_token):
            return self.console._refused("csrf")
        return user, form

    def _render(
        self, name: str, user: ConsoleUser, values: Mapping[str, Any], *, status: int = 200
    ) -> Response:
        page = {
            "page": "admin",
            "user": user.staff,
            "csrf_token": user.csrf_token,
            "errors": {},
            "problem": None,
            **values,
        }
        return self.console.pages.render(f"admin_{name}.html", page, status=status)

    def _now(self) -> datetime:
        return self.console.clock()

    async def staff(self, request: Request) -> Response:
        """The hub's staff."""
        user = await self._admin(request)
        if isinstance(user, Response):
            return user
        hub = await do_view_staff(self.console.uow(), user.staff, now=self._now())
        return self._render("staff", user, {"hub": hub, "done": _done(request)})

    async def new_staff(self, request: Request) -> Response:
        """The form to add a member of staff to this hub."""
        user = await self._admin(request)
        if isinstance(user, Response):
            return user
        return self._new_staff_page(user, {}, {})

    def _new_staff_page(
        self,
        user: ConsoleUser,
        form: Mapping[str, str],
        errors: Mapping[str, str],
        problem: str | None = None,
    ) -> Response:
        values = {
            "form": form,
            "errors": errors,
            "problem": problem,
            "roles": _grantable(user),
        }
        status = 400 if errors or problem else 200
        return self._render("add_staff", user, values, status=status)

    async def add_staff(self, request: Request) -> Response:
        """Add them (what `waypoint staff add` does, at this hub only)."""
        posted = await self._posted(request)
        if isinstance(posted, Response):
            return posted
        user, form = posted
        new, errors = _new_colleague(form)
        if new is None:
            return self._new_staff_page(user, form, errors)
        try:
            await do_add_colleague(self.console.uow(), user.staff, new, now=self._now())
        except (MayNotManageStaff, NotStaff):
            return self.console._refused("role")
        except WaypointError as error:
            return self._new_staff_page(user, form, {}, error.message_id)
        return see_other("/admin/staff?done=added")

    async def one_staff(self, request: Request, *, confirm: bool = False) -> Response:
        """One member of staff: change their role or hub, or mark them as left."""
        user = await self._admin(request)
        if isinstance(user, Response):
            return user
        return await self._staff_page(user, request.path_params["staff_id"], confirm=confirm)

    async def leave_page(self, request: Request) -> Response:
        """ "Are you sure?" before marking someone as left."""
        return await self.one_staff(request, confirm=True)

    async def _staff_page(
        self,
        user: ConsoleUser,
        staff_id: str,
        *,
        confirm: bool = False,
        errors: Mapping[str, str] | None = None,
        problem: str | None = None,
    ) -> Response:
        hub = await do_view_staff(self.console.uow(), user.staff, now=self._now())
        number = whole_number(staff_id)
        found = [row for row in hub.rows if row.id == number and not row.is_you]
        if not found:
            return _missing(self.console)
        values = {
            "hub": hub,
            "member": found[0],
            "roles": _grantable(user),
            "errors": errors or {},
            "problem": problem,
        }
        status = 400 if errors or problem else 200
        name = "leave" if confirm else "member"
        return self._render(name, user, values, status=status)

    async def leave(self, request: Request) -> Response:
        """Mark them as left (what `/leave` does), then back to the staff with a banner."""
        posted = await self._posted(request)
        if isinstance(posted, Response):
            return posted
        user, _ = posted
        staff_id = whole_number(request.path_params["staff_id"]) or 0
        try:
            await do_mark_left(self.console.uow(), user.staff, staff_id, now=self._now())
        except (MayNotManageStaff, NotStaff):
            return self.console._refused("role")
        except WaypointError as error:
            return await self._staff_page(
                user, request.path_params["staff_id"], confirm=True, problem=error.message_id
            )
        return see_other("/admin/staff?done=left")

    async def move(self, request: Request) -> Response:
        """A new role and/or hub (what `/move` does)."""
        posted = await self._posted(request)
        if isinstance(posted, Response):
            return posted
        user, form = posted
        staff_id = request.path_params["staff_id"]
        role_text, hub = form.get("role", "").strip(), form.get("hub", "").strip() or None
        role = Role(role_text) if role_text in set(Role) else None
        errors = {}
        if role_text and role is None:
            errors["role"] = "role"
        if role is None and hub is None and not errors:
            errors["role"] = "nothing"
        if errors:
            return await self._staff_page(user, staff_id, errors=errors)
        try:
            await do_change_staff(
                self.console.uow(),
                user.staff,
                whole_number(staff_id) or 0,
                role=role,
                hub=hub,
                now=self._now(),
            )
        except (MayNotManageStaff, NotStaff):
            return self.console._refused("role")
        except WaypointError as error:
            return await self._staff_page(user, staff_id, problem=error.message_id)
        return see_other("/admin/staff?done=moved")

    async def young_people(self, request: Request) -> Response:
        """The hub's young people and their named workers."""
        user = await self._admin(request)
        if isinstance(user, Response):
            return user
        return await self._young_people_page(user, request)

    async def _young_people_page(
        self,
        user: ConsoleUser,
        request: Request,
        *,
        errors: Mapping[str, str] | None = None,
        problem: str | None = None,
    ) -> Response:
        hub = await do_view_young_people(self.console.uow(), user.staff, now=self._now())
        values = {"hub": hub, "done": _done(request), "errors": errors or {}, "problem": problem}
        status = 400 if errors or problem else 200
        return self._render("young_people", user, values, status=status)

    async def reassign(self, request: Request) -> Response:
        """A new named worker for one young person (what `/reassign` does)."""
        posted = await self._posted(request)
        if isinstance(posted, Response):
            return posted
        user, form = posted
        person = request.path_params["young_person_id"]
        worker = whole_number(form.get("worker", ""))
        if worker is None:
            return await self._young_people_page(user, request, errors={person: "worker"})
        try:
            await do_reassign_young_person(
                self.console.uow(), user.staff, whole_number(person) or 0, worker, now=self._now()
            )
        except (MayNotManageStaff, NotStaff):
            return self.console._refused("role")
        except WaypointError as error:
            return await self._young_people_page(user, request, problem=error.message_id)
        return see_other("/admin/young-people?done=reassigned")

    async def invites(self, request: Request) -> Response:
        """The hub's invite links that still work (what `/invites` lists)."""
        user = await self._admin(request)
        if isinstance(user, Response):
            return user
        return await self._invites_page(user, request)

    async def _invites_page(
        self, user: ConsoleUser, request: Request, *, problem: str | None = None
    ) -> Response:
        invites = await do_list_invites(self.console.uow(), user.staff, now=self._now())
        zone = (await do_view_council(self.console.uow(), user.staff, now=self._now())).timezone
        values = {"invites": invites, "zone": zone, "done": _done(request), "problem": problem}
        return self._render("invites", user, values, status=400 if problem else 200)

    async def revoke(self, request: Request) -> Response:
        """Withdraw one invite link (what `/revoke` does)."""
        posted = await self._posted(request)
        if isinstance(posted, Response):
            return posted
        user, _ = posted
        number = whole_number(request.path_params["invite_id"]) or 0
        try:
            await do_revoke_command(self.console.uow(), user.staff, number, now=self._now())
        except (MayNotManageStaff, NotStaff):
            return self.console._refused("role")
        except InviteNotFound:
            return _missing(self.console)
        except WaypointError as error:
            return await self._invites_page(user, request, problem=error.message_id)
        return see_other("/admin/invites?done=revoked")

    async def undelivered(self, request: Request) -> Response:
        """The hub's messages that could not be delivered: who and why, never the words."""
        user = await self._admin(request)
        if isinstance(user, Response):
            return user
        return await self._undelivered_page(user, request)

    async def _undelivered_page(
        self, user: ConsoleUser, request: Request, *, problem: str | None = None
    ) -> Response:
        found = await do_view_undelivered(self.console.uow(), user.staff, now=self._now())
        values = {"undelivered": found, "done": _done(request), "problem": problem}
        return self._render("undelivered", user, values, status=400 if problem else 200)

    async def retry(self, request: Request) -> Response:
        """Queue one failed message again (what `waypoint outbox retry` does)."""
        posted = await self._posted(request)
        if isinstance(posted, Response):
            return posted
        user, _ = posted
        number = whole_number(request.path_params["outbox_id"]) or 0
        try:
            await do_retry_undelivered(self.console.uow(), user.staff, number, now=self._now())
        except (MayNotManageStaff, NotStaff):
            return self.console._refused("role")
        except MessageNotFound:
            return _missing(self.console)
        except WaypointError as error:
            return await self._undelivered_page(user, request, problem=error.message_id)
        return see_other("/admin/undelivered?done=retried")

    async def audit(self, request: Request) -> Response:
        """The hub's audit log, filtered, a page at a time (a GET form: no CSRF needed)."""
        user = await self._admin(request)
        if isinstance(user, Response):
            return user
        asked, errors = _audit_filter(request.query_params)
        found = await do_view_audit(self.console.uow(), user.staff, asked, now=self._now())
        values = {
            "log": found,
            "asked": asked,
            "kinds": KINDS,
            "errors": errors,
            "query": {k: v for k, v in request.query_params.items() if k != "page"},
        }
        return self._render("audit", user, values, status=400 if errors else 200)

    async def home(self, request: Request) -> Response:
        """The first administration page."""
        user = await self._admin(request)
        return user if isinstance(user, Response) else see_other("/admin/staff")


def _missing(console: Console) -> Response:
    """Nothing of this hub has that number (another hub's is answered so too)."""
    return console.pages.render("refused.html", {"why": "missing"}, status=404)


def _grantable(user: ConsoleUser) -> list[str]:
    """The roles this manager or operator may give (bot.domain.access.roles_granted_by)."""
    granted = roles_granted_by(user.staff.role)
    return [role.value for role in Role if role in granted]


def _new_colleague(form: Mapping[str, str]) -> tuple[NewColleague | None, dict[str, str]]:
    """A new member of staff from the form, or what is wrong with each field."""
    errors = {}
    name = " ".join(form.get("name", "").split())
    if not name or len(name) > 100:
        errors["name"] = "name"
    telegram_id = whole_number(form.get("telegram_id", ""), low=1)
    if telegram_id is None:
        errors["telegram_id"] = "telegram_id"
    role_text = form.get("role", "")
    if role_text not in set(Role):
        errors["role"] = "role"
    if errors or telegram_id is None:
        return None, errors
    return NewColleague(telegram_id, name, Role(role_text)), errors


def _audit_filter(params: Mapping[str, str]) -> tuple[AuditFilter, dict[str, str]]:
    """The audit log's filters from the query string; a bad date is an error, not a guess
    (and is then left out)."""
    errors: dict[str, str] = {}
    days: dict[str, date | None] = {}
    for name in ("since", "until"):
        text = params.get(name, "").strip()
        days[name] = calendar_day(text) if text else None
        if text and days[name] is None:
            errors[name] = "date"
    if days["since"] and days["until"] and days["since"] > days["until"]:
        errors["until"] = "order"
    page = whole_number(params.get("page", "1"), low=1, high=10_000) or 1
    kind = params.get("kind") or None
    asked = AuditFilter(
        staff_id=whole_number(params.get("staff", "")),
        kind=kind if kind in KINDS else None,
        young_person_id=whole_number(params.get("young_person", "")),
        since=days["since"],
        until=None if "until" in errors else days["until"],
        page=page,
    )
    return asked, errors


def _done(request: Request) -> str | None:
    done = request.query_params.get("done")
    return done if done in DONE else None


def routes(console: Console) -> list[BaseRoute]:
    """The hub administration routes."""
    admin = AdminPages(console)
    return [
        Route("/admin", admin.home, methods=["GET"]),
        Route("/admin/staff", admin.staff, methods=["GET"]),
        Route("/admin/staff/new", admin.new_staff, methods=["GET"]),
        Route("/admin/staff/new", admin.add_staff, methods=["POST"]),
        Route("/admin/staff/{staff_id}", admin.one_staff, methods=["GET"]),
        Route("/admin/staff/{staff_id}/move", admin.move, methods=["POST"]),
        Route("/admin/staff/{staff_id}/leave", admin.leave_page, methods=["GET"]),
        Route("/admin/staff/{staff_id}/leave", admin.leave, methods=["POST"]),
        Route("/admin/young-people", admin.young_people, methods=["GET"]),
        Route("/admin/young-people/{young_person_id}/reassign", admin.reassign, methods=["POST"]),
        Route("/admin/invites", admin.invites, methods=["GET"]),
        Route("/admin/invites/{invite_id}/revoke", admin.revoke, methods=["POST"]),
        Route("/admin/undelivered", admin.undelivered, methods=["GET"]),
        Route("/admin/undelivered/{outbox_id}/retry", admin.retry, methods=["POST"]),
        Route("/admin/audit", admin.audit, methods=["GET"]),
    ]
