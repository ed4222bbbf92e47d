"""The one place where Waypoint's parts are put together."""

from __future__ import annotations

import asyncio
import functools
import gc
import logging
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.db.engine import create_engine, session_factory
from bot.adapters.db.uow import PostOffice, UnitOfWorkFactory
from bot.adapters.outbox.sender import Sender, SenderSettings
from bot.adapters.outbox.transport import TelegramTransport
from bot.adapters.telegram.context import Waypoint
from bot.clock import Clock, system_clock
from bot.config import Settings
from bot.content.catalogue import Catalogue
from bot.content.council_detectors import CouncilDetectors
from bot.content.helplines import helpline_values
from bot.content.holidays import project_holidays
from bot.content.safety_lexicon import load_lexicon
from bot.content.safety_model import load_model
from bot.content.wordings import Wordings, not_live
from bot.domain.outbox import Pace
from bot.domain.safety.hearing import Detector
from bot.services.safety_words_refresh import try_refresh_detectors
from bot.services.studio_refresh import try_refresh_wordings

_LOG = logging.getLogger(__name__)


def freeze_what_lasts() -> None:
    """Take what start-up loaded (the content catalogue, the safety lexicon and model: about
    200,000 objects that live as long as the process) out of the garbage collector's sight.

    A full collection walked all of them each time, about 175 ms on this machine, and a burst
    of messages sets one off every few seconds; frozen, it walks only what came later. Called
    once by a long-running process after `bootstrap`, not by `bootstrap` itself: tests call
    that many times in one process, and whatever is frozen is never collected.
    """
    gc.collect()
    gc.freeze()


@dataclass
class Running:
    """Waypoint's services, its sender, and what must be closed at the end."""

    waypoint: Waypoint
    engine: AsyncEngine
    sender: Sender | None = None
    transport: TelegramTransport | None = None
    _sending: asyncio.Task[None] | None = field(default=None, repr=False)

    @property
    def sending(self) -> asyncio.Task[None] | None:
        """The sender's task, once started."""
        return self._sending

    async def start_sending(self) -> None:
        """Start draining the outbox in the background (inside the running event loop)."""
        if self.sender is None or self.transport is None:
            raise RuntimeError("bootstrap was not given a Telegram server to send to")
        await self.transport.start()
        self._sending = asyncio.create_task(self.sender.run(), name="waypoint-sender")
        self._sending.add_done_callback(_report_stopped_sender)

    async def load_wordings(self) -> None:
        """Every council's approved wording and safety phrases, before this process sends or
        hears anything (a tick keeps them up to date in a long-running one:
        bot.entrypoints.ticks)."""
        await try_refresh_wordings(self.waypoint.uow())
        await try_refresh_detectors(self.waypoint.uow())

    async def close(self) -> None:
        """Stop sending (finishing what is in flight) and close connections."""
        if self.sender is not None and self._sending is not None:
            self.sender.stop()
            # Whatever ended the sender, the connections below must still be closed.
            await asyncio.gather(self._sending, return_exceptions=True)
        if self.transport is not None and self._sending is not None:
            await self.transport.stop()
        await self.engine.dispose()


def _report_stopped_sender(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        # Nothing leaves Waypoint without the sender: this must reach a person (Sentry).
        _LOG.critical("the outbox sender stopped: %s", type(task.exception()).__name__)


def sender_settings(settings: Settings) -> SenderSettings:
    """The sender's pacing and limits from Waypoint's settings."""
    return SenderSettings(
        pace=Pace(overall_per_second=settings.send_rate),
        lease=timedelta(seconds=settings.outbox_lease_seconds),
        max_attempts=settings.outbox_max_attempts,
    )


def safety_detector(*, allow_drafts: bool, serving: bool, folder: Path | None = None) -> Detector:
    """The lexicon and the learned model (from `folder`, else the project's content), checked
    now: a missing or damaged file stops start-up (a `LexiconError` or `ModelError`), never
    the first worry."""
    lexicon = load_lexicon(folder)
    # The concern path never waits on wording (issue 16): a draft lexicon still hears worries,
    # which is better than hearing none; safeguarding leads approve it.
    if serving and not (lexicon.approved or allow_drafts):
        _LOG.warning(
            "content/safety/lexicon.toml is a draft: Waypoint hears worries with it until "
            "a safeguarding lead approves it ([review] status, reviewed_by, reviewed_on)"
        )
    model = load_model(folder)
    if model.approved or allow_drafts:
        return Detector(lexicon, model)
    # Unlike a draft lexicon this does not stop Waypoint: the lexicon alone still hears
    # every worry it always heard; only the learned layer's extra ones wait for approval.
    if serving:
        _LOG.warning(
            "content/safety/model.json is a draft: Waypoint hears worries with the lexicon "
            "alone until clinical staff approve its labelled lines and it is rebuilt with "
            "`waypoint safety train` (or WAYPOINT_ALLOW_DRAFT_CONTENT=true)"
        )
    return Detector(lexicon)


def log_drafts(catalogue: Catalogue) -> None:
    """One line, once serving has started: how many young-person messages are not approved
    in content/ (logged after the checks at start, so a fault there stays the one line)."""
    drafts = not_live(catalogue, ignoring_trial=True)
    if not drafts:
        return
    if catalogue.allow_drafts:
        # Asked for (a trial or the demo): told, not warned.
        _LOG.info(
            "%d young-person messages are drafts, sent as they are "
            "(WAYPOINT_ALLOW_DRAFT_CONTENT is on: for trials and the demo only)",
            len(drafts),
        )
        return
    _LOG.warning(
        "%d young-person messages are drafts in content/: a council can invite young people "
        "once its speech and language therapists approve them in the staff console's studio",
        len(drafts),
    )


def bootstrap(
    settings: Settings,
    *,
    clock: Clock = system_clock,
    api_url: str | None = None,
    sending: SenderSettings | None = None,
    sender_clock: Clock = system_clock,
) -> Running:
    """Load content and connect to the database; with `api_url`, also make the sender (on
    `sender_clock`: real time, which its pacing needs, unless a test moves time on)."""
    serving = api_url is not None
    # Drafts are never sent to young people unless the demo or WAYPOINT_ALLOW_DRAFT_CONTENT
    # says so, except on the safety lane (a concern never waits on wording). Waypoint starts
    # with drafts: a council's therapists approve its wording in the content studio, and
    # until they have, nobody there may invite a young person (bot.services.studio).
    catalogue = Catalogue.load(allow_drafts=settings.allow_draft_content)
    # Checked now, not at the first concern: a broken file must stop start-up, not an alert.
    helpline_values()
    project_holidays()
    hearing = functools.cache(
        functools.partial(safety_detector, allow_drafts=catalogue.allow_drafts, serving=serving)
    )
    if serving:
        hearing()  # read now: a broken file must stop start-up, not the first worry
    engine = create_engine(settings.database_url)
    post = PostOffice(
        Wordings(catalogue), settings.zone, detectors=CouncilDetectors(hearing=hearing)
    )
    uow = UnitOfWorkFactory(session_factory(engine), post)
    waypoint = Waypoint(
        uow=uow,
        catalogue=catalogue,
        clock=clock,
        hearing=hearing,
        zone=settings.zone,
        console_url=settings.console_url,
    )
    running = Running(waypoint, engine)
    token = settings.telegram_token
    if api_url is not None and token is not None:
        running.transport = TelegramTransport(token.get_secret_value(), api_url)
        running.sender = Sender(
            uow,
            running.transport,
            settings=sending or sender_settings(settings),
            clock=sender_clock,
        )
        post.wake = running.sender.wake
    return running
