"""Scheduled work of the gamification service: find what is due, one community at a time, at its own time.

Each entry of ``DUE_WORK`` is ``async def run(session, *, community_id, now)``: it does what is due at the
community's ``now`` (a test clock may move it) and never commits; ``run_community`` gives each entry its own
transaction, and ``DueWorkLoop`` runs every entry at its cadence for every community the service knows.
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
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kit.clock import Clocks
from kit.db import Sessionmaker, run_after_commit
from services.gamification.models import Community
from services.gamification.usecases import badge, ledger, rollover

log = logging.getLogger(__name__)
PAGE = 200


async def backfill_badges(session: AsyncSession, *, community_id: str, now: datetime) -> int:
    """``badge.backfill``: awards the incremental evaluation missed (failures, badges added later)."""
    return await badge.backfill(session, community_id=community_id, now=now)


async def decay_points(session: AsyncSession, *, community_id: str, now: datetime) -> int:
    """``points.decay``: inactive members' balances shrink, at most once per community-local day."""
    return await ledger.decay(session, community_id=community_id, at=now)


async def roll_over_challenges(session: AsyncSession, *, community_id: str, now: datetime) -> rollover.Rolled:
    """``challenge.rollover``: closed days become misses; finished challenges are decided."""
    return await rollover.roll_over(session, community_id=community_id, now=now)


@dataclass(frozen=True)
class DueWork:
    run: Callable[..., Awaitable[Any]]
    every_seconds: float


DUE_WORK: dict[str, DueWork] = {
    "badge.backfill": DueWork(backfill_badges, every_seconds=86_400),
    # Every pass: the community's local day decides (a one-row check when it already ran or is off).
    "points.decay": DueWork(decay_points, every_seconds=0),
    # Every pass: a day's window can close at any minute; an idle community costs one query.
    "challenge.rollover": DueWork(roll_over_challenges, every_seconds=0),
}


async def run_community(
    sessionmaker: Sessionmaker, *, community_id: str, now: datetime, only: str | None = None
) -> dict[str, Any]:
    """Every due-work function (or just ``only``) for one community, each in its own transaction."""
    results: dict[str, Any] = {}
    for name, work in DUE_WORK.items():
        if only is not None and name != only:
            continue
        async with sessionmaker() as session:
            results[name] = await work.run(session, community_id=community_id, now=now)
            await session.commit()
        await run_after_commit(session)
    return results


class DueWorkLoop:
    def __init__(self, *, sessionmaker: Sessionmaker, clocks: Clocks, interval: float = 300.0) -> None:
        self._sessionmaker = sessionmaker
        self._clocks = clocks
        self._interval = interval
        self._last_run: dict[str, float] = {}

    def _due(self) -> list[str]:
        now = time.monotonic()
        due = [n for n, w in DUE_WORK.items() if n not in self._last_run or now - self._last_run[n] >= w.every_seconds]
        self._last_run.update(dict.fromkeys(due, now))
        return due

    async def run_once(self) -> int:
        names, after, passed = self._due(), "", 0
        while names:
            async with self._sessionmaker() as session:
                query = select(Community.id).where(col(Community.id) > after).order_by(col(Community.id)).limit(PAGE)
                ids = list((await session.exec(query)).all())
            for community_id in ids:
                for name in names:
                    try:
                        await run_community(
                            self._sessionmaker, community_id=community_id, now=self._clocks.now(community_id), only=name
                        )
                    except Exception:
                        log.exception("due work failed", extra={"community": community_id, "work": name})
                passed += 1
            if len(ids) < PAGE:
                break
            after = ids[-1]
        return passed

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.run_once()
            except Exception:
                log.exception("gamification jobs pass failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self._interval)


def job_runners(app: FastAPI) -> list[Callable[[asyncio.Event], Coroutine[Any, Any, None]]]:
    """The scheduled work of the gamification worker, against the app's database and clocks."""
    loop = DueWorkLoop(sessionmaker=app.state.sessionmaker, clocks=app.state.clocks)
    return [loop.run]
