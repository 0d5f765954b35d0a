"""Standing: the community's criteria, recomputing on demand, a member's standing and an admin's lock."""

from __future__ import annotations

from fastapi import APIRouter

from contracts.membership.standing import (
    CriterionRead,
    LevelProgressRead,
    Standing,
    StandingChangeRead,
    StandingLock,
    StandingRead,
    StandingRecompute,
    StandingRecomputeRead,
    StandingRulesRead,
    StandingRulesWrite,
    StandingUnlock,
)
from services.membership.api.deps import ClocksDep, PrincipalDep, SessionDep
from services.membership.domain.role import Permission
from services.membership.domain.standing import EARNED_LEVELS, holds, meets
from services.membership.usecases import standing as usecases
from services.membership.usecases.membership import require, resolve_actor

router = APIRouter(prefix="/v1/communities/{community_id}", tags=["standing"])


def change_read(change: usecases.StandingChange) -> StandingChangeRead:
    return StandingChangeRead(
        member_id=change.member_id,
        from_standing=Standing(change.from_standing),
        to_standing=Standing(change.to_standing),
        reason=change.reason,
    )


def standing_read(view: usecases.StandingView) -> StandingRead:
    levels = []
    for level in EARNED_LEVELS:
        criteria = view.rules.criteria(level)
        figures = view.figures[level]
        levels.append(
            LevelProgressRead(
                level=level,
                window_days=criteria.window_days,
                met=meets(criteria, figures),
                held=holds(criteria, figures),
                criteria=[
                    CriterionRead(metric=metric, minimum=minimum, value=figures.value(metric))
                    for metric, minimum in criteria.minimums.items()
                ],
            )
        )
    return StandingRead(
        member_id=view.membership.member_id,
        standing=Standing(view.membership.standing),
        locked=view.membership.standing_locked,
        below_since=view.record.below_since if view.record else None,
        evaluated_at=view.record.evaluated_at if view.record else None,
        grace_days=view.rules.grace_days,
        levels=levels,
    )


@router.get("/standing/rules")
async def get_rules(community_id: str, session: SessionDep, principal: PrincipalDep) -> StandingRulesRead:
    await resolve_actor(session, principal=principal, community_id=community_id, acting_member_id=None)
    community = await usecases.get_community_or_raise(session, community_id)
    return StandingRulesRead.model_validate(usecases.standing_rules(community).as_settings())


@router.put("/standing/rules")
async def set_rules(
    community_id: str, body: StandingRulesWrite, session: SessionDep, principal: PrincipalDep
) -> StandingRulesRead:
    actor = await resolve_actor(
        session, principal=principal, community_id=community_id, acting_member_id=body.acting_member_id
    )
    raw = body.model_dump(exclude_none=True, exclude={"acting_member_id"})
    rules = await usecases.set_standing_rules(session, community_id=community_id, actor=actor, raw=raw)
    return StandingRulesRead.model_validate(rules.as_settings())


@router.post("/standing/recompute")
async def recompute(
    community_id: str, body: StandingRecompute, session: SessionDep, principal: PrincipalDep, clocks: ClocksDep
) -> StandingRecomputeRead:
    """Run the standing computation now (the worker also runs it on a schedule)."""
    actor = await resolve_actor(
        session, principal=principal, community_id=community_id, acting_member_id=body.acting_member_id
    )
    require(actor, Permission.LOCK_STANDING)
    changes = await usecases.recompute_standing(
        session, community_id=community_id, now=clocks.now(community_id), actor=actor
    )
    return StandingRecomputeRead(changes=[change_read(change) for change in changes])


@router.get("/members/{member_id}/standing")
async def get_standing(
    community_id: str, member_id: str, session: SessionDep, principal: PrincipalDep, clocks: ClocksDep
) -> StandingRead:
    await resolve_actor(session, principal=principal, community_id=community_id, acting_member_id=None)
    view = await usecases.get_standing_view(
        session, community_id=community_id, member_id=member_id, now=clocks.now(community_id)
    )
    return standing_read(view)


@router.post("/members/{member_id}/standing/lock")
async def lock(
    community_id: str,
    member_id: str,
    body: StandingLock,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
) -> StandingRead:
    actor = await resolve_actor(
        session, principal=principal, community_id=community_id, acting_member_id=body.acting_member_id
    )
    view = await usecases.lock_standing(
        session,
        community_id=community_id,
        member_id=member_id,
        actor=actor,
        clocks=clocks,
        standing=body.standing,
        reason=body.reason,
    )
    return standing_read(view)


@router.post("/members/{member_id}/standing/unlock")
async def unlock(
    community_id: str,
    member_id: str,
    body: StandingUnlock,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
) -> StandingRead:
    actor = await resolve_actor(
        session, principal=principal, community_id=community_id, acting_member_id=body.acting_member_id
    )
    view = await usecases.unlock_standing(
        session, community_id=community_id, member_id=member_id, actor=actor, clocks=clocks, reason=body.reason
    )
    return standing_read(view)
