"""What gamification keeps of each community: time zone and decay settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from kit.errors import InvalidInput
from services.gamification.domain.ledger import decay_problems
from services.gamification.domain.rule import is_timezone
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


async def community_or_none(session: AsyncSession, community_id: str) -> Community | None:
    return await session.get(Community, community_id)


async def change_settings(
    session: AsyncSession,
    *,
    community_id: str,
    timezone: str | None,
    decay: tuple[int | None, int | None] | None,
    at: datetime,
) -> Community:
    """Change the time zone (when given) and decay (when given: ``(after_days, percent)``, both None for off).
    Bad input names its field and changes nothing."""
    if timezone is not None and not is_timezone(timezone):
        raise InvalidInput.of("timezone", "is not an IANA time zone")
    if decay is not None:
        problems = decay_problems(*decay)
        InvalidInput.raise_any(problems)
    row = await session.get(Community, community_id)
    if row is None:
        row = Community(id=community_id, created_at=at)
    if timezone is not None:
        row.timezone = timezone
    if decay is not None:
        row.decay_after_days, row.decay_percent = decay[0], decay[1] or 0
    session.add(row)
    session.info.get(CACHE_KEY, {}).pop(community_id, None)
    return row
