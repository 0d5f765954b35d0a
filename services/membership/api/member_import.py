"""``POST /v1/communities/{community_id}/members:import``: a batch of rows, one transaction, a result per row."""

from __future__ import annotations

from collections import Counter

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from contracts.membership.member_import import ImportRowRead, MemberImport, MemberImportResult
from kit.errors import FieldError
from services.membership.api.deps import ClocksDep, IdempotencyDep, PrincipalDep, SessionDep
from services.membership.usecases import member_import as usecases
from services.membership.usecases.membership import resolve_actor

router = APIRouter(prefix="/v1/communities/{community_id}", tags=["members"])


@router.post("/members:import", response_model=MemberImportResult)
async def import_members(
    community_id: str,
    body: MemberImport,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    """Rows that fail are reported (row, field, reason) and change nothing; the others are imported.
    People already here are skipped, so sending the same rows again adds nobody twice."""

    async def run() -> MemberImportResult:
        actor = await resolve_actor(
            session, principal=principal, community_id=community_id, acting_member_id=body.acting_member_id
        )
        results = await usecases.import_members(
            session,
            community_id=community_id,
            actor=actor,
            clocks=clocks,
            rows=[(record.row, record.fields) for record in body.rows],
            default_tier=body.tier,
            dry_run=body.dry_run,
        )
        counts = Counter(result.status for result in results)
        return MemberImportResult(
            created=counts["created"],
            skipped=counts["skipped"],
            failed=counts["failed"],
            valid=counts["valid"],
            results=[
                ImportRowRead(
                    row=result.row,
                    status=result.status,
                    member_id=result.member_id,
                    errors=[FieldError(field=e.field, reason=e.reason) for e in result.errors],
                )
                for result in results
            ],
        )

    return await idempotency.run(run, status_code=200)
