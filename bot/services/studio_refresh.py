"""Keeping each instance's council catalogues up to date with what therapists approved.

Every instance runs `try_refresh_wordings` from a scheduler tick every few seconds: one small
grouped query (per council: how many approved versions, and when one last changed), and only
for a council whose stamp differs from the one its catalogue was built from, a read of that
council's approved versions. Rendering a message never asks the database anything.
"""

from __future__ import annotations

from bot.services.ports import UnitOfWork
from bot.services.studio import as_wording


async def try_refresh_wordings(uow: UnitOfWork) -> int:
    """Rebuild the catalogue of every council whose approved wording changed since this
    instance last built it; returns how many were rebuilt (0 on most ticks)."""
    async with uow.reading():
        wordings = uow.postbox.wordings
        stamps = await uow.wording_versions.stamps()
        changed = [
            council_id
            for council_id, stamp in stamps.items()
            if wordings.stamp(council_id) != stamp
        ]
        gone = [council_id for council_id in wordings.councils() if council_id not in stamps]
        rebuilt = {
            council_id: [as_wording(v) for v in await uow.wording_versions.approved(council_id)]
            for council_id in changed
        }
    for council_id, approved in rebuilt.items():
        wordings.put(council_id, approved, stamps[council_id])
    for council_id in gone:
        wordings.forget(council_id)
    return len(rebuilt) + len(gone)
