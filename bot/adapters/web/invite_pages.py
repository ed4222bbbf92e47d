"""Making an invite link in the console (issue 15): a hub's manager or operator, for any of
its key workers, or a key worker for themselves. The route parses the form and calls
bot.services.invites.do_create_invite, the service `/invite` uses; the link is shown once,
on the answer to the POST (as Telegram shows it once), and never stored.

The form carries the code its invite will have (`invite_key`, made when the form is shown):
sending the form again (a reload of the answer) shows the same invite, not a second one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.adapters.web.security import HEADERS, csrf_matches, origin_allowed
from bot.domain.errors import (
    InviteWordingNotApproved,
    MayNotManageStaff,
    NotStaff,
    RoleMayNotInvite,
    WaypointError,
)
from bot.domain.invites import clean_first_name, new_code
from bot.domain.numbers import whole_number
from bot.services.console_invites import do_view_invite_form, may_make_invites
from bot.services.console_login import ConsoleUser
from bot.services.invites import do_create_invite
from bot.services.staff_words import staff_text

if TYPE_CHECKING:
    from bot.adapters.web.app import Console


# The form's hidden field that makes sending it twice make one invite.
KEY_FIELD = "invite_key"


class InvitePages:
    """The handlers for making an invite link."""

    def __init__(self, console: Console) -> None:
        self.console = console

    async def _maker(self, request: Request) -> ConsoleUser | Response:
        user = await self.console._user(request)
        if user is None:
            return RedirectResponse("/signed-out", status_code=303, headers=dict(HEADERS))
        if not may_make_invites(user.staff.role):
            return self.console._refused("role")
        return user

    async def _page(
        self,
        user: ConsoleUser,
        values: Mapping[str, Any],
        *,
        errors: Mapping[str, str] | None = None,
        problem: str | None = None,
    ) -> Response:
        now = self.console.clock()
        try:
            form = await do_view_invite_form(self.console.uow(), user.staff, now=now)
        except (MayNotManageStaff, NotStaff):
            return self.console._refused("role")
        page = {
            "page": "admin",
            "user": user.staff,
            "csrf_token": user.csrf_token,
            "workers": form.workers,
            "zone": form.zone,
            "bot_known": self.console.settings.bot_username is not None,
            "errors": errors or {},
            "problem": problem,
            # A refusal whose words carry values (the wording not approved yet), said in full.
            "problem_text": None,
            "form": {},
            "made": None,
            **values,
        }
        page["invite_key"] = page["form"].get(KEY_FIELD) or new_code()
        status = 400 if errors or problem else 200
        return self.console.pages.render("admin_invite_new.html", page, status=status)

    async def new(self, request: Request) -> Response:
        """The form: a first name and the key worker."""
        user = await self._maker(request)
        if isinstance(user, Response):
            return user
        return await self._page(user, {})

    async def create(self, request: Request) -> Response:
        """Make it (what `/invite` does) and show its link, once."""
        if not origin_allowed(request, self.console.settings.public_url):
            return self.console._refused("origin")
        user = await self._maker(request)
        if isinstance(user, Response):
            return user
        form = await self.console._form(request)
        if form is None or not csrf_matches(form, user.csrf_token):
            return self.console._refused("csrf")
        username = self.console.settings.bot_username
        if username is None:
            return await self._page(user, {"form": form}, problem="bot_unknown")
        worker, errors = _asked(form)
        if worker is None:
            return await self._page(user, {"form": form}, errors=errors)
        return await self._make(user, form, worker, username)

    async def _make(
        self, user: ConsoleUser, form: Mapping[str, str], worker: int, username: str
    ) -> Response:
        try:
            made = await do_create_invite(
                self.console.uow(),
                worker_telegram_id=user.staff.telegram_user_id,
                first_name=form.get("first_name", ""),
                for_worker_id=worker,
                link_as=username,
                now=self.console.clock(),
                code=form.get(KEY_FIELD) or None,
                console_url=self.console.settings.public_url,
            )
        except (MayNotManageStaff, NotStaff):
            return self.console._refused("role")
        except RoleMayNotInvite:
            return await self._page(user, {"form": form}, errors={"worker": "worker"})
        except InviteWordingNotApproved as error:
            # Its words name the messages and the studio's link: the staff wording says it.
            async with self.console.uow().reading() as work:
                catalogue = work.postbox.catalogue
            said = staff_text(catalogue, error.message_id, **error.values)
            values = {"form": form, "problem_text": said}
            return await self._page(user, values, problem=error.message_id)
        except WaypointError as error:
            return await self._page(user, {"form": form}, problem=error.message_id)
        return await self._page(user, {"made": made})


def _asked(form: Mapping[str, str]) -> tuple[int | None, dict[str, str]]:
    """The chosen key worker's id, or what is wrong with each field."""
    errors = {}
    if clean_first_name(form.get("first_name", "")) is None:
        errors["first_name"] = "first_name"
    worker = whole_number(form.get("worker", ""), low=1)
    if worker is None:
        errors["worker"] = "worker"
    return (None if errors else worker), errors


def routes(console: Console) -> list[BaseRoute]:
    """Making an invite link."""
    pages = InvitePages(console)
    return [
        Route("/admin/invites/new", pages.new, methods=["GET"]),
        Route("/admin/invites/new", pages.create, methods=["POST"]),
    ]
