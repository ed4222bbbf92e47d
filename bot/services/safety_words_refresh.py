"""Keeping each instance's council detectors up to date with the phrases safeguarding leads
approved (the studio's safety words, issue 16).

Every instance runs `try_refresh_detectors` from a scheduler tick: one small grouped query
(per council: how many approved phrases, and when one last changed), and only for a council
whose stamp differs from the one its detector was built from, a read of that council's
phrases. Hearing a young person's message never asks the database anything more.
"""

from __future__ import annotations

from bot.domain.safety.additions import SafetyWordKind
from bot.services.ports import UnitOfWork
from bot.services.safety_words import as_addition


async def try_refresh_detectors(uow: UnitOfWork) -> int:
    """Rebuild the detector of every council whose approved phrases changed since this
    instance last built it; returns how many were rebuilt (0 on most ticks)."""
    async with uow.reading():
        detectors = uow.detectors
        stamps = await uow.safety_words.stamps()
        changed = [
            council_id
            for council_id, stamp in stamps.items()
            if detectors.stamp(council_id) != stamp
        ]
        gone = [council_id for council_id in detectors.councils() if council_id not in stamps]
        rebuilt = {
            council_id: [
                as_addition(word)
                for word in await uow.safety_words.approved(council_id, SafetyWordKind.LEXICON)
            ]
            for council_id in changed
        }
    for council_id, additions in rebuilt.items():
        detectors.put(council_id, additions, stamps[council_id])
    for council_id in gone:
        detectors.forget(council_id)
    return len(rebuilt) + len(gone)
