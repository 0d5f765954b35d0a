"""Scheduled work of the membership service: thin functions that find due work and call a use case.

Each takes the community and its ``now``, so test clocks drive them exactly like the worker loop does.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kit.clock import Clocks
from kit.db import Sessionmaker
from services.membership.models import Community
from services.membership.models.purge import PurgeRun
from services.membership.usecases import purge_run, standing

log = logging.getLogger(__name__)

# How often the worker loop recomputes standing, and looks for purges whose grace period ended.
STANDING_EVERY_SECONDS = 3_600.0
PURGE_EVERY_SECONDS = 60.0


async def recompute_standing(
    session: AsyncSession, *, community_id: str, now: datetime
) -> list[standing.StandingChange]:
    """``standing.recompute``: promotions and demotions due in one community at ``now``."""
    return await standing.recompute_standing(session, community_id=community_id, now=now)


async def run_due_purges(session: AsyncSession, *, community_id: str, now: datetime) -> list[PurgeRun]:
    """``purge.remove``: finish the community's purge runs whose grace period has ended at ``now``."""
    return await purge_run.run_due_purges(session, community_id=community_id, now=now)


async def _community_ids(sessionmaker: Sessionmaker, *, only_with_open_purges: bool = False) -> list[str]:
    async with sessionmaker() as session:
        if only_with_open_purges:
            query = select(col(PurgeRun.community_id)).where(PurgeRun.status == "warning").distinct()
        else:
            query = select(col(Community.id)).order_by(col(Community.id))
        return list((await session.exec(query)).all())


async def _each_community(
    sessionmaker: Sessionmaker,
    clocks: Clocks,
    community_ids: list[str],
    job: Callable[..., Awaitable[object]],
) -> None:
    """One transaction per community: one community's failure neither blocks nor undoes the others'."""
    for community_id in community_ids:
        try:
            async with sessionmaker() as session:
                await job(session, community_id=community_id, now=clocks.now(community_id))
                await session.commit()
        except Exception:
            log.exception("membership job failed", extra={"job": job.__name__, "community_id": community_id})


async def recompute_standing_everywhere(sessionmaker: Sessionmaker, clocks: Clocks) -> None:
    await _each_community(sessionmaker, clocks, await _community_ids(sessionmaker), recompute_standing)


async def run_due_purges_everywhere(sessionmaker: Sessionmaker, clocks: Clocks) -> None:
    communities = await _community_ids(sessionmaker, only_with_open_purges=True)
    await _each_community(sessionmaker, clocks, communities, run_due_purges)
