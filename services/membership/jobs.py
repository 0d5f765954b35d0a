"""Scheduled work of the membership service: find what is due, one community at a time, at its own time.

Each entry of ``DUE_WORK`` runs for one community at that community's ``now`` (``Clocks.now(community_id)``,
which a test clock can move), in its own transaction. ``run_community`` runs every entry at once (what a
test clock's advance needs); ``DueWorkLoop`` runs each entry at its own cadence for every community in
the membership worker (``guildhall worker membership``, ``guildhall dev``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import FastAPI
from sqlmodel.ext.asyncio.session import AsyncSession

from kit.clock import Clocks
from kit.db import Sessionmaker
from services.membership.models.purge import PurgeRun
from services.membership.repo.community import CommunityRepository
from services.membership.settings import MembershipSettings
from services.membership.usecases import expiry, probation, purge_run, standing

log = logging.getLogger(__name__)


async def recompute_standing(
    session: AsyncSession, *, community_id: str, now: datetime
) -> list[standing.StandingChange]:
    """``standing.recompute``: promotions and demotions due in one community at ``now``."""
    return await standing.recompute_standing(session, community_id=community_id, now=now)


async def run_due_purges(session: AsyncSession, *, community_id: str, now: datetime) -> list[PurgeRun]:
    """``purge.remove``: finish the community's purge runs whose grace period has ended at ``now``."""
    return await purge_run.run_due_purges(session, community_id=community_id, now=now)


async def promote_clean_probations(session: AsyncSession, *, community_id: str, now: datetime) -> int:
    """``probation.promote``: members whose probation asks for N days without strikes, promoted when clean."""
    promoted = 0
    for row in await probation.open_probations(session, community_id=community_id):
        if await probation.promote_if_clean(session, row, now=now):
            promoted += 1
    return promoted


@dataclass(frozen=True)
class DueWork:
    """``async def run(session, *, community_id, now)``: does what is due and never commits."""

    run: Callable[..., Awaitable[Any]]
    # The worker loop runs it at most this often; a test clock's advance runs it every time.
    every_seconds: float


DUE_WORK: dict[str, DueWork] = {
    "membership.expiry": DueWork(expiry.run_due, every_seconds=0),
    "purge.remove": DueWork(run_due_purges, every_seconds=60),
    "standing.recompute": DueWork(recompute_standing, every_seconds=3_600),
    "probation.promote": DueWork(promote_clean_probations, every_seconds=300),
}
PAGE = 200


async def run_community(
    sessionmaker: Sessionmaker, *, community_id: str, now: datetime, only: str | None = None
) -> dict[str, Any]:
    """Every due-work function (or just ``only``) for one community, each in its own transaction."""
    return await _run_community(sessionmaker, community_id=community_id, now=now, names=_names(only))


def _names(only: str | None) -> list[str]:
    return [name for name in DUE_WORK if only is None or name == only]


async def _run_community(
    sessionmaker: Sessionmaker, *, community_id: str, now: datetime, names: list[str]
) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for name in names:
        async with sessionmaker() as session:
            results[name] = await DUE_WORK[name].run(session, community_id=community_id, now=now)
            await session.commit()
    return results


class DueWorkLoop:
    def __init__(self, *, sessionmaker: Sessionmaker, clocks: Clocks, interval: float = 30.0) -> None:
        self._sessionmaker = sessionmaker
        self._clocks = clocks
        self._interval = interval
        self._last_run: dict[str, float] = {}

    async def _community_ids(self, session: AsyncSession, after: str | None) -> list[str]:
        rows = await CommunityRepository(session).list(ids=None, after=after, limit=PAGE)
        return [community.id for community in rows]

    def _due_names(self) -> list[str]:
        now = time.monotonic()
        due = [
            name
            for name, work in DUE_WORK.items()
            if name not in self._last_run or now - self._last_run[name] >= work.every_seconds
        ]
        for name in due:
            self._last_run[name] = now
        return due

    async def run_once(self) -> int:
        """One pass over every community; a community whose work fails is logged and retried next pass."""
        names = self._due_names()
        passed, after = 0, None
        while True:
            async with self._sessionmaker() as session:
                ids = await self._community_ids(session, after)
            for community_id in ids:
                try:
                    await _run_community(
                        self._sessionmaker, community_id=community_id, now=self._clocks.now(community_id), names=names
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
