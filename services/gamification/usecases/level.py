"""Level schemes of communities."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.gamification.events import LevelReached
from kit.auth import Principal, ensure_community_access
from kit.errors import Conflict, FieldError, InvalidInput
from kit.events import emit
from kit.ids import new_id
from services.gamification.domain.level import DEFAULT_SCHEME, LevelSpec, level_for, validate_scheme
from services.gamification.models import Level
from services.gamification.repo.ledger import LedgerRepository
from services.gamification.repo.level import LevelRepository

LEVELS_CACHE_KEY = "gamification.levels"


async def create_default_scheme(session: AsyncSession, *, community_id: str, at: datetime) -> list[Level]:
    """Give a new community the default levels, unless it already has a scheme."""
    repo = LevelRepository(session)
    if await repo.exists_for(community_id):
        return []
    levels = _level_rows(community_id, [(spec, None) for spec in DEFAULT_SCHEME], at=at)
    repo.add_all(levels)
    session.info.get(LEVELS_CACHE_KEY, {}).pop(community_id, None)
    return levels


async def replace_scheme(
    session: AsyncSession,
    *,
    principal: Principal,
    community_id: str,
    levels: Sequence[tuple[LevelSpec, str | None]],
    at: datetime,
) -> list[Level]:
    """Put ``levels`` (spec and chat role, in rank order) in place of the community's scheme.

    Members move to the level their lifetime points reach under the new thresholds, silently: a scheme
    change is the operator's decision, not an achievement, so it announces no ``level.reached``.
    """
    ensure_community_access(principal, community_id)
    specs = [spec for spec, _ in levels]
    problems = validate_scheme(specs)
    if problems:
        raise InvalidInput("; ".join(problems), errors=[FieldError(field="levels", reason=p) for p in problems])
    repo = LevelRepository(session)
    rows = _level_rows(community_id, levels, at=at)
    try:
        async with session.begin_nested():
            await repo.delete_for(community_id)
            repo.add_all(rows)
    except IntegrityError:
        # The default scheme of a community created a moment ago landed in between.
        raise Conflict("the level scheme changed meanwhile; send it again", code="level_scheme_changed") from None
    session.info.get(LEVELS_CACHE_KEY, {}).pop(community_id, None)
    ledger = LedgerRepository(session)
    for balance in await ledger.all_balances(community_id):
        rank = level_for(balance.lifetime, specs).rank
        if rank != balance.level_rank:
            await ledger.set_level_rank(community_id, balance.member_id, rank)
    return rows


def _level_rows(community_id: str, levels: Sequence[tuple[LevelSpec, str | None]], *, at: datetime) -> list[Level]:
    return [
        Level(
            id=new_id("lvl"),
            community_id=community_id,
            rank=spec.rank,
            name=spec.name,
            threshold=spec.threshold,
            chat_role=chat_role,
            created_at=at,
        )
        for spec, chat_role in levels
    ]


async def levels_by_community(
    session: AsyncSession, *, principal: Principal, community_ids: Sequence[str]
) -> dict[str, list[Level]]:
    for community_id in community_ids:
        ensure_community_access(principal, community_id)
    grouped: dict[str, list[Level]] = defaultdict(list)
    for level in await LevelRepository(session).list_for(community_ids):
        grouped[level.community_id].append(level)
    return {community_id: grouped.get(community_id, []) for community_id in community_ids}


async def scheme_of(session: AsyncSession, community_id: str) -> list[Level]:
    """The community's levels by rank, cached for the session (a consumer batch, a request)."""
    cache: dict[str, list[Level]] = session.info.setdefault(LEVELS_CACHE_KEY, {})
    if community_id not in cache:
        cache[community_id] = list(await LevelRepository(session).list_for([community_id]))
    return cache[community_id]


async def after_lifetime_change(
    session: AsyncSession, *, community_id: str, member_id: str, lifetime: int, level_rank: int, at: datetime
) -> Level | None:
    """Move the member to the level their lifetime points reach; ``level.reached`` when it rose."""
    levels = await scheme_of(session, community_id)
    rank, reached = climb(levels, member_id=member_id, lifetime=lifetime, level_rank=level_rank)
    if rank == level_rank:
        return None
    await LedgerRepository(session).set_level_rank(community_id, member_id, rank)
    if reached is None:
        return None  # a correction took points back: the level follows, silently
    await emit(session, reached, community_id=community_id, at=at)
    return next(level for level in levels if level.rank == rank)


def climb(
    levels: Sequence[Level], *, member_id: str, lifetime: int, level_rank: int
) -> tuple[int, LevelReached | None]:
    """The level rank ``lifetime`` reaches from ``level_rank``, and the ``level.reached`` to emit when it
    rose (none when it stayed or fell). No I/O: a batch walks its awards through it in order."""
    if not levels:
        return level_rank, None
    reached = level_for(lifetime, [LevelSpec(level.rank, level.name, level.threshold) for level in levels])
    if reached.rank <= level_rank:
        return reached.rank, None
    level = next(level for level in levels if level.rank == reached.rank)
    previous = next((level for level in levels if level.rank == level_rank), None)
    event = LevelReached(
        member_id=member_id,
        level_id=level.id,
        rank=level.rank,
        name=level.name,
        previous_rank=level_rank,
        lifetime=lifetime,
        chat_role=level.chat_role,
        previous_chat_role=previous.chat_role if previous else None,
    )
    return level.rank, event


def progress_of(lifetime: int, levels: Sequence[Level]) -> tuple[Level | None, Level | None, float]:
    """(current level, next level, progress 0..1 from current to next)."""
    if not levels:
        return None, None, 0.0
    specs = [LevelSpec(level.rank, level.name, level.threshold) for level in levels]
    current_spec = level_for(lifetime, specs)
    current = next(level for level in levels if level.rank == current_spec.rank)
    following = next((level for level in levels if level.rank == current.rank + 1), None)
    if following is None:
        return current, None, 1.0
    span = following.threshold - current.threshold
    return current, following, min(max((lifetime - current.threshold) / span, 0.0), 1.0)
