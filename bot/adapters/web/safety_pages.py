"""The studio's safety words in the console (issue 16): the council's phrases for the worrying
words lexicon and its labelled examples, each with its state; a safeguarding lead proposes and
approves them here. Everyone else in the studio (its therapists) sees them and changes nothing.

Each route calls bot.services.safety_words, which checks the role and the council (a forged
POST from a therapist is refused there, not only by a missing button). A POST checks the
Origin and the session's CSRF token first, as every console form does. What staff are told
when something is refused is staff wording from content/messages (safety_words.toml).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.adapters.web.security import csrf_matches, origin_allowed, see_other
from bot.domain.access import may_use_studio
from bot.domain.errors import NotStaff, WaypointError
from bot.domain.safety.additions import LexiconList
from bot.domain.safety.worry import Category
from bot.services.console_login import ConsoleUser
from bot.services.safety_words import (
    EXAMPLE_CATEGORIES,
    MayNotChangeSafetyWords,
    ProposeExample,
    ProposePhrase,
    do_approve_safety_word,
    do_propose_example,
    do_propose_phrase,
    list_safety_words,
)
from bot.services.staff_words import staff_text

if TYPE_CHECKING:
    from bot.adapters.web.app import Console

PAGE = "studio"
PATH = "/studio/safety"
# A phrase or an example with its choices and the CSRF token; room to spare.
MOST_FIELDS = 10
LARGEST_FORM = 16_000
DONE = ("proposed", "approved")


class SafetyPages:
    """The safety words' handlers, sharing the console's unit of work, clock and pages."""

    def __init__(self, console: Console) -> None:
        self.console = console

    async def _user(self, request: Request) -> ConsoleUser | Response:
        user = await self.console._user(request)
        if user is None:
            return see_other("/signed-out")
        if not may_use_studio(user.staff.role):
            return self.console._refused("role")
        return user

    async def _posted(self, request: Request) -> tuple[ConsoleUser, dict[str, str]] | Response:
        """The signed-in studio user and their form, if it came from this console with this
        session's CSRF token; else the response that refuses it."""
        if not origin_allowed(request, self.console.settings.public_url):
            return self.console._refused("origin")
        user = await self._user(request)
        if isinstance(user, Response):
            return user
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

    async def _said(self, error: WaypointError) -> str:
        """What staff are told about a refusal, in their wording."""
        async with self.console.uow().reading() as work:
            catalogue = work.postbox.catalogue
        return staff_text(catalogue, error.message_id, **error.values)

    async def _page(
        self,
        user: ConsoleUser,
        *,
        status: int = 200,
        form: Mapping[str, str] | None = None,
        **values: Any,
    ) -> Response:
        try:
            listed = await list_safety_words(self.console.uow(), user.staff)
        except (MayNotChangeSafetyWords, NotStaff):
            return self.console._refused("role")
        async with self.console.uow().reading() as work:
            zone = work.postbox.zone.key
        page = {
            "page": PAGE,
            "user": user.staff,
            "csrf_token": user.csrf_token,
            "listed": listed,
            "zone": zone,
            "categories": [category.value for category in Category],
            "lists": [item.value for item in LexiconList],
            "example_categories": EXAMPLE_CATEGORIES,
            "form": dict(form or {}),
            "problem_text": None,
            "done": None,
            "read_only": None
            if listed.may_change
            else await self._said(MayNotChangeSafetyWords()),
            **values,
        }
        return self.console.pages.render("safety_words.html", page, status=status)

    async def show(self, request: Request) -> Response:
        """The council's phrases and examples, with the forms a safeguarding lead uses."""
        user = await self._user(request)
        if isinstance(user, Response):
            return user
        done = request.query_params.get("done")
        return await self._page(user, done=done if done in DONE else None)

    async def propose_phrase(self, request: Request) -> Response:
        """Add a phrase as a draft (a safeguarding lead only)."""
        posted = await self._posted(request)
        if isinstance(posted, Response):
            return posted
        user, form = posted
        command = ProposePhrase(
            form.get("category", ""), form.get("list_name", ""), form.get("phrase", "")
        )
        try:
            await do_propose_phrase(
                self.console.uow(), user.staff, command, now=self.console.clock()
            )
        except WaypointError as error:
            return await self._refusal(user, error, form, "phrase")
        return see_other(PATH, done="proposed")

    async def propose_example(self, request: Request) -> Response:
        """Add a labelled example as a draft (a safeguarding lead only)."""
        posted = await self._posted(request)
        if isinstance(posted, Response):
            return posted
        user, form = posted
        label = form.get("label", "")
        # The category list is there for a worry; a message that is not one has none.
        category = form.get("example_category", "-") if label != "none" else "-"
        command = ProposeExample(label, category, form.get("example", ""))
        try:
            await do_propose_example(
                self.console.uow(), user.staff, command, now=self.console.clock()
            )
        except WaypointError as error:
            return await self._refusal(user, error, form, "example")
        return see_other(PATH, done="proposed")

    async def approve(self, request: Request) -> Response:
        """Approve a draft (a safeguarding lead only): a phrase is heard at once."""
        posted = await self._posted(request)
        if isinstance(posted, Response):
            return posted
        user, _ = posted
        try:
            await do_approve_safety_word(
                self.console.uow(),
                user.staff,
                request.path_params["word_id"],
                now=self.console.clock(),
            )
        except WaypointError as error:
            return await self._refusal(user, error, {}, f"word-{request.path_params['word_id']}")
        return see_other(PATH, done="approved")

    async def _refusal(
        self, user: ConsoleUser, error: WaypointError, form: Mapping[str, str], field: str
    ) -> Response:
        status = 403 if isinstance(error, (MayNotChangeSafetyWords, NotStaff)) else 400
        said = await self._said(error)
        return await self._page(user, status=status, form=form, problem_text=said, field=field)


def routes(console: Console) -> list[BaseRoute]:
    """The safety words (before the studio's own routes: /studio/{message_id} would take
    /studio/safety)."""
    pages = SafetyPages(console)
    return [
        Route(PATH, pages.show, methods=["GET"]),
        Route(f"{PATH}/phrases", pages.propose_phrase, methods=["POST"]),
        Route(f"{PATH}/examples", pages.propose_example, methods=["POST"]),
        Route(PATH + "/{word_id:int}/approve", pages.approve, methods=["POST"]),
    ]
