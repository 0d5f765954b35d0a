"""Scheduled work of the content service (broadcasts, drip, rituals) lands here with its issues.

Each entry of ``DUE_WORK`` is ``async def run(session, *, community_id, now)``: it does what is due at the
community's ``now`` and never commits. A sandbox community's test-clock advance already runs this registry
(``run_community``) at each step, so an entry added here is played out by advances with no further wiring.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kit.db import Sessionmaker, run_after_commit


@dataclass(frozen=True)
class DueWork:
    run: Callable[..., Awaitable[Any]]
    every_seconds: float


DUE_WORK: dict[str, DueWork] = {}


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
