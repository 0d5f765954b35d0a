"""``/v1/communities/{community_id}/applications``: the review queue and its decisions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from contracts.membership.gate import ApplicationRead, DecisionCreate, DecisionRead
from kit.pagination import PageOut
from services.membership.api.deps import ClocksDep, PageRequestDep, PrincipalDep, SessionDep
from services.membership.api.member import member_read
from services.membership.domain.gate import ApplicationStatus
from services.membership.usecases import application as usecases
from services.membership.usecases.membership import resolve_actor

router = APIRouter(prefix="/v1/communities/{community_id}/applications", tags=["applications"])


@router.get("")
async def list_applications(
    community_id: str,
    session: SessionDep,
    principal: PrincipalDep,
    page: PageRequestDep,
    status: Annotated[ApplicationStatus | None, Query(description="e.g. pending: the review queue")] = None,
    tier_id: Annotated[str | None, Query()] = None,
) -> PageOut[ApplicationRead]:
    """Oldest first, so reviewers work the queue in the order people applied."""
    await resolve_actor(session, principal=principal, community_id=community_id, acting_member_id=None)
    result = await usecases.list_applications(
        session, community_id=community_id, status=status, tier_id=tier_id, page=page
    )
    return PageOut(items=[ApplicationRead.model_validate(row) for row in result.items], next_cursor=result.next_cursor)


@router.get("/{application_id}")
async def get_application(
    community_id: str, application_id: str, session: SessionDep, principal: PrincipalDep
) -> ApplicationRead:
    await resolve_actor(session, principal=principal, community_id=community_id, acting_member_id=None)
    return ApplicationRead.model_validate(
        await usecases.get_application_or_raise(session, community_id, application_id)
    )


@router.post("/{application_id}/decision")
async def decide(
    community_id: str,
    application_id: str,
    body: DecisionCreate,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
) -> DecisionRead:
    actor = await resolve_actor(
        session, principal=principal, community_id=community_id, acting_member_id=body.acting_member_id
    )
    result = await usecases.decide(
        session,
        community_id=community_id,
        application_id=application_id,
        actor=actor,
        clocks=clocks,
        decision=body.decision,
        reason=body.reason,
    )
    return DecisionRead(application=ApplicationRead.model_validate(result.application), member=member_read(result.view))
