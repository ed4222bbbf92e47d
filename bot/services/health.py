"""Whether updates from Telegram are being fetched and handled, for `waypoint health`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.services.ports import UnitOfWork, UnitOfWorkFactory

# The name the poller beats under.
HEARTBEAT = "poller"
# The poller records itself every 30 s; an update is normally handled in well under a second.
POLL_SILENCE = timedelta(minutes=2)
WAITING_TOO_LONG = timedelta(minutes=2)


@dataclass(frozen=True)
class Ingress:
    """The last successful getUpdates, and the oldest update still waiting to be handled."""

    last_poll: datetime | None
    oldest_waiting: datetime | None

    def problem(self, now: datetime) -> str | None:
        """What is wrong, in a line an operator can act on, or None."""
        if self.oldest_waiting is not None and now - self.oldest_waiting > WAITING_TOO_LONG:
            return (
                f"updates from Telegram have waited since {self.oldest_waiting:%Y-%m-%d %H:%M}"
                " UTC without being handled: see the logs (waypoint inbox lists any set aside)"
            )
        if self.last_poll is not None and now - self.last_poll > POLL_SILENCE:
            return (
                f"no updates fetched from Telegram since {self.last_poll:%Y-%m-%d %H:%M} UTC:"
                " is Waypoint running, and can it reach Telegram?"
            )
        return None


async def ingress(uow_factory: UnitOfWorkFactory) -> Ingress:
    """Read the poller's heartbeat and the inbox."""
    uow: UnitOfWork = uow_factory()
    async with uow:
        return Ingress(await uow.heartbeats.last(HEARTBEAT), await uow.inbox.oldest_waiting())
