"""The console's cookie, CSRF and Origin checks, and the headers every page carries.

The session cookie is HttpOnly (no script reads it), SameSite=Strict (no other site's page
sends it), and Secure with the `__Host-` prefix when the console is served over HTTPS (so no
other host or path can set it). Every POST carries the session's CSRF token in a hidden field,
compared in constant time, and is refused when its Origin header names another site.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.domain.console import ABSOLUTE_LIMIT, same_secret

CSRF_FIELD = "csrf_token"
# A form here is a button and a token or two; anything much bigger is not ours.
LARGEST_FORM = 10_000

# Pages are about young people: never cached, never framed, never sending the address (which,
# on the sign-in page, holds the link's token) to anyone; scripts and styles only from here.
HEADERS: Mapping[str, str] = {
    "Cache-Control": "no-store",
    # Not no-referrer: under it Chromium sends "Origin: null" with a form, which the Origin check
    # refuses. same-origin still keeps a sign-in link's token from other sites.
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
        "form-action 'self'; base-uri 'none'"
    ),
}


def origin_of(url: str) -> str:
    """`scheme://host[:port]` of a URL, as browsers write it in the Origin header."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


class Cookies:
    """The session cookie, named and flagged for how the console is served."""

    def __init__(self, public_url: str) -> None:
        self.secure = urlsplit(public_url).scheme == "https"
        # __Host- is only accepted by browsers on a Secure cookie.
        self.name = "__Host-waypoint-console" if self.secure else "waypoint-console"

    def read(self, request: Request) -> str | None:
        """The session id the browser sent, if any."""
        return request.cookies.get(self.name) or None

    def set(self, response: Response, session_id: str) -> None:
        """Give the browser its session id (the database keeps only its hash)."""
        response.set_cookie(
            self.name,
            session_id,
            max_age=int(ABSOLUTE_LIMIT.total_seconds()),
            path="/",
            secure=self.secure,
            httponly=True,
            samesite="strict",
        )

    def clear(self, response: Response) -> None:
        """Forget the session id in this browser."""
        response.delete_cookie(
            self.name, path="/", secure=self.secure, httponly=True, samesite="strict"
        )


def origin_allowed(request: Request, public_url: str) -> bool:
    """A POST from the console's own pages: no Origin header (older browsers, some privacy
    settings), or the console's own origin. Any other site, or "null", is refused."""
    given = request.headers.get("origin")
    return given is None or given.lower() == origin_of(public_url)


def csrf_matches(form: Mapping[str, str], expected: str) -> bool:
    """Whether the form carries this session's CSRF token."""
    return same_secret(form.get(CSRF_FIELD, ""), expected)


def see_other(path: str, **query: str) -> Response:
    """Go to another page (303: the browser GETs it, so a form is not sent again)."""
    target = f"{path}?{urlencode(query)}" if query else path
    return RedirectResponse(target, status_code=303, headers=dict(HEADERS))
