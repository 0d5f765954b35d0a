"""``/v1/communities/{community_id}/leaderboards``: top N, my rank and my neighbours, straight from Redis;
plus the check against the ledger and the rebuild from it."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from contracts.gamification.leaderboard import (
    LeaderboardCheck,
    LeaderboardRead,
    LeaderboardRebuilt,
    MemberRanksBatch,
    MemberRanksRead,
    MismatchRead,
    RankedRead,
)
from kit.auth import ensure_community_access
from services.gamification.api.deps import ClocksDep, PrincipalDep, RedisDep, SessionDep
from services.gamification.domain.leaderboard import Window, period_of
from services.gamification.usecases import leaderboard as usecases
from services.gamification.usecases.community import settings_of
from services.gamification.usecases.leaderboard import Ranked

router = APIRouter(prefix="/v1/communities/{community_id}/leaderboards", tags=["leaderboards"])
TIMEZONE_TTL = 30.0


async def timezone_of(request: Request, community_id: str) -> str:
    """The community's time zone, remembered for a little while: the read path stays one Redis round trip,
    with no database session unless the zone has to be read."""
    cache: dict[str, tuple[float, str]] = request.app.state.timezones
    hit = cache.get(community_id)
    if hit is not None and hit[0] > time.monotonic():
        return hit[1]
    async with request.app.state.read_sessionmaker() as session:
        timezone = (await settings_of(session, community_id)).timezone
    cache[community_id] = (time.monotonic() + TIMEZONE_TTL, timezone)
    return timezone


def ranked_dict(ranked: Ranked) -> dict[str, str | int]:
    return {"member_id": ranked.member_id, "score": ranked.score, "rank": ranked.rank}


def ranked_read(ranked: Ranked) -> RankedRead:
    return RankedRead(member_id=ranked.member_id, score=ranked.score, rank=ranked.rank)


@router.get("/{window}", response_model=LeaderboardRead)
async def read_leaderboard(
    community_id: str,
    window: Window,
    request: Request,
    principal: PrincipalDep,
    redis: RedisDep,
    clocks: ClocksDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    member_id: Annotated[str | None, Query(description="also answer this member's rank")] = None,
    radius: Annotated[int, Query(ge=0, le=50, description="members above and below the member")] = 0,
    period: Annotated[str | None, Query(description="an earlier period, e.g. 2026-03-02, 2026-W10, 2026-03")] = None,
) -> Response:
    """The hottest read: one Redis round trip (two with ``radius``), no database session once the community's
    time zone is cached, and the body serialized once by pydantic-core instead of being built as models and
    validated again by FastAPI."""
    ensure_community_access(principal, community_id)
    timezone = await timezone_of(request, community_id)
    now = clocks.now(community_id)
    period = period or period_of(window, now, timezone)
    key = usecases.current_key(community_id, window, at=now, timezone=timezone, period=period)
    board = await usecases.board_of(redis, key, limit=limit, member_id=member_id)
    around = []
    if radius and board.me is not None and member_id is not None:
        around = [ranked_dict(r) for r in await usecases.around(redis, key, member_id, radius=radius)]
    body = {
        "window": window,
        "period": period,
        "top": [ranked_dict(r) for r in board.top],
        "me": ranked_dict(board.me) if board.me else None,
        "around": around,
    }
    return Response(LeaderboardRead.model_validate(body).model_dump_json(), media_type="application/json")


@router.get("")
async def member_ranks(
    community_id: str,
    request: Request,
    principal: PrincipalDep,
    redis: RedisDep,
    clocks: ClocksDep,
    member_id: Annotated[list[str], Query(min_length=1, max_length=200)],
) -> MemberRanksBatch:
    """Each member's rank in every window's current period (for the gateway's DataLoader)."""
    ensure_community_access(principal, community_id)
    timezone = await timezone_of(request, community_id)
    now = clocks.now(community_id)
    keys = {w: usecases.current_key(community_id, w, at=now, timezone=timezone) for w in Window}
    found = await usecases.ranks_of(redis, keys, member_id)
    return MemberRanksBatch(
        items=[
            MemberRanksRead(member_id=m, ranks={w: ranked_read(r) for w, r in ranks.items()})
            for m, ranks in found.items()
        ]
    )


@router.get("/check/consistency")
async def check_leaderboards(
    community_id: str, session: SessionDep, principal: PrincipalDep, redis: RedisDep, clocks: ClocksDep
) -> LeaderboardCheck:
    ensure_community_access(principal, community_id)
    timezone = (await settings_of(session, community_id)).timezone
    mismatches = await usecases.check(
        session, redis, community_id=community_id, at=clocks.now(community_id), timezone=timezone
    )
    return LeaderboardCheck(
        consistent=not mismatches,
        mismatches=[
            MismatchRead(window=m.window, member_id=m.member_id, ledger=m.ledger, board=m.board) for m in mismatches
        ],
    )


@router.post("/rebuild")
async def rebuild_leaderboards(
    community_id: str, session: SessionDep, principal: PrincipalDep, redis: RedisDep, clocks: ClocksDep
) -> LeaderboardRebuilt:
    ensure_community_access(principal, community_id)
    timezone = (await settings_of(session, community_id)).timezone
    members = {
        window: await usecases.rebuild(
            session, redis, community_id=community_id, window=window, at=clocks.now(community_id), timezone=timezone
        )
        for window in Window
    }
    return LeaderboardRebuilt(members=members)
