"""What gamification keeps of each community: time zone and decay settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from services.gamification.domain.rule import zone
from services.gamification.models import Community

CACHE_KEY = "gamification.communities"


@dataclass(frozen=True)
class CommunitySettings:
    id: str
    timezone: str = "UTC"
    decay_after_days: int | None = None
    decay_percent: int = 0


async def settings_of(session: AsyncSession, community_id: str) -> CommunitySettings:
    """The community's settings (UTC and no decay until gamification hears of it), cached per session."""
    cache: dict[str, CommunitySettings] = session.info.setdefault(CACHE_KEY, {})
    if community_id not in cache:
        row = await session.get(Community, community_id)
        cache[community_id] = (
            CommunitySettings(community_id)
            if row is None
            else CommunitySettings(row.id, row.timezone, row.decay_after_days, row.decay_percent)
        )
    return cache[community_id]


async def remember_community(session: AsyncSession, *, community_id: str, timezone: str, at: datetime) -> None:
    if await session.get(Community, community_id) is None:
        session.add(Community(id=community_id, timezone=timezone, created_at=at))
        session.info.get(CACHE_KEY, {}).pop(community_id, None)


async def change_settings(
    session: AsyncSession,
    *,
    community_id: str,
    timezone: str | None,
    decay_after_days: int | None,
    decay_percent: int | None,
    at: datetime,
) -> Community:
    row = await session.get(Community, community_id)
    if row is None:
        row = Community(id=community_id, created_at=at)
    if timezone is not None:
        zone(timezone)
        row.timezone = timezone
    row.decay_after_days = decay_after_days
    if decay_percent is not None:
        row.decay_percent = decay_percent
    session.add(row)
    session.info.get(CACHE_KEY, {}).pop(community_id, None)
    return row
