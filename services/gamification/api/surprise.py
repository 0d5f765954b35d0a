"""``/v1/communities/{community_id}/surprises``: surprise rules, and the draws they made (the audit)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from contracts.gamification.surprise import (
    DrawPage,
    DrawRead,
    DrawVerification,
    SurpriseRuleCreate,
    SurpriseRuleRead,
)
from kit.auth import ensure_community_access
from services.gamification.api.deps import ClocksDep, IdempotencyDep, PrincipalDep, SessionDep
from services.gamification.usecases import surprise as usecases

router = APIRouter(prefix="/v1/communities/{community_id}/surprises", tags=["surprises"])


@router.post("", status_code=201, response_model=SurpriseRuleRead)
async def create_rule(
    community_id: str,
    body: SurpriseRuleCreate,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    ensure_community_access(principal, community_id)

    async def create() -> SurpriseRuleRead:
        rule = await usecases.create_rule(
            session, community_id=community_id, at=clocks.now(community_id), **body.model_dump()
        )
        return SurpriseRuleRead.model_validate(rule)

    return await idempotency.run(create)


@router.get("")
async def list_rules(community_id: str, session: SessionDep, principal: PrincipalDep) -> list[SurpriseRuleRead]:
    ensure_community_access(principal, community_id)
    return [SurpriseRuleRead.model_validate(r) for r in await usecases.list_rules(session, community_id=community_id)]


@router.get("/draws")
async def list_draws(
    community_id: str,
    session: SessionDep,
    principal: PrincipalDep,
    rule_id: str | None = None,
    member_id: str | None = None,
    before: Annotated[str | None, Query(description="draws older than this id")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> DrawPage:
    ensure_community_access(principal, community_id)
    rows = await usecases.draws(
        session, community_id=community_id, rule_id=rule_id, member_id=member_id, before=before, limit=limit + 1
    )
    items = [DrawRead.model_validate(r) for r in rows[:limit]]
    return DrawPage(items=items, next_cursor=items[-1].id if len(rows) > limit else None)


@router.get("/draws/{draw_id}/verification")
async def verify_draw(
    community_id: str, draw_id: str, session: SessionDep, principal: PrincipalDep
) -> DrawVerification:
    """Re-derive a recorded draw from its seed and the rule's secret."""
    ensure_community_access(principal, community_id)
    checked = await usecases.verify(session, community_id=community_id, draw_id=draw_id)
    return DrawVerification(
        draw=DrawRead.model_validate(checked.draw), digest=checked.digest, value=checked.value, matches=checked.matches
    )
