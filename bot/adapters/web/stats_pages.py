"""*How we are doing*: a hub's service figures for its managers (bot.services.console_stats),
as charts with their tables, and as one CSV. Both are GETs that change nothing but the audit
trail, so the range is chosen with a GET form (no CSRF token: nothing to forge)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.adapters.web.security import HEADERS, see_other
from bot.adapters.web.stats_charts import Series, bar_chart
from bot.domain.access import ever_may, may_see_service_figures
from bot.domain.actors import KnownStaff
from bot.domain.numbers import whole_number
from bot.domain.service_figures import (
    DEFAULT_WEEKS,
    WEEK_CHOICES,
    ReminderOutcome,
    SessionOutcome,
)
from bot.services.console_stats import (
    PageNotForRole,
    ServiceFiguresPage,
    ShowFigures,
    csv_of,
    do_view_service_figures,
)

if TYPE_CHECKING:
    from bot.adapters.web.app import Console

PATH = "/how-we-are-doing"
CSV_PATH = "/how-we-are-doing.csv"
REMINDERS = (
    (ReminderOutcome.SENT, "Sent"),
    (ReminderOutcome.TOO_LATE, "Too late"),
    (ReminderOutcome.SKIPPED, "Left out"),
    (ReminderOutcome.FAILED, "Failed"),
    (ReminderOutcome.WAITING, "Waiting"),
)
SESSIONS = (
    (SessionOutcome.SEEN, "Seen"),
    (SessionOutcome.NOT_SEEN, "Not seen"),
    (SessionOutcome.NOT_MARKED, "Not marked yet"),
)


def _label(monday: date) -> str:
    return f"{monday.day} {monday:%b}"


def charts(page: ServiceFiguresPage) -> dict[str, object]:
    """Each measure's chart, drawn from the same figures as its table."""
    weeks = [_label(w.monday) for w in page.weeks]
    acks = [w.acknowledging for w in page.weeks]
    return {
        "acknowledge": bar_chart(
            label="Chart: minutes to acknowledge a concern, median and 90th percentile, by "
            "week. The numbers are in the table beside it.",
            weeks=weeks,
            series=[
                Series("Median", tuple(a.median_minutes for a in acks)),
                Series("90th percentile", tuple(a.p90_minutes for a in acks)),
            ],
        ),
        "top": bar_chart(
            label="Chart: concerns alerted and concerns that reached the top of the ladder, by "
            "week. The numbers are in the table beside it.",
            weeks=weeks,
            series=[
                Series("Alerted", tuple(float(a.told) for a in acks)),
                Series("Reached the top", tuple(float(w.reached_top) for w in page.weeks)),
            ],
        ),
        "reminders": bar_chart(
            label="Chart: session reminders by what became of them, by week. The numbers are "
            "in the table beside it.",
            weeks=weeks,
            series=[
                Series(name, tuple(float(w.reminders[kind]) for w in page.weeks))
                for kind, name in REMINDERS
            ],
            stacked=True,
        ),
        "sessions": bar_chart(
            label="Chart: sessions seen, not seen and not marked yet, by week. The numbers are "
            "in the table beside it.",
            weeks=weeks,
            series=[
                Series(name, tuple(float(w.sessions[kind]) for w in page.weeks))
                for kind, name in SESSIONS
            ],
            stacked=True,
        ),
        "goals": bar_chart(
            label="Chart: goals rated higher than at first, by week. The numbers are in the "
            "table beside it.",
            weeks=weeks,
            series=[
                Series("Goals moved up", tuple(float(w.goals_progressed) for w in page.weeks))
            ],
        ),
    }


class _Figures:
    def __init__(self, console: Console) -> None:
        self.console = console

    async def _figures(
        self, user: KnownStaff, weeks: int, *, download: bool
    ) -> ServiceFiguresPage | Response:
        try:
            return await do_view_service_figures(
                self.console.uow(), user, ShowFigures(weeks, download), now=self.console.clock()
            )
        except PageNotForRole:
            return self.console._refused("role")

    async def page(self, request: Request) -> Response:
        """The charts and tables for the weeks chosen (a number not offered: the default, and
        an error that says so)."""
        user = await self.console._user(request)
        if user is None:
            return see_other("/signed-out")
        if not sees_service_figures(user.staff):
            return self.console._refused("role")
        weeks = _weeks(request.query_params.get("weeks"))
        figures = await self._figures(user.staff, weeks or DEFAULT_WEEKS, download=False)
        if isinstance(figures, Response):
            return figures
        values = {
            "page": "figures",
            "figures": figures,
            "charts": charts(figures),
            "reminder_kinds": REMINDERS,
            "session_kinds": SESSIONS,
            "wrong_range": weeks is None,
            "user": user.staff,
            "csrf_token": user.csrf_token,
        }
        status = 400 if weeks is None else 200
        return self.console.pages.render("stats_figures.html", values, status=status)

    async def download(self, request: Request) -> Response:
        """The same figures as one CSV, a measure a row."""
        user = await self.console._user(request)
        if user is None:
            return see_other("/signed-out")
        if not sees_service_figures(user.staff):
            return self.console._refused("role")
        asked = request.query_params.get("weeks")
        weeks = _weeks(asked)
        if weeks is None:
            return see_other(f"{PATH}?{urlencode({'weeks': asked or ''})}")
        figures = await self._figures(user.staff, weeks, download=True)
        if isinstance(figures, Response):
            return figures
        today = self.console.clock().date().isoformat()
        headers = {
            **HEADERS,
            "Content-Disposition": f'attachment; filename="how-we-are-doing-{today}.csv"',
        }
        return Response(csv_of(figures), media_type="text/csv; charset=utf-8", headers=headers)


def _weeks(asked: str | None) -> int | None:
    """The number of weeks asked for (the default when none), or None if it is not offered."""
    if asked is None:
        return DEFAULT_WEEKS
    weeks = whole_number(asked)
    return weeks if weeks in WEEK_CHOICES else None


def sees_service_figures(staff: KnownStaff) -> bool:
    """Whether the console's menu offers them *How we are doing*."""
    return ever_may(staff.role, may_see_service_figures)


def routes(console: Console) -> list[BaseRoute]:
    """The page and its CSV; the menu item is shown to those who may open it."""
    figures = _Figures(console)
    console.pages.add_global("sees_service_figures", sees_service_figures)
    return [
        Route(PATH, figures.page, methods=["GET"]),
        Route(CSV_PATH, figures.download, methods=["GET"]),
    ]
