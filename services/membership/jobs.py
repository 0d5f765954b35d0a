"""Scheduled work of the membership service: find what is due, one community at a time, at its own time.

Each entry of ``DUE_WORK`` runs for one community at that community's ``now`` (``Clocks.now(community_id)``,
which a test clock can move), in its own transaction. ``DueWorkLoop`` runs them all for every community
every ``interval`` seconds in the membership worker (``guildhall worker membership``, ``guildhall dev``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime
from typing import Any

from fastapi import FastAPI
from sqlmodel.ext.asyncio.session import AsyncSession

from kit.clock import Clocks
from kit.db import Sessionmaker
from services.membership.repo.community import CommunityRepository
from services.membership.settings import MembershipSettings
from services.membership.usecases import expiry

log = logging.getLogger(__name__)

DueWork = Callable[..., Awaitable[Any]]
"""``async def work(session, *, community_id, now)``: does what is due and never commits."""

DUE_WORK: dict[str, DueWork] = {
    "membership.expiry": expiry.run_due,
}
PAGE = 200


async def run_community(
    sessionmaker: Sessionmaker, *, community_id: str, now: datetime, only: str | None = None
) -> dict[str, Any]:
    """Every due-work function (or just ``only``) for one community, each in its own transaction."""
    results: dict[str, Any] = {}
    for name, work in DUE_WORK.items():
        if only is not None and name != only:
            continue
        async with sessionmaker() as session:
            results[name] = await work(session, community_id=community_id, now=now)
            await session.commit()
    return results


class DueWorkLoop:
    def __init__(self, *, sessionmaker: Sessionmaker, clocks: Clocks, interval: float = 30.0) -> None:
        self._sessionmaker = sessionmaker
        self._clocks = clocks
        self._interval = interval

    async def _community_ids(self, session: AsyncSession, after: str | None) -> list[str]:
        rows = await CommunityRepository(session).list(ids=None, after=after, limit=PAGE)
        return [community.id for community in rows]

    async def run_once(self) -> int:
        """One pass over every community; a community whose work fails is logged and retried next pass."""
        passed, after = 0, None
        while True:
            async with self._sessionmaker() as session:
                ids = await self._community_ids(session, after)
            for community_id in ids:
                try:
                    await run_community(
                        self._sessionmaker, community_id=community_id, now=self._clocks.now(community_id)
                    )
                except Exception:
                    log.exception("due work failed", extra={"community": community_id})
                passed += 1
            if len(ids) < PAGE:
                return passed
            after = ids[-1]

    async def run(self, stop: asyncio.Event) -> None:
        log.info("membership jobs started", extra={"interval": self._interval})
        while not stop.is_set():
            try:
                await self.run_once()
            except Exception:
                log.exception("membership jobs pass failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self._interval)


def job_runners(app: FastAPI) -> list[Callable[[asyncio.Event], Coroutine[Any, Any, None]]]:
    """The scheduled work of the membership worker, against the app's database and clocks."""
    settings: MembershipSettings = app.state.settings
    interval = settings.membership_jobs_interval_seconds
    loop = DueWorkLoop(sessionmaker=app.state.sessionmaker, clocks=app.state.clocks, interval=interval)
    return [loop.run]
