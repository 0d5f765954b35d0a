"""``/v1/communities/{id}/test-clock``: a sandbox community's clock, and advancing it."""

from __future__ import annotations

from fastapi import APIRouter, Request

from contracts.membership.community import TestClockAdvanced, TestClockRead
from kit import sandbox_clock
from kit.db import Sessionmaker
from services.membership import jobs
from services.membership.api.deps import PrincipalDep, SessionDep
from services.membership.api.schemas.community import TestClockAdvance
from services.membership.domain.test_clock import clean_step, parse_duration
from services.membership.usecases import test_clock as usecases
from services.membership.usecases.membership import resolve_actor

router = APIRouter(prefix="/v1/communities/{community_id}/test-clock", tags=["test clocks"])


@router.get("")
async def get_test_clock(community_id: str, session: SessionDep, principal: PrincipalDep) -> TestClockRead:
    now = await usecases.get_test_clock_or_raise(session, principal=principal, community_id=community_id)
    return TestClockRead(community_id=community_id, now=now)


@router.post("/advance")
async def advance_test_clock(
    community_id: str, body: TestClockAdvance, request: Request, principal: PrincipalDep
) -> TestClockAdvanced:
    """Move the clock (committed and published first), then run this service's due work at each step on the
    way. The other services' due work is the caller's next call: ``POST .../test-clock/due-work`` on each,
    with this answer's ``from``, ``now`` and ``timezone``."""
    sessionmaker: Sessionmaker = request.app.state.sessionmaker
    async with sessionmaker() as session:
        actor = await resolve_actor(
            session, principal=principal, community_id=community_id, acting_member_id=body.acting_member_id
        )
        by = parse_duration(body.by) if body.by is not None else None
        moved = await usecases.move_test_clock(session, community_id=community_id, actor=actor, to=body.to, by=by)
        await session.commit()
    await sandbox_clock.publisher(request.app, community_id, moved.now)()
    step = clean_step(body.step)
    steps = sandbox_clock.plan_steps(moved.start, moved.now, timezone=moved.timezone, step=step)
    ran = await sandbox_clock.run_steps(
        jobs.run_community, sessionmaker, due_work=jobs.DUE_WORK, community_id=community_id, steps=steps
    )
    return TestClockAdvanced(
        community_id=community_id,
        timezone=moved.timezone,
        from_=moved.start,
        now=moved.now,
        step_seconds=int(step.total_seconds()),
        steps=len(steps),
        ran=ran,
    )
