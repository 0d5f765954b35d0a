"""Scheduled work of the membership service (expiry, purge) lands here with its issues."""

from __future__ import annotations

from kit.clock import Clocks
from kit.db import Sessionmaker
from services.membership.usecases import probation

PROBATION_BATCH = 200


async def probation_promote(sessionmaker: Sessionmaker, *, clocks: Clocks) -> int:
    """``probation.promote``: promote members whose probation asks for N days without strikes.

    Walks the open probations in batches, one transaction per batch; returns how many were promoted.
    """
    promoted, after = 0, None
    while True:
        async with sessionmaker() as session:
            batch = await probation.open_probations(session, after=after, limit=PROBATION_BATCH)
            for row in batch:
                if await probation.promote_if_clean(session, row, now=clocks.now(row.community_id)):
                    promoted += 1
            await session.commit()
        if len(batch) < PROBATION_BATCH:
            return promoted
        after = batch[-1].id
