"""``/v1/communities/{community_id}/points``: grants, spends, corrections, balances and ledger entries."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from contracts.gamification.ledger import (
    BalanceBatch,
    BalanceRead,
    CorrectionCreate,
    EntryPage,
    EntryRead,
    GrantCreate,
    PointSettings,
    PointSettingsRead,
    PostedRead,
    SpendCreate,
)
from kit.auth import ensure_community_access
from services.gamification.api.deps import ClocksDep, IdempotencyDep, PrincipalDep, SessionDep
from services.gamification.models import Balance, Community
from services.gamification.usecases import community as community_usecases
from services.gamification.usecases import ledger as usecases
from services.gamification.usecases.ledger import Posted

router = APIRouter(prefix="/v1/communities/{community_id}", tags=["points"])


def posted_read(posted: Posted) -> PostedRead:
    return PostedRead(entry=EntryRead.model_validate(posted.entry), balance=posted.balance, lifetime=posted.lifetime)


def balance_read(balance: Balance) -> BalanceRead:
    return BalanceRead(
        member_id=balance.member_id,
        balance=balance.balance,
        lifetime=balance.lifetime,
        level_rank=balance.level_rank,
        tier_id=balance.tier_id,
        last_active_at=balance.last_active_at,
    )


async def _posted(idempotency: IdempotencyDep, post: Coroutine[Any, Any, Posted]) -> JSONResponse:
    """Run ``post`` (not started yet) under the request's Idempotency-Key: a retry replays the first answer."""

    async def run() -> PostedRead:
        return posted_read(await post)

    try:
        return await idempotency.run(run)
    finally:
        post.close()  # a replayed answer never awaits it; closing an awaited coroutine does nothing


@router.post("/points/grants", status_code=201, response_model=PostedRead)
async def grant_points(
    community_id: str,
    body: GrantCreate,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    ensure_community_access(principal, community_id)
    post = usecases.grant(
        session,
        community_id=community_id,
        member_id=body.member_id,
        points=body.points,
        reason=body.reason,
        at=clocks.now(community_id),
        idempotency_key=idempotency.key,
    )
    return await _posted(idempotency, post)


@router.post("/points/spends", status_code=201, response_model=PostedRead)
async def spend_points(
    community_id: str,
    body: SpendCreate,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    ensure_community_access(principal, community_id)
    post = usecases.spend(
        session,
        community_id=community_id,
        member_id=body.member_id,
        points=body.points,
        reason=body.reason,
        at=clocks.now(community_id),
        idempotency_key=idempotency.key,
    )
    return await _posted(idempotency, post)


@router.post("/points/corrections", status_code=201, response_model=PostedRead)
async def correct_points(
    community_id: str,
    body: CorrectionCreate,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    ensure_community_access(principal, community_id)
    post = usecases.correct(
        session,
        community_id=community_id,
        entry_id=body.entry_id,
        points=body.points,
        reason=body.reason,
        at=clocks.now(community_id),
        idempotency_key=idempotency.key,
    )
    return await _posted(idempotency, post)


@router.get("/members/{member_id}/points")
async def member_points(community_id: str, member_id: str, session: SessionDep, principal: PrincipalDep) -> BalanceRead:
    ensure_community_access(principal, community_id)
    return balance_read(await usecases.balance_of(session, community_id=community_id, member_id=member_id))


@router.get("/members/{member_id}/points/entries")
async def member_entries(
    community_id: str,
    member_id: str,
    session: SessionDep,
    principal: PrincipalDep,
    before: Annotated[str | None, Query(description="entries older than this entry id")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> EntryPage:
    ensure_community_access(principal, community_id)
    rows = await usecases.entries_of(
        session, community_id=community_id, member_id=member_id, before=before, limit=limit + 1
    )
    items = [EntryRead.model_validate(row) for row in rows[:limit]]
    return EntryPage(items=items, next_cursor=items[-1].id if len(rows) > limit else None)


@router.get("/points/balances")
async def batch_balances(
    community_id: str,
    session: SessionDep,
    principal: PrincipalDep,
    member_id: Annotated[list[str], Query(min_length=1, max_length=200)],
) -> BalanceBatch:
    ensure_community_access(principal, community_id)
    balances = await usecases.balances_of(session, community_id=community_id, member_ids=member_id)
    return BalanceBatch(items=[balance_read(b) for b in balances])


def settings_read(row: Community | None) -> PointSettingsRead:
    if row is None or row.decay_after_days is None:
        return PointSettingsRead(
            timezone=row.timezone if row else "UTC",
            decay_after_days=None,
            decay_percent=None,
            decayed_on=row.decayed_on if row else None,
        )
    return PointSettingsRead(
        timezone=row.timezone,
        decay_after_days=row.decay_after_days,
        decay_percent=row.decay_percent,
        decayed_on=row.decayed_on,
    )


@router.get("/points/settings")
async def point_settings(community_id: str, session: SessionDep, principal: PrincipalDep) -> PointSettingsRead:
    ensure_community_access(principal, community_id)
    return settings_read(await community_usecases.community_or_none(session, community_id))


@router.put("/points/settings")
async def change_point_settings(
    community_id: str, body: PointSettings, session: SessionDep, principal: PrincipalDep, clocks: ClocksDep
) -> PointSettingsRead:
    """The time zone and decay; decay changes when either of its fields is given (then both must be)."""
    ensure_community_access(principal, community_id)
    given = body.model_fields_set
    decay_given = bool(given & {"decay_after_days", "decay_percent"})
    row = await community_usecases.change_settings(
        session,
        community_id=community_id,
        timezone=body.timezone,
        decay=(body.decay_after_days, body.decay_percent) if decay_given else None,
        at=clocks.now(community_id),
    )
    return settings_read(row)
