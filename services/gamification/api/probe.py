"""``/v1/communities/{community_id}/probes``: attention probes — drop, claim, close, report."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from contracts.gamification.probe import (
    ClaimCreate,
    ClaimRead,
    GroupReportRead,
    ProbeCreate,
    ProbeGroupRead,
    ProbePage,
    ProbeRead,
    ProbeReportRead,
)
from kit.auth import ensure_community_access
from services.gamification.api.deps import ClocksDep, IdempotencyDep, PrincipalDep, SessionDep
from services.gamification.models.probe import Probe, ProbeGroup
from services.gamification.usecases import probe as usecases

router = APIRouter(prefix="/v1/communities/{community_id}/probes", tags=["probes"])


def probe_read(probe: Probe, groups: Sequence[ProbeGroup]) -> ProbeRead:
    return ProbeRead(
        id=probe.id,
        keyword=probe.keyword,
        message=probe.message,
        points_per_claim=probe.points_per_claim,
        max_claims=probe.max_claims,
        claims=probe.claims,
        status=probe.status,
        dropped_at=probe.dropped_at,
        expires_at=probe.expires_at,
        groups=[ProbeGroupRead.model_validate(g) for g in groups],
    )


@router.post("", status_code=201, response_model=ProbeRead)
async def drop_probe(
    community_id: str,
    body: ProbeCreate,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    """Drop a probe into groups; membership sends its message there (``probe.dropped``)."""
    ensure_community_access(principal, community_id)

    async def drop() -> ProbeRead:
        probe, groups = await usecases.drop(
            session, community_id=community_id, at=clocks.now(community_id), **body.model_dump()
        )
        return probe_read(probe, groups)

    return await idempotency.run(drop)


@router.get("")
async def list_probes(
    community_id: str,
    session: SessionDep,
    principal: PrincipalDep,
    before: Annotated[str | None, Query(description="probes older than this id")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> ProbePage:
    ensure_community_access(principal, community_id)
    probes, groups = await usecases.list_probes(session, community_id=community_id, before=before, limit=limit + 1)
    items = [probe_read(p, groups.get(p.id, [])) for p in probes[:limit]]
    return ProbePage(items=items, next_cursor=items[-1].id if len(probes) > limit else None)


@router.post("/{probe_id}/claims", status_code=201, response_model=ClaimRead)
async def claim_probe(
    community_id: str,
    probe_id: str,
    body: ClaimCreate,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    ensure_community_access(principal, community_id)

    async def claim() -> ClaimRead:
        row = await usecases.claim(
            session,
            community_id=community_id,
            probe_id=probe_id,
            member_id=body.member_id,
            group_id=body.group_id,
            via="api",
            at=clocks.now(community_id),
        )
        return ClaimRead.model_validate(row)

    return await idempotency.run(claim)


@router.post("/{probe_id}/close")
async def close_probe(community_id: str, probe_id: str, session: SessionDep, principal: PrincipalDep) -> ProbeRead:
    ensure_community_access(principal, community_id)
    probe, groups = await usecases.close(session, community_id=community_id, probe_id=probe_id)
    return probe_read(probe, groups)


@router.get("/{probe_id}/report")
async def probe_report(
    community_id: str, probe_id: str, session: SessionDep, principal: PrincipalDep
) -> ProbeReportRead:
    """Per group: members present (when known), claims, claim ratio and the latency distribution."""
    ensure_community_access(principal, community_id)
    report = await usecases.report(session, community_id=community_id, probe_id=probe_id)
    return ProbeReportRead(
        probe=probe_read(report.probe, report.probe_groups),
        claims=len(report.claims),
        unattributed_claims=report.unattributed_claims,
        groups=[GroupReportRead.model_validate(g) for g in report.groups],
        claim_list=[ClaimRead.model_validate(c) for c in report.claims],
    )
