"""``/v1/communities/{community_id}/members/{member_id}/activity``: what a member did, per day."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from contracts.membership.activity import ActivityDayRead
from services.membership.api.deps import PrincipalDep, SessionDep
from services.membership.repo.activity import ActivityRepository
from services.membership.usecases.member import get_member_view_or_raise
from services.membership.usecases.membership import resolve_actor

router = APIRouter(prefix="/v1/communities/{community_id}/members/{member_id}/activity", tags=["activity"])


@router.get("")
async def list_activity(
    community_id: str,
    member_id: str,
    session: SessionDep,
    principal: PrincipalDep,
    since: Annotated[date | None, Query(description="first day, in the community's time zone")] = None,
    until: Annotated[date | None, Query(description="last day, inclusive")] = None,
) -> list[ActivityDayRead]:
    await resolve_actor(session, principal=principal, community_id=community_id, acting_member_id=None)
    await get_member_view_or_raise(session, community_id, member_id)
    days = await ActivityRepository(session).days(community_id, member_id, since=since, until=until)
    return [ActivityDayRead.model_validate(day) for day in days]
