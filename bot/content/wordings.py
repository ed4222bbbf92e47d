"""Every council's wording: the shipped catalogue, and one catalogue per council with that
council's approved versions over it (the content studio, issue 16).

Held in memory by each instance and read on every message, so rendering asks the database
nothing. The process that approves a version replaces that council's catalogue at once; every
other instance does so from a scheduler tick that compares each council's stamp (how many
approved versions, and when one last changed) with the one it built from
(bot.services.studio_refresh).
"""

from __future__ import annotations

import logging
from collections.abc import Hashable, Mapping, Sequence

from bot.content.catalogue import Catalogue, approved
from bot.content.messages import DEFAULT_LANGUAGE, ContentError, Message, Wording
from bot.content.render import Rendered, render
from bot.domain.profiles import CommunicationProfile, Level

_LOG = logging.getLogger(__name__)


class Wordings:
    """The shipped catalogue and each council's overlaid one, as this instance knows them."""

    def __init__(self, shipped: Catalogue) -> None:
        self.shipped = shipped
        self._councils: dict[int, Catalogue] = {}
        self._stamps: dict[int, Hashable] = {}

    def for_council(self, council_id: int | None) -> Catalogue:
        """The wording a council's young people and staff get: the shipped catalogue with the
        council's approved versions over it (the shipped one for a council with none, or for
        someone with no council)."""
        if council_id is None:
            return self.shipped
        return self._councils.get(council_id, self.shipped)

    def stamp(self, council_id: int) -> Hashable | None:
        """The stamp the council's catalogue was built from (None: never built)."""
        return self._stamps.get(council_id)

    def councils(self) -> list[int]:
        """The councils with a catalogue of their own."""
        return sorted(self._councils)

    def put(self, council_id: int, live: Sequence[Wording], stamp: Hashable) -> None:
        """Replace a council's catalogue with the shipped one and `live` (its approved
        versions, newest first) over it; `stamp` says what it was built from."""
        self._councils[council_id] = self.shipped.overlaid(live) if live else self.shipped
        self._stamps[council_id] = stamp

    def forget(self, council_id: int) -> None:
        """The council has no approved versions any more: it gets the shipped wording."""
        self._councils.pop(council_id, None)
        self._stamps.pop(council_id, None)


def not_live(catalogue: Catalogue, *, ignoring_trial: bool = False) -> list[str]:
    """The ids of young-person messages that could not be sent from this catalogue: neither
    reading level of their English is live (approved, or drafts allowed; `ignoring_trial`:
    approved). Translations fall back to English, so English alone decides whether a message
    can go out."""

    def live(message: Message, level: Level) -> bool:
        if ignoring_trial:
            return approved(message, DEFAULT_LANGUAGE, level)
        return catalogue.live(message, DEFAULT_LANGUAGE, level)

    return [
        message.id
        for message in catalogue.messages()
        if message.audience == "young_person" and not any(live(message, lvl) for lvl in Level)
    ]


def render_safely(
    council: Catalogue,
    message_id: str,
    values: Mapping[str, str],
    profile: CommunicationProfile,
    *,
    council_id: int | None = None,
) -> tuple[Catalogue, Rendered]:
    """The safety lane's rendering: with the council's wording, or, should that fail (a
    version the studio let through that cannot be filled in), with the shipped wording, so a
    worried young person always gets the acknowledgement and the helplines. Returns the
    catalogue used (for the buttons) and the message."""
    try:
        return council, render(council, message_id, values, profile)
    except ContentError:
        # Ids only: the values are a young person's and their worker's.
        _LOG.warning(
            "council %s wording for %s did not render on the safety lane: shipped wording sent",
            council_id,
            message_id,
        )
        shipped = council.shipped.for_safety()
        return shipped, render(shipped, message_id, values, profile)
