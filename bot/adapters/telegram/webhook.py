"""Webhook mode: Telegram POSTs each update to Waypoint, which answers only after storing it.

The check order follows what Telegram offers for proving a call is its own: the secret token
header first (compared in constant time; a wrong or missing one is refused and nothing is
stored), then the body must be one JSON update. Telegram takes HTTP 200 as "delivered" and
forgets the update, so 200 is sent only once the update is committed to the inbox; any other
answer makes Telegram send it again (to this instance or, behind a load balancer, another).
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Sequence

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.adapters.telegram.intake import Intake
from bot.adapters.telegram.updates import received

_LOG = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105  (a header's name)
# Telegram's updates are small; anything much bigger is not one.
LARGEST_BODY = 1_000_000


def webhook_app(
    *, path: str, secret: str, intake: Intake, beside: Sequence[BaseRoute] = ()
) -> Starlette:
    """The ASGI app that takes Telegram's webhook calls at `path`, with other routes (the
    staff console) `beside` it on the same server."""

    async def take(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            # Not Telegram (or not configured with our secret): store nothing, say little.
            return Response(status_code=403)
        body = await request.body()
        try:
            update = received(json.loads(body)) if len(body) <= LARGEST_BODY else None
        except ValueError:
            update = None
        if update is None:
            return Response(status_code=400)
        try:
            await intake.take([update])
        except Exception as error:
            # Not stored: Telegram keeps it and tries again.
            _LOG.error("update %s not stored: %s", update.update_id, type(error).__name__)
            return Response(status_code=503)
        return Response(status_code=200)

    return Starlette(routes=[Route(path, take, methods=["POST"]), *beside])
