"""The clock: APScheduler fires ticks, and the database says what is due.

No job is kept per concern, reminder, check-in or message: each tick asks the database (the
concern ladder's due steps, session reminders, goal check-ins and digests, old words to
forget) and claims what it takes with `FOR UPDATE SKIP LOCKED`, so every instance can run the
same ticks and none does the same work twice. A restart loses nothing, because nothing lives
only here. `waypoint run` and `waypoint worker` both run them.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.adapters.telegram.context import Waypoint
from bot.services.goal_check_ins import try_check_in_due, try_send_digests
from bot.services.ladder_steps import do_take_due_steps
from bot.services.menus import MenuSetter, try_set_menus
from bot.services.reminders import BATCH, try_follow_weekly, try_remind_due
from bot.services.retention import do_forget_old, do_forget_recent_words
from bot.services.safety_words_refresh import try_refresh_detectors
from bot.services.studio_refresh import try_refresh_wordings

_LOG = logging.getLogger(__name__)
LADDER_EVERY = timedelta(seconds=5)
# A reminder leaves within this long of its moment ("2 minutes before" stays near 2 minutes).
REMINDERS_EVERY = timedelta(seconds=10)
# Goal check-ins and digests can wait a little more.
GOALS_EVERY = timedelta(seconds=30)
# A new member of staff or a changed role sees the new menu within this long.
MENUS_EVERY = timedelta(seconds=5)
TIDY_EVERY = timedelta(minutes=10)
# A young person's last message is kept two minutes; this keeps it no more than three.
WORDS_EVERY = timedelta(minutes=1)
# Wording a therapist approved on another instance reaches this one's messages within this
# long (one small grouped query each time: bot.services.studio_refresh).
WORDINGS_EVERY = timedelta(seconds=3)


class Ticks:
    """The ladder, reminders, command menus and tidying on a clock, started and stopped with
    whatever serves (menus only where there is a Telegram connection to set them with)."""

    def __init__(self, waypoint: Waypoint, *, menus: MenuSetter | None = None) -> None:
        self._waypoint = waypoint
        self._menus = menus
        self._scheduler: AsyncIOScheduler | None = None

    async def ladder(self) -> None:
        """Take every concern step that has fallen due (the first tick after a restart
        takes whatever fell due while Waypoint was down)."""
        await do_take_due_steps(self._waypoint.uow(), now=self._waypoint.clock())

    async def reminders(self) -> None:
        """Make next week's weekly sessions that are due, then queue the reminders whose
        moment has come (bot.services.reminders), a batch at a time until none is left."""
        uow, clock = self._waypoint.uow, self._waypoint.clock
        while await try_follow_weekly(uow(), now=clock()) == BATCH:
            pass
        while await try_remind_due(uow(), now=clock()) == BATCH:
            pass

    async def goals(self) -> None:
        """Ask the goal check-ins that are due, then send the weekly digests that are
        (bot.services.goal_check_ins), a batch at a time until none is left."""
        uow, clock = self._waypoint.uow, self._waypoint.clock
        while await try_check_in_due(uow(), now=clock()) == BATCH:
            pass
        while await try_send_digests(uow(), now=clock()) == BATCH:
            pass

    async def menus(self) -> None:
        """Set the command menus that fell due (bot.services.menus), a round at a time."""
        if self._menus is None:
            return
        while await try_set_menus(self._waypoint.uow, self._menus, now=self._waypoint.clock()):
            pass

    async def wordings(self) -> None:
        """Take up wording approved in the studio since the last tick, on any instance."""
        await try_refresh_wordings(self._waypoint.uow())

    async def safety_words(self) -> None:
        """Take up phrases a safeguarding lead approved since the last tick, on any instance
        (a tick of its own: a fault in the wording's refresh never holds it up)."""
        await try_refresh_detectors(self._waypoint.uow())

    async def tidy(self) -> None:
        """Forget what no longer needs keeping (bot.services.retention)."""
        await do_forget_old(self._waypoint.uow(), now=self._waypoint.clock())

    async def words(self) -> None:
        """Forget young people's last messages once a split worry could no longer need them."""
        await do_forget_recent_words(self._waypoint.uow(), now=self._waypoint.clock())

    def start(self) -> None:
        """Start ticking, inside the running event loop."""
        scheduler = AsyncIOScheduler(timezone=UTC)
        ticks = (
            (self.ladder, LADDER_EVERY),
            (self.reminders, REMINDERS_EVERY),
            (self.goals, GOALS_EVERY),
            (self.menus, MENUS_EVERY),
            (self.words, WORDS_EVERY),
            (self.wordings, WORDINGS_EVERY),
            (self.safety_words, WORDINGS_EVERY),
            (self.tidy, TIDY_EVERY),
        )
        for tick, every in ticks:
            scheduler.add_job(
                _logged(tick),
                "interval",
                seconds=every.total_seconds(),
                name=tick.__name__,
                max_instances=1,
                coalesce=True,
                misfire_grace_time=int(every.total_seconds()),
            )
        scheduler.start()
        self._scheduler = scheduler

    def stop(self) -> None:
        """Stop ticking; a tick in progress finishes on its own."""
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        self._scheduler = None


def _logged(tick: Callable[[], Awaitable[None]]) -> Callable[[], Awaitable[None]]:
    async def run() -> None:
        try:
            await tick()
        except Exception:  # the next tick tries again: what is due stays due
            _LOG.error("the %s tick failed", tick.__name__, exc_info=True)

    run.__name__ = tick.__name__
    return run
