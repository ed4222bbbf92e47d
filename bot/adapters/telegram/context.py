"""What every handler needs, kept on the Application so handlers stay thin."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from telegram.ext import Application, CallbackContext, ExtBot

from bot.adapters.db.uow import UnitOfWorkFactory
from bot.clock import Clock
from bot.content.catalogue import Catalogue
from bot.domain.actors import Writer
from bot.domain.safety.hearing import Detector

_KEY = "waypoint"


@dataclass(frozen=True)
class Waypoint:
    """The services and settings the Telegram adapter calls on."""

    uow: UnitOfWorkFactory
    catalogue: Catalogue
    clock: Clock
    # The lexicon and the learned model, what hears a worry: read once, when first needed
    # (`waypoint run` reads them at start; a command that hears nothing never does).
    hearing: Callable[[], Detector]
    # The hubs' time zone, for times written in answers.
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/London"))
    # The staff console's public base URL, for the sign-in links `/console` sends.
    console_url: str = "http://127.0.0.1:8081"

    @property
    def detector(self) -> Detector:
        """What hears a worry."""
        return self.hearing()


class WaypointContext(
    CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]
):
    """The context of one update: who is writing is worked out once, before any handler."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application, chat_id=chat_id, user_id=user_id)
        # Set by bot.adapters.telegram.handlers.identify (group -1); None without a sender.
        self.writer: Writer | None = None


def attach(application: Application[Any, Any, Any, Any, Any, Any], waypoint: Waypoint) -> None:
    """Make `waypoint` reachable from every handler of this application."""
    application.bot_data[_KEY] = waypoint


def waypoint_of(context: CallbackContext[Any, Any, Any, Any]) -> Waypoint:
    """The Waypoint services behind this handler call."""
    return _found(context.bot_data)


def waypoint_in(application: Application[Any, Any, Any, Any, Any, Any]) -> Waypoint:
    """The Waypoint services of this application."""
    return _found(application.bot_data)


def _found(bot_data: Any) -> Waypoint:
    found = bot_data[_KEY]
    if not isinstance(found, Waypoint):
        raise TypeError("the application was built without bot.adapters.telegram.context.attach")
    return found
