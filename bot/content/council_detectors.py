"""What hears worries for each council: the shipped lexicon and model, and for a council whose
safeguarding leads approved phrases of their own in the staff console, a detector with those
phrases besides the shipped ones (issue 16).

Held in memory by each instance and read on every young person's message, so hearing asks the
database nothing. The process that approves an addition replaces that council's detector at
once; every other instance does so from a scheduler tick that compares each council's stamp
(how many approved additions, and when one last changed) with the one it built from
(bot.services.safety_words_refresh). Another council's young people keep the shipped one.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Hashable, Sequence

from bot.content.safety_lexicon import load_lexicon
from bot.domain.safety.additions import Addition, usable, with_additions
from bot.domain.safety.hearing import Detector

_LOG = logging.getLogger(__name__)


@functools.cache
def _project_detector() -> Detector:
    return Detector(load_lexicon())


class CouncilDetectors:
    """The shipped detector and each council's, as this instance knows them."""

    def __init__(self, hearing: Callable[[], Detector] = _project_detector) -> None:
        # `hearing` reads the shipped detector when it is first needed; by default (tests,
        # tools that never hear a worry) the project's lexicon alone.
        self._hearing = hearing
        self._councils: dict[int, Detector] = {}
        self._stamps: dict[int, Hashable] = {}

    @property
    def shipped(self) -> Detector:
        """The lexicon (and model) every council starts with."""
        return self._hearing()

    def for_council(self, council_id: int | None, shipped: Detector | None = None) -> Detector:
        """The detector for a council's young people: its own when it has approved additions,
        else `shipped` (the caller's; this holder's shipped one when not given)."""
        found = self._councils.get(council_id) if council_id is not None else None
        return found or shipped or self.shipped

    def stamp(self, council_id: int) -> Hashable | None:
        """The stamp the council's detector was built from (None: never built)."""
        return self._stamps.get(council_id)

    def councils(self) -> list[int]:
        """The councils with a detector of their own."""
        return sorted(self._councils)

    def put(self, council_id: int, additions: Sequence[Addition], stamp: Hashable) -> None:
        """Replace a council's detector with the shipped one and `additions` (its approved
        phrases); `stamp` says what it was built from. Additions the lexicon no longer
        accepts are left out."""
        shipped = self.shipped
        built: Detector | None = None
        try:
            phrases = usable(additions, shipped.lexicon)
            if phrases:
                built = Detector(with_additions(shipped.lexicon, phrases), shipped.model)
        except Exception as error:  # hearing worries must never stop
            # The council's young people are heard with the shipped lexicon, which hears every
            # worry it always did; the stamp is kept, so this is not tried on every tick.
            _LOG.error(
                "council %s's safety phrases could not be added (%s): the shipped lexicon hears "
                "its young people",
                council_id,
                type(error).__name__,
            )
        if built is not None:
            self._councils[council_id] = built
        else:
            self._councils.pop(council_id, None)
        self._stamps[council_id] = stamp

    def forget(self, council_id: int) -> None:
        """The council has no approved additions any more: it gets the shipped detector."""
        self._councils.pop(council_id, None)
        self._stamps.pop(council_id, None)
