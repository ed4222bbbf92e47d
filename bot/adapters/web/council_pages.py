"""The council's settings in the console (issue 15): a manager or operator of any of its hubs
reads them and changes them (bot.domain.access.may_change_council_settings) through
bot.services.councils.do_change_council, the service `waypoint council set` uses; the form's
POST carries the session's CSRF token and redirects (303) to the page with a banner."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.adapters.web.admin_pages import AdminPages
from bot.adapters.web.security import HEADERS
from bot.domain.errors import MayNotManageStaff, NotStaff, SetupError
from bot.domain.numbers import whole_number
from bot.services.console_login import ConsoleUser
from bot.services.councils import CouncilChange, do_change_council, office_hours, quiet_hours
from bot.services.hub_admin import CouncilSettings, do_view_council

if TYPE_CHECKING:
    from bot.adapters.web.app import Console

PHONE_CHARACTERS = frozenset("0123456789 +()-")


class CouncilPages(AdminPages):
    """Read and change the council's settings (managers and operators only, as every
    administration page)."""

    async def council(self, request: Request) -> Response:
        """The settings, and the form to change them."""
        user = await self._admin(request)
        if isinstance(user, Response):
            return user
        settings = await do_view_council(self.console.uow(), user.staff, now=self._now())
        done = "council" if request.query_params.get("done") == "council" else None
        return self._page(user, settings, _as_form(settings), {}, done=done)

    def _page(
        self,
        user: ConsoleUser,
        settings: CouncilSettings,
        form: Mapping[str, str],
        errors: Mapping[str, str],
        *,
        done: str | None = None,
    ) -> Response:
        values: dict[str, Any] = {"settings": settings, "form": form, "errors": errors}
        values["done"] = done
        return self._render("council", user, values, status=400 if errors else 200)

    async def change(self, request: Request) -> Response:
        """Change them (what `waypoint council set` does), then back with a banner."""
        posted = await self._posted(request)
        if isinstance(posted, Response):
            return posted
        user, form = posted
        settings = await do_view_council(self.console.uow(), user.staff, now=self._now())
        change, errors = council_change(form)
        if change is None:
            return self._page(user, settings, form, errors)
        try:
            await do_change_council(
                self.console.uow(),
                settings.council_name,
                change,
                now=self._now(),
                by_staff_id=user.staff.staff_id,
            )
        except (MayNotManageStaff, NotStaff):
            return self.console._refused("role")
        return RedirectResponse(
            "/admin/council?done=council", status_code=303, headers=dict(HEADERS)
        )


def _as_form(settings: CouncilSettings) -> dict[str, str]:
    return {
        "office_hours": "{}-{}".format(*settings.office_hours),
        "minutes_high": str(settings.minutes_high),
        "minutes_other": str(settings.minutes_other),
        "on_call_first": "yes" if settings.on_call_first else "no",
        "quiet_hours": "{}-{}".format(*settings.quiet_hours),
        "out_of_hours_phone": settings.out_of_hours_phone or "",
    }


def council_change(form: Mapping[str, str]) -> tuple[CouncilChange | None, dict[str, str]]:
    """The change the form asks for, or what is wrong with each field (the same parsing
    `waypoint council set` does)."""
    errors: dict[str, str] = {}
    hours: dict[str, tuple[int, int] | None] = {}
    for name, parse in (("office_hours", office_hours), ("quiet_hours", quiet_hours)):
        try:
            hours[name] = parse(form.get(name, "").strip())
        except SetupError:
            hours[name], errors[name] = None, name
    minutes = {}
    for name in ("minutes_high", "minutes_other"):
        minutes[name] = whole_number(form.get(name, ""), low=1, high=24 * 60)
        if minutes[name] is None:
            errors[name] = "minutes"
    first = form.get("on_call_first", "")
    if first not in {"yes", "no"}:
        errors["on_call_first"] = "on_call_first"
    phone = " ".join(form.get("out_of_hours_phone", "").split())
    digits = sum(c.isdigit() for c in phone)
    if not set(phone) <= PHONE_CHARACTERS or not 3 <= digits <= 15:
        errors["out_of_hours_phone"] = "phone"
    if errors:
        return None, errors
    change = CouncilChange(
        out_of_hours_phone=phone,
        minutes_high=minutes["minutes_high"],
        minutes_other=minutes["minutes_other"],
        office_hours=hours["office_hours"],
        on_call_first=first == "yes",
        quiet_hours=hours["quiet_hours"],
    )
    return change, errors


def routes(console: Console) -> list[BaseRoute]:
    """The council's settings."""
    pages = CouncilPages(console)
    return [
        Route("/admin/council", pages.council, methods=["GET"]),
        Route("/admin/council", pages.change, methods=["POST"]),
    ]
