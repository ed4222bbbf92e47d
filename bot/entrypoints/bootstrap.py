"""The one place where Waypoint's parts are put together."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.db.engine import create_engine, session_factory
from bot.adapters.db.uow import UnitOfWorkFactory
from bot.adapters.telegram.context import Waypoint
from bot.clock import Clock, system_clock
from bot.config import Settings
from bot.content.catalogue import Catalogue


@dataclass(frozen=True)
class Running:
    """Waypoint's services plus the engine that must be disposed of at the end."""

    waypoint: Waypoint
    engine: AsyncEngine


def bootstrap(settings: Settings, *, clock: Clock = system_clock) -> Running:
    """Load content and connect to the database; nothing is sent anywhere yet."""
    catalogue = Catalogue.load()
    engine = create_engine(settings.database_url)
    waypoint = Waypoint(
        uow=UnitOfWorkFactory(session_factory(engine)),
        catalogue=catalogue,
        clock=clock,
        zone=settings.zone,
    )
    return Running(waypoint, engine)
