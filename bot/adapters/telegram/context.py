"""What every handler needs, kept on the Application so handlers stay thin."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram.ext import Application, CallbackContext

from bot.adapters.db.uow import UnitOfWorkFactory
from bot.clock import Clock
from bot.content.catalogue import Catalogue
from bot.domain.safety.lexicon import Lexicon

_KEY = "waypoint"


@dataclass(frozen=True)
class Waypoint:
    """The services and settings the Telegram adapter calls on."""

    uow: UnitOfWorkFactory
    catalogue: Catalogue
    clock: Clock
    lexicon: Lexicon


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
