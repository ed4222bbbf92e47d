"""The console's page *A young person* (`/young-people/<number>`), reached from the caseload,
and its four actions, each the same service its Telegram command calls: add a goal in their
own words (`/goal`), give a goal new words (`/goal_words`), change a profile setting
(`/profile`) and reply to them (`/reply`). A route parses the form, calls one service, and
either redirects (303) to the page with a banner, re-renders it with the error, or refuses.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

import bot.adapters.web.paths  # noqa: F401  (registers `{name:id}`)
from bot.adapters.web.person_chart import chart
from bot.adapters.web.security import csrf_matches, origin_allowed, see_other
from bot.domain.actors import KnownStaff
from bot.domain.errors import (
    BadProfileSetting,
    GoalRefused,
    MayNotChangeProfile,
    MayNotMessage,
    MayNotSeeGoals,
    NoSuchGoal,
    NotForTheirRole,
    YoungPersonNotFound,
    YoungPersonPaused,
)
from bot.domain.goals import Area
from bot.domain.numbers import whole_number
from bot.domain.profiles import SETTINGS
from bot.services.console_login import ConsoleUser
from bot.services.goals import GoalAsked, do_add_goal, do_reword_goal
from bot.services.person_page import do_view_young_person
from bot.services.profiles import ProfileAsked, do_profile_command
from bot.services.talk import Reply, do_reply_to_young_person

if TYPE_CHECKING:
    # app.py lists these routes, so it is imported here only for its type.
    from bot.adapters.web.app import Console

Action = Callable[[KnownStaff, int, Mapping[str, str]], Awaitable[str]]

# Refusals: the action is not theirs (or the goal or young person is not, for them).
_REFUSED = (
    MayNotSeeGoals,
    NoSuchGoal,
    MayNotChangeProfile,
    MayNotMessage,
    NotForTheirRole,
    YoungPersonNotFound,
)
# Longest reply a form takes: a few paragraphs, as a message in Telegram would be.
LONGEST_REPLY = 2000
# The banners a finished action shows on the page it returns to.
DONE = frozenset({"goal_added", "goal_reworded", "profile_changed", "reply_sent"})
PROFILE_SETTINGS = tuple(name.strip() for name in SETTINGS.split(","))


class PersonPages:
    """The page and its actions, sharing the console's sessions, clock and templates."""

    def __init__(self, console: Console) -> None:
        self.console = console

    async def show(self, request: Request) -> Response:
        """The young person's page, with a banner after an action."""
        user = await self.console._user(request)
        if user is None:
            return see_other("/signed-out")
        done = request.query_params.get("done")
        return await self._render(
            user.staff, user.csrf_token, _number(request), done=done if done in DONE else None
        )

    async def add_goal(self, request: Request) -> Response:
        """A goal in the young person's own words, as `/goal` makes it."""
        return await self._act(request, "goal", self._add_goal)

    async def reword_goal(self, request: Request) -> Response:
        """New words for a goal (a new version), as `/goal_words` gives them."""
        return await self._act(request, "words", self._reword_goal)

    async def change_profile(self, request: Request) -> Response:
        """One profile setting, as `/profile Sam setting value` changes it."""
        return await self._act(request, "profile", self._change_profile)

    async def reply(self, request: Request) -> Response:
        """Words to the young person, as `/reply` sends them."""
        return await self._act(request, "reply", self._reply)

    async def _add_goal(self, actor: KnownStaff, number: int, form: Mapping[str, str]) -> str:
        area = Area(form["area"]) if form.get("area") in set(Area) else None
        asked = GoalAsked(number, form.get("words", ""), area=area)
        await do_add_goal(self.console.uow(), actor, asked, now=self.console.clock())
        return "goal_added"

    async def _reword_goal(self, actor: KnownStaff, number: int, form: Mapping[str, str]) -> str:
        goal_id = whole_number(form.get("goal")) or 0
        words = form.get("words", "")
        await do_reword_goal(self.console.uow(), actor, goal_id, words, now=self.console.clock())
        return "goal_reworded"

    async def _change_profile(
        self, actor: KnownStaff, number: int, form: Mapping[str, str]
    ) -> str:
        setting = form.get("setting", "")
        if setting not in PROFILE_SETTINGS:
            raise _FormProblem("setting", "setting_missing")
        asked = ProfileAsked(f"#{number}", setting, form.get("value", ""))
        await do_profile_command(self.console.uow(), actor, asked, now=self.console.clock())
        return "profile_changed"

    async def _reply(self, actor: KnownStaff, number: int, form: Mapping[str, str]) -> str:
        words = form.get("words", "").strip()
        if not words:
            raise _FormProblem("reply-words", "reply_missing")
        if len(words) > LONGEST_REPLY:
            raise _FormProblem("reply-words", "reply_too_long")
        reply = Reply(f"#{number}", words)
        await do_reply_to_young_person(self.console.uow(), actor, reply, now=self.console.clock())
        return "reply_sent"

    async def _act(self, request: Request, form_name: str, action: Action) -> Response:
        """Check the session, origin and CSRF token, do the action, and answer."""
        gate = await self._gate(request)
        if isinstance(gate, Response):
            return gate
        user, form = gate
        number = _number(request)
        try:
            done = await action(user.staff, number, form)
        except _REFUSED:
            return self._refusal(user.staff, user.csrf_token, "not_allowed", 403)
        except _FormProblem as problem:
            error = {"form": form_name, "field": problem.field, "key": problem.key}
            return await self._render(user.staff, user.csrf_token, number, error=error, form=form)
        except (GoalRefused, BadProfileSetting, YoungPersonPaused) as refused:
            error = _error_of(form_name, refused.message_id, refused.values, form)
            return await self._render(user.staff, user.csrf_token, number, error=error, form=form)
        return see_other(f"/young-people/{number}?done={done}")

    async def _gate(self, request: Request) -> tuple[ConsoleUser, dict[str, str]] | Response:
        """The signed-in member of staff and their form, from this console, with its token."""
        console = self.console
        if not origin_allowed(request, console.settings.public_url):
            return console._refused("origin")
        user = await console._user(request)
        if user is None:
            return see_other("/signed-out")
        form = await console._form(request)
        if form is None or not csrf_matches(form, user.csrf_token):
            return console._refused("csrf")
        return user, form

    async def _render(
        self,
        actor: KnownStaff,
        csrf_token: str,
        number: int,
        *,
        done: str | None = None,
        error: Mapping[str, str] | None = None,
        form: Mapping[str, str] | None = None,
    ) -> Response:
        console = self.console
        try:
            page = await do_view_young_person(console.uow(), actor, number, now=console.clock())
        except YoungPersonNotFound:
            return self._refusal(actor, csrf_token, "missing", 404)
        charts = {goal.goal_id: [chart(s) for s in goal.series] for goal in page.goals or ()}
        values = {
            "page": "caseload",
            "person": page,
            "charts": charts,
            "user": actor,
            "csrf_token": csrf_token,
            "done": done,
            "error": error,
            "form": form or {},
            "areas": list(Area),
            "settings": PROFILE_SETTINGS,
        }
        return console.pages.render("person_page.html", values, status=400 if error else 200)

    def _refusal(self, actor: KnownStaff, csrf_token: str, why: str, status: int) -> Response:
        values = {"user": actor, "csrf_token": csrf_token, "page": "caseload", "why": why}
        return self.console.pages.render("person_refused.html", values, status=status)


class _FormProblem(Exception):
    """A form that cannot be sent as it is: which field, and the message key for it."""

    def __init__(self, field: str, key: str) -> None:
        super().__init__(key)
        self.field, self.key = field, key


# Which field each refusal is about, per form.
_FIELDS = {
    "goal": "goal-words",
    "words": "words-{goal}",
    "profile": "value",
    "reply": "reply-words",
}


def _error_of(
    form_name: str, key: str, values: Mapping[str, str], form: Mapping[str, str]
) -> dict[str, str]:
    field = _FIELDS[form_name].format(goal=form.get("goal", ""))
    return {"form": form_name, "field": field, "key": key, "detail": values.get("problem", "")}


def _number(request: Request) -> int:
    number: int = request.path_params["young_person_id"]
    return number


def routes(console: Console) -> list[BaseRoute]:
    """The young person's page and its actions."""
    pages = PersonPages(console)
    base = "/young-people/{young_person_id:id}"
    return [
        Route(base, pages.show, methods=["GET"]),
        Route(f"{base}/goals", pages.add_goal, methods=["POST"]),
        Route(f"{base}/goal-words", pages.reword_goal, methods=["POST"]),
        Route(f"{base}/profile", pages.change_profile, methods=["POST"]),
        Route(f"{base}/reply", pages.reply, methods=["POST"]),
    ]
