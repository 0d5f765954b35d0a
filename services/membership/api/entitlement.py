"""Entitlement checks, the hottest read of all: served from the Redis snapshot cache.

``GET /v1/communities/{community_id}/members/{member_id}/entitlements/{key}`` and the batch
``POST /v1/communities/{community_id}/entitlements:check``. Neither opens a database session unless
a snapshot is missing; the header ``X-Entitlement-Cache`` says ``hit`` or ``miss``.
"""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import Response

from contracts.membership.entitlement import EntitlementRead, EntitlementResults
from kit.auth import PrincipalDep, ensure_community_access
from kit.errors import InvalidInput
from services.membership.api.schemas.entitlement import EntitlementCheck
from services.membership.domain import entitlement as rules
from services.membership.usecases import entitlement as usecases

router = APIRouter(prefix="/v1/communities/{community_id}", tags=["entitlements"])
CACHE_HEADER = "X-Entitlement-Cache"


async def _check(
    request: Request, community_id: str, member_ids: list[str], keys: list[str]
) -> list[usecases.MemberDecisions]:
    state = request.app.state
    return await usecases.check(
        cache=state.entitlement_cache,
        sessionmaker=state.read_sessionmaker,
        clocks=state.clocks,
        community_id=community_id,
        member_ids=member_ids,
        keys=keys,
    )


@router.get(
    "/members/{member_id}/entitlements/{key}",
    response_model=EntitlementRead,
    responses={200: {"headers": {CACHE_HEADER: {"description": "hit or miss", "schema": {"type": "string"}}}}},
)
async def check_entitlement(
    community_id: str, member_id: str, key: str, request: Request, principal: PrincipalDep
) -> Response:
    """May this member have this key? Allowed or not, with the reason."""
    ensure_community_access(principal, community_id)
    try:
        key = rules.clean_key(key)
    except ValueError as error:
        raise InvalidInput.of("key", str(error)) from None
    [found] = await _check(request, community_id, [member_id], [key])
    decision = found.decisions[0]
    body = {"member_id": member_id, "key": key, "allowed": decision.allowed, "reason": decision.reason.value}
    # Built by hand: on the hot path a response model's validation costs more than the cache read.
    return Response(
        json.dumps(body, separators=(",", ":")),
        media_type="application/json",
        headers={CACHE_HEADER: "hit" if found.cached else "miss"},
    )


@router.post("/entitlements:check")
async def check_entitlements(
    community_id: str, body: EntitlementCheck, request: Request, principal: PrincipalDep
) -> EntitlementResults:
    """Every key for every member, member by member in the order given."""
    ensure_community_access(principal, community_id)
    found = await _check(request, community_id, body.member_ids, body.keys)
    return EntitlementResults(
        results=[
            EntitlementRead(member_id=entry.member_id, key=d.key, allowed=d.allowed, reason=d.reason)
            for entry in found
            for d in entry.decisions
        ]
    )
