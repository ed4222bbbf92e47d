"""Rendering the console's pages: Jinja2 templates (autoescaped) in the GOV.UK Design
System's markup, served with the console's security headers. The pages' own labels live in
the templates for now; staff messages in Telegram come from content/ as ever."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.responses import HTMLResponse

from bot.adapters.web.security import HEADERS
from bot.domain.console import pages_for
from bot.services.hub_admin import may_administer

TEMPLATES = Path(__file__).resolve().parent / "templates"


def _when(at: datetime | None, zone: str) -> str:
    """A time as staff read it, at the hub: "Tue 2 Mar 2027, 16:00"."""
    if at is None:
        return ""
    local = at.astimezone(ZoneInfo(zone))
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M}"


def _day(on: date | None) -> str:
    return "" if on is None else f"{on.day} {on:%b %Y}"


def environment() -> Environment:
    """The templates, autoescaped, failing loudly on a value left out."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = _when
    env.filters["day"] = _day
    env.globals["may_administer"] = may_administer
    env.globals["pages_for"] = pages_for
    return env


class Pages:
    """Renders a template into a response with the console's headers."""

    def __init__(self) -> None:
        self._env = environment()

    def add_global(self, name: str, value: Any) -> None:
        """Something every template may use (a page module's menu rule)."""
        self._env.globals[name] = value

    def add_filter(self, name: str, value: Any) -> None:
        """A filter every template may use (a page module's own formatting)."""
        self._env.filters[name] = value

    def macro(self, name: str, macro: str, *args: Any) -> str:
        """One macro of a template, rendered alone: a part of a page that a script redraws
        (the studio's findings and preview), the same markup as on the page."""
        module = self._env.get_template(name).make_module()
        return str(getattr(module, macro)(*args))

    def render(
        self, name: str, values: Mapping[str, Any] | None = None, *, status: int = 200
    ) -> HTMLResponse:
        """One page."""
        html = self._env.get_template(name).render(**(values or {}))
        return HTMLResponse(html, status_code=status, headers=dict(HEADERS))
