"""The content studio in the console (issue 16): every message of the therapist's council by
area, one message with its languages side by side and its history, and the editor with the
linter's findings and a phone-shaped preview, both redrawn while the therapist types.

Each route reads the request and calls bot.services.studio or studio_views, which check the
role and keep to the therapist's own council. A POST checks the Origin and the session's CSRF
token first, as every console form does. The check and the preview answer a fragment of the
page to the studio's script (`fragment=yes`), and the whole editor to a browser without it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from babel.core import Locale, UnknownLocaleError
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from bot.adapters.web.security import (
    HEADERS,
    csrf_matches,
    origin_allowed,
    see_other,
)
from bot.adapters.web.studio_forms import (
    Preview,
    PreviewOptions,
    form_finding,
    form_values,
    read_draft,
    read_options,
    shown_findings,
)
from bot.content.catalogue import Catalogue
from bot.content.findings import Finding, Severity
from bot.content.messages import BUTTON_PREFIX, DEFAULT_LANGUAGE, ContentError, right_to_left
from bot.domain.access import may_approve_wording, may_use_studio
from bot.domain.errors import (
    AlreadyApproved,
    BadWording,
    MayNotUseStudio,
    NoSuchWording,
)
from bot.domain.profiles import Level
from bot.services.console_login import ConsoleUser
from bot.services.studio import (
    ApprovalRefused,
    DraftWording,
    check_draft,
    do_approve_wording,
    do_save_draft,
    preview_draft,
)
from bot.services.studio_views import Area as StudioArea
from bot.services.studio_views import StudioList, StudioMessage, list_messages, open_message

if TYPE_CHECKING:
    from bot.adapters.web.app import Console

PAGE = "studio"
# The editor's fields, its preview's options and a few hidden ones; room to spare.
MOST_FIELDS = 30
# Two texts of up to 4,000 characters, percent-encoded (an Arabic letter is 6 bytes so).
LARGEST_STUDIO_FORM = 64_000


def language_name(code: str) -> str:
    """ "English", "Arabic": a language as staff read it (its code if unknown)."""
    try:
        return Locale.parse(code).get_display_name("en") or code
    except (UnknownLocaleError, ValueError):
        return code


class StudioPages:
    """The studio's handlers, sharing the console's unit of work, clock and pages."""

    def __init__(self, console: Console) -> None:
        self.console = console
        console.pages.add_global("may_use_studio", may_use_studio)
        console.pages.add_global("right_to_left", right_to_left)
        console.pages.add_filter("language_name", language_name)

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
        try:
            body = await request.body()
        except ClientDisconnect:
            # The script's check was overtaken (the therapist pressed a button, or left).
            return Response(status_code=400, headers=dict(HEADERS))
        try:
            form = (
                dict(parse_qsl(body.decode("utf-8"), max_num_fields=MOST_FIELDS))
                if len(body) <= LARGEST_STUDIO_FORM
                else None
            )
        except ValueError:
            form = None
        if form is None or not csrf_matches(form, user.csrf_token):
            return self.console._refused("csrf")
        return user, form

    def _render(
        self, user: ConsoleUser, name: str, values: Mapping[str, Any], *, status: int = 200
    ) -> Response:
        page = {"page": PAGE, "user": user.staff, "csrf_token": user.csrf_token, **values}
        return self.console.pages.render(name, page, status=status)

    def _missing(self, user: ConsoleUser) -> Response:
        return self._render(user, "studio_missing.html", {}, status=404)

    async def _opened(self, user: ConsoleUser, message_id: str) -> StudioMessage | Response:
        """The message as the studio shows it, or the page for a role without the studio or
        a message that does not exist."""
        try:
            return await open_message(self.console.uow(), user.staff, message_id)
        except MayNotUseStudio:
            return self.console._refused("role")
        except NoSuchWording:
            return self._missing(user)

    async def studio(self, request: Request) -> Response:
        """Every message of the council, by area, with its state per language and level."""
        user = await self._user(request)
        if isinstance(user, Response):
            return user
        try:
            listed = await list_messages(self.console.uow(), user.staff)
        except MayNotUseStudio:
            return self.console._refused("role")
        return self._render(
            user,
            "studio_list.html",
            {"listed": listed, "shown": _area(listed, request.query_params.get("area"))},
        )

    async def message(self, request: Request) -> Response:
        """One message: what it is for, where used, its languages side by side, history."""
        user = await self._user(request)
        if isinstance(user, Response):
            return user
        opened = await self._opened(user, request.path_params["message_id"])
        if isinstance(opened, Response):
            return opened
        return self._render(
            user,
            "studio_message.html",
            {
                "opened": opened,
                "row": opened.row,
                "writes": may_approve_wording(user.staff.role),
                "zone": await self._zone(),
            },
        )

    async def editor(self, request: Request) -> Response:
        """The editor for one language, with what the checker finds and a preview."""
        user = await self._user(request)
        if isinstance(user, Response):
            return user
        message_id, language = request.path_params["message_id"], request.path_params["language"]
        opened = await self._opened(user, message_id)
        if isinstance(opened, Response):
            return opened
        if language not in _languages(opened):
            return self._missing(user)
        draft = _newest(opened, language)
        options = PreviewOptions(language=language)
        done = request.query_params.get("done")
        return await self._editor(
            user, opened, draft, options, done=done if done in ("saved", "approved") else None
        )

    async def _findings(self, user: ConsoleUser, draft: DraftWording) -> list[Finding]:
        try:
            located = await check_draft(self.console.uow(), user.staff, draft)
        except BadWording as error:
            return [form_finding(error.values.get("problem", "this cannot be saved"))]
        return shown_findings([item.finding for item in located])

    async def _preview(
        self, user: ConsoleUser, draft: DraftWording, options: PreviewOptions
    ) -> Preview:
        try:
            rendered = await preview_draft(
                self.console.uow(), user.staff, draft, options.profile()
            )
        except BadWording as error:
            return Preview(None, error.values.get("problem", "this cannot be shown"))
        except ContentError as error:
            return Preview(None, " ".join(str(error).split()))
        return Preview(rendered)

    async def _editor(
        self,
        user: ConsoleUser,
        opened: StudioMessage,
        draft: DraftWording,
        options: PreviewOptions,
        *,
        findings: Sequence[Finding] | None = None,
        refused: str | None = None,
        problem: str | None = None,
        done: str | None = None,
        status: int = 200,
    ) -> Response:
        if findings is None:
            findings = await self._findings(user, draft)
        language = draft.language
        english = _live(opened, DEFAULT_LANGUAGE) if language != DEFAULT_LANGUAGE else None
        edit = {
            "message_id": opened.row.message_id,
            "area": opened.row.area,
            "notes": opened.row.notes,
            "language": language,
            "language_name": language_name(language),
            "right_to_left": right_to_left(language),
            "english": english,
        }
        values = {
            "edit": edit,
            "form": form_values(draft),
            "choices": await self._button_choices(opened),
            "findings": findings,
            "shown": await self._preview(user, draft, options),
            "options": options,
            "swaps_text": options.swaps_text,
            "languages": [(code, language_name(code)) for code in _languages(opened)],
            "refused": refused,
            "problem": problem,
            "done": done,
            "writes": may_approve_wording(user.staff.role),
        }
        return self._render(user, "studio_editor.html", values, status=status)

    async def _button_choices(self, opened: StudioMessage) -> list[tuple[str, str]]:
        """The message's own buttons, each with its English label (their order may change)."""
        shipped = await self._shipped()
        choices = []
        for key in opened.buttons:
            label = key
            if BUTTON_PREFIX + key in shipped:
                variant = shipped.message(BUTTON_PREFIX + key).variants[DEFAULT_LANGUAGE]
                label = variant.texts.get(Level.EASY) or variant.texts.get(Level.STANDARD) or key
            choices.append((key, label))
        return choices

    async def _shipped(self) -> Catalogue:
        uow = self.console.uow()
        async with uow.reading():
            return uow.postbox.catalogue

    async def _zone(self) -> str:
        """The hubs' time zone, for the history's times."""
        uow = self.console.uow()
        async with uow.reading():
            return uow.postbox.zone.key

    async def _posted_draft(
        self, request: Request, message_id: str, language: str
    ) -> tuple[ConsoleUser, dict[str, str], DraftWording] | Response:
        posted = await self._posted(request)
        if isinstance(posted, Response):
            return posted
        user, form = posted
        return user, form, read_draft(form, message_id, language)

    async def check(self, request: Request) -> Response:
        """What the checker finds in the form's wording: a fragment for the script, JSON when
        asked for, or the editor drawn again."""
        posted = await self._posted(request)
        if isinstance(posted, Response):
            return posted
        user, form = posted
        draft = read_draft(form, form.get("message_id", ""), form.get("language", ""))
        opened = await self._opened(user, draft.message_id)
        if isinstance(opened, Response):
            return opened
        findings = await self._findings(user, draft)
        if "application/json" in request.headers.get("accept", ""):
            return JSONResponse(
                {
                    "to_fix": sum(f.severity is Severity.FAIL for f in findings),
                    "findings": [
                        {"rule": f.rule, "severity": f.severity.value, "hint": f.hint}
                        for f in findings
                    ],
                },
                headers=dict(HEADERS),
            )
        if form.get("fragment"):
            return self._fragment("findings_list", findings)
        options = read_options(form, _languages(opened), draft.language)
        return await self._editor(user, opened, draft, options, findings=findings)

    async def preview(self, request: Request) -> Response:
        """The form's wording as a young person with the chosen profile gets it."""
        posted = await self._posted(request)
        if isinstance(posted, Response):
            return posted
        user, form = posted
        draft = read_draft(form, form.get("message_id", ""), form.get("language", ""))
        opened = await self._opened(user, draft.message_id)
        if isinstance(opened, Response):
            return opened
        options = read_options(form, _languages(opened), draft.language)
        if form.get("fragment"):
            return self._fragment("phone", await self._preview(user, draft, options))
        return await self._editor(user, opened, draft, options)

    def _fragment(self, macro: str, value: object) -> Response:
        html = self.console.pages.macro("studio_parts.html", macro, value)
        return HTMLResponse(html, headers=dict(HEADERS))

    async def save(self, request: Request) -> Response:
        """Save the form as a draft, or approve it (the checker must find nothing to fix)."""
        message_id, language = request.path_params["message_id"], request.path_params["language"]
        posted = await self._posted_draft(request, message_id, language)
        if isinstance(posted, Response):
            return posted
        user, form, draft = posted
        opened = await self._opened(user, message_id)
        if isinstance(opened, Response):
            return opened
        if language not in _languages(opened):
            return self._missing(user)
        approving = form.get("action") == "approve"
        findings = await self._findings(user, draft)
        refused: dict[str, Any] | None = None
        if approving and any(finding.severity is Severity.FAIL for finding in findings):
            refused = {"refused": "findings"}
        else:
            refused = await self._store(user, draft, approving=approving)
        if refused is None:
            done = "approved" if approving else "saved"
            return see_other(f"/studio/{message_id}/{language}", done=done)
        options = read_options(form, _languages(opened), language)
        values: dict[str, Any] = {"findings": findings, "status": 400, **refused}
        return await self._editor(user, opened, draft, options, **values)

    async def _store(
        self, user: ConsoleUser, draft: DraftWording, *, approving: bool
    ) -> dict[str, Any] | None:
        """Save the draft, and approve it when asked; None when done, else why not (the
        editor's values that say so)."""
        now = self.console.clock()
        try:
            saved = await do_save_draft(self.console.uow(), user.staff, draft, now=now)
            if approving:
                await do_approve_wording(self.console.uow(), user.staff, saved.version_id, now=now)
        except MayNotUseStudio:
            return {"refused": "not_yours"}
        except BadWording as error:
            return {"refused": "bad", "problem": error.values.get("problem")}
        except ApprovalRefused as error:
            found = shown_findings([item.finding for item in error.findings])
            return {"refused": "findings", "findings": found}
        except (NoSuchWording, AlreadyApproved):
            return {"refused": "changed"}
        return None


def _area(listed: StudioList, name: str | None) -> StudioArea:
    """The area asked for; else the first with young people's wording not live yet (what
    inviting waits for), else the first."""
    for area in listed.areas:
        if area.name == name:
            return area
    waiting = set(listed.not_live)
    for area in listed.areas:
        if any(row.message_id in waiting for row in area.messages):
            return area
    return listed.areas[0]


def _languages(opened: StudioMessage) -> list[str]:
    return [state.language for state in opened.row.languages]


def _live(opened: StudioMessage, language: str) -> dict[str, str] | None:
    """The wording live (or shipped) for the council in one language, by level."""
    for text in opened.live:
        if text.language == language:
            found = {Level.EASY.value: text.easy, Level.STANDARD.value: text.standard}
            return {level: words for level, words in found.items() if words}
    return None


def _newest(opened: StudioMessage, language: str) -> DraftWording:
    """What the editor opens with: the council's newest version in this language (a draft
    waiting, or what was approved), else the wording live now."""
    message_id = opened.row.message_id
    for version in opened.history:
        if version.language == language:
            buttons = version.buttons if language == DEFAULT_LANGUAGE else None
            return DraftWording(
                message_id,
                language,
                version.easy,
                version.standard,
                version.symbols,
                buttons or (opened.buttons if language == DEFAULT_LANGUAGE else None),
            )
    live = {text.language: text for text in opened.live}.get(language)
    shipped = {text.language: text for text in opened.shipped}.get(language)
    # A translation out of date is no longer live: its words are still the place to start.
    easy = (live.easy if live else None) or (shipped.easy if shipped else None)
    standard = (live.standard if live else None) or (shipped.standard if shipped else None)
    if language != DEFAULT_LANGUAGE:
        return DraftWording(message_id, language, easy, standard)
    symbols = live.symbols if live else ()
    return DraftWording(message_id, language, easy, standard, symbols, opened.buttons)


def routes(console: Console) -> list[BaseRoute]:
    """The content studio."""
    pages = StudioPages(console)
    return [
        Route("/studio", pages.studio, methods=["GET"]),
        Route("/studio/check", pages.check, methods=["POST"]),
        Route("/studio/preview", pages.preview, methods=["POST"]),
        Route("/studio/{message_id}", pages.message, methods=["GET"]),
        Route("/studio/{message_id}/{language}", pages.editor, methods=["GET"]),
        Route("/studio/{message_id}/{language}", pages.save, methods=["POST"]),
    ]
