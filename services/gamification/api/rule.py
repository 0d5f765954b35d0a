"""``/v1/communities/{community_id}/rules``: point rules as data, versioned on every change."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from contracts.gamification.rule import RuleCreate, RuleRead, RuleUpdate
from kit.auth import ensure_community_access
from kit.errors import InvalidInput
from services.gamification.api.deps import ClocksDep, IdempotencyDep, PrincipalDep, SessionDep
from services.gamification.usecases import rule as usecases

NULLABLE = frozenset({"daily_cap"})  # null takes the cap off; every other field keeps a value
router = APIRouter(prefix="/v1/communities/{community_id}/rules", tags=["rules"])


@router.post("", status_code=201, response_model=RuleRead)
async def create_rule(
    community_id: str,
    body: RuleCreate,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    ensure_community_access(principal, community_id)

    async def create() -> RuleRead:
        rule = await usecases.create_rule(
            session, community_id=community_id, at=clocks.now(community_id), **body.model_dump()
        )
        return RuleRead.model_validate(rule)

    return await idempotency.run(create)


@router.get("")
async def list_rules(community_id: str, session: SessionDep, principal: PrincipalDep) -> list[RuleRead]:
    ensure_community_access(principal, community_id)
    return [RuleRead.model_validate(r) for r in await usecases.current_rules(session, community_id=community_id)]


@router.get("/{rule_id}")
async def get_rule(community_id: str, rule_id: str, session: SessionDep, principal: PrincipalDep) -> RuleRead:
    ensure_community_access(principal, community_id)
    return RuleRead.model_validate(await usecases.rule_or_raise(session, community_id=community_id, rule_id=rule_id))


@router.get("/{rule_id}/versions")
async def list_rule_versions(
    community_id: str, rule_id: str, session: SessionDep, principal: PrincipalDep
) -> list[RuleRead]:
    ensure_community_access(principal, community_id)
    versions = await usecases.rule_versions(session, community_id=community_id, rule_id=rule_id)
    return [RuleRead.model_validate(r) for r in versions]


@router.patch("/{rule_id}")
async def change_rule(
    community_id: str, rule_id: str, body: RuleUpdate, session: SessionDep, principal: PrincipalDep, clocks: ClocksDep
) -> RuleRead:
    ensure_community_access(principal, community_id)
    changes = body.model_dump(exclude_unset=True)
    for field, value in changes.items():
        if value is None and field not in NULLABLE:
            raise InvalidInput.of(field, "must not be null")
    rule = await usecases.change_rule(
        session, community_id=community_id, rule_id=rule_id, changes=changes, at=clocks.now(community_id)
    )
    return RuleRead.model_validate(rule)
