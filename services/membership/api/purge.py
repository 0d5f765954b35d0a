"""Lurker purge: preview, runs (start, read, cancel), exemptions, and the way back in."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from contracts.membership.member import MembershipRead
from contracts.membership.purge import (
    CandidateRead,
    PurgeCancel,
    PurgeExemptionRead,
    PurgeExemptionWrite,
    PurgePreviewRead,
    PurgeReturn,
    PurgeRulesRead,
    PurgeRunMemberRead,
    PurgeRunRead,
    PurgeRunSummaryRead,
    PurgeStart,
    ReasonRead,
)
from kit.pagination import Page, PageOut
from services.membership.api.deps import ClocksDep, IdempotencyDep, PageRequestDep, PrincipalDep, SessionDep
from services.membership.models.purge import PurgeExemption
from services.membership.usecases import purge as usecases
from services.membership.usecases import purge_run
from services.membership.usecases.membership import resolve_actor

router = APIRouter(prefix="/v1/communities/{community_id}", tags=["purge"])


def candidate_read(candidate: usecases.Candidate) -> CandidateRead:
    return CandidateRead(
        member_id=candidate.member.id,
        display_name=candidate.member.display_name,
        status=candidate.membership.status,
        role=candidate.membership.role,
        joined_at=candidate.membership.joined_at,
        reasons=[ReasonRead.model_validate(reason) for reason in candidate.reasons],
        exclusions=[exclusion.value for exclusion in candidate.assessment.exclusions],
    )


def preview_read(preview: usecases.Preview) -> PurgePreviewRead:
    return PurgePreviewRead(
        rules=PurgeRulesRead.model_validate(preview.rules.as_settings()),
        candidates=[candidate_read(c) for c in preview.candidates],
        excluded=[candidate_read(c) for c in preview.excluded],
    )


def run_read(view: usecases.RunView) -> PurgeRunRead:
    summary = PurgeRunSummaryRead.model_validate(view.run)
    return PurgeRunRead(
        **summary.model_dump(), members=[PurgeRunMemberRead.model_validate(row) for row in view.members]
    )


def exemption_read(member_id: str, row: PurgeExemption | None) -> PurgeExemptionRead:
    if row is None:
        return PurgeExemptionRead(member_id=member_id, exempt=False)
    return PurgeExemptionRead(member_id=member_id, exempt=True, actor=row.actor, reason=row.reason, at=row.at)


@router.get("/purge/preview")
async def preview(
    community_id: str,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
    inactive_days: Annotated[int | None, Query(ge=1, le=365)] = None,
    missed_assignments: Annotated[int | None, Query(ge=0, le=1000, description="0 turns it off")] = None,
    acting_member_id: Annotated[str | None, Query()] = None,
) -> PurgePreviewRead:
    """Who a purge now would list with the community's settings (or these overrides), and why."""
    actor = await resolve_actor(
        session, principal=principal, community_id=community_id, acting_member_id=acting_member_id
    )
    result = await usecases.preview_purge(
        session,
        community_id=community_id,
        actor=actor,
        now=clocks.now(community_id),
        inactive_days=inactive_days,
        missed_assignments=missed_assignments,
    )
    return preview_read(result)


@router.post("/purge/runs", status_code=201, response_model=PurgeRunRead)
async def start(
    community_id: str,
    body: PurgeStart,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    """Warn every listed member in their groups; they are removed when the grace period ends unless active."""

    async def run() -> PurgeRunRead:
        actor = await resolve_actor(
            session, principal=principal, community_id=community_id, acting_member_id=body.acting_member_id
        )
        view = await usecases.start_purge(
            session,
            community_id=community_id,
            actor=actor,
            clocks=clocks,
            member_ids=body.member_ids,
            note=body.note,
            **body.overrides(),
        )
        return run_read(view)

    return await idempotency.run(run)


@router.get("/purge/runs")
async def list_runs(
    community_id: str,
    session: SessionDep,
    principal: PrincipalDep,
    page: PageRequestDep,
    acting_member_id: Annotated[str | None, Query()] = None,
) -> PageOut[PurgeRunSummaryRead]:
    actor = await resolve_actor(
        session, principal=principal, community_id=community_id, acting_member_id=acting_member_id
    )
    rows = await usecases.list_runs(
        session, community_id=community_id, actor=actor, after=page.after, limit=page.limit + 1
    )
    result = Page.from_rows(list(rows), page=page, key=lambda run: run.id)
    return PageOut(
        items=[PurgeRunSummaryRead.model_validate(run) for run in result.items], next_cursor=result.next_cursor
    )


@router.get("/purge/runs/{run_id}")
async def get_run(
    community_id: str,
    run_id: str,
    session: SessionDep,
    principal: PrincipalDep,
    acting_member_id: Annotated[str | None, Query()] = None,
) -> PurgeRunRead:
    actor = await resolve_actor(
        session, principal=principal, community_id=community_id, acting_member_id=acting_member_id
    )
    return run_read(await usecases.get_run_view(session, community_id=community_id, run_id=run_id, actor=actor))


@router.post("/purge/runs/{run_id}/cancel")
async def cancel(
    community_id: str,
    run_id: str,
    body: PurgeCancel,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
) -> PurgeRunRead:
    actor = await resolve_actor(
        session, principal=principal, community_id=community_id, acting_member_id=body.acting_member_id
    )
    view = await usecases.cancel_purge(
        session, community_id=community_id, run_id=run_id, actor=actor, clocks=clocks, reason=body.reason
    )
    return run_read(view)


@router.post("/purge/returns", status_code=201, response_model=MembershipRead)
async def come_back(
    community_id: str,
    body: PurgeReturn,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    """A purged member rejoins without the gate, on their previous tier, within the return window."""

    async def come() -> MembershipRead:
        actor = await resolve_actor(session, principal=principal, community_id=community_id, acting_member_id=None)
        membership = await purge_run.return_from_purge(
            session, community_id=community_id, member_id=body.member_id, actor=actor, clocks=clocks
        )
        return MembershipRead.model_validate(membership)

    return await idempotency.run(come)


@router.get("/members/{member_id}/purge-exemption")
async def get_exemption(
    community_id: str, member_id: str, session: SessionDep, principal: PrincipalDep
) -> PurgeExemptionRead:
    await resolve_actor(session, principal=principal, community_id=community_id, acting_member_id=None)
    row = await usecases.get_exemption(session, community_id=community_id, member_id=member_id)
    return exemption_read(member_id, row)


@router.put("/members/{member_id}/purge-exemption")
async def set_exemption(
    community_id: str,
    member_id: str,
    body: PurgeExemptionWrite,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
) -> PurgeExemptionRead:
    """Keep the member off every purge list (``exempt: true``) or put them back on (``false``)."""
    actor = await resolve_actor(
        session, principal=principal, community_id=community_id, acting_member_id=body.acting_member_id
    )
    row = await usecases.set_exemption(
        session,
        community_id=community_id,
        member_id=member_id,
        actor=actor,
        clocks=clocks,
        exempt=body.exempt,
        reason=body.reason,
    )
    return exemption_read(member_id, row)
