"""A sandbox community's test clock: reading it, and moving it forward."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kit.auth import Principal
from kit.errors import Conflict, FieldError, InvalidInput, NotFound
from services.membership.domain.actor import Actor
from services.membership.domain.role import Permission
from services.membership.domain.test_clock import AdvanceInvalid, advance_target
from services.membership.models import Community
from services.membership.usecases.community import get_community_or_raise
from services.membership.usecases.membership import require


@dataclass(frozen=True)
class Moved:
    community_id: str
    timezone: str
    start: datetime
    now: datetime


def not_a_sandbox(community_id: str) -> Conflict:
    return Conflict(
        f"community {community_id} is not a sandbox: only sandbox communities have a test clock",
        code="not_a_sandbox",
    )


async def get_test_clock_or_raise(session: AsyncSession, *, principal: Principal, community_id: str) -> datetime:
    community = await get_community_or_raise(session, principal=principal, community_id=community_id)
    if not community.sandbox or community.test_clock_now is None:
        raise not_a_sandbox(community_id)
    return community.test_clock_now


async def move_test_clock(
    session: AsyncSession, *, community_id: str, actor: Actor, to: datetime | None, by: timedelta | None
) -> Moved:
    """Move the clock forward (admins); the row stays locked until commit, so advances queue, not interleave."""
    require(actor, Permission.MANAGE_COMMUNITY)
    query = select(Community).where(col(Community.id) == community_id).with_for_update()
    community = (await session.exec(query)).one_or_none()
    if community is None:
        raise NotFound(f"community {community_id} not found", code="community_not_found")
    if not community.sandbox or community.test_clock_now is None:
        raise not_a_sandbox(community_id)
    start = community.test_clock_now
    try:
        target = advance_target(start, to=to, by=by)
    except AdvanceInvalid as error:
        raise InvalidInput(
            str(error), errors=[FieldError(field=error.field, reason=error.reason)], code=error.code
        ) from None
    community.test_clock_now = target
    await session.flush()
    return Moved(community_id=community_id, timezone=community.timezone, start=start, now=target)


async def sandbox_clocks(session: AsyncSession) -> dict[str, datetime]:
    """Every sandbox community's clock, for refilling Redis after it lost them."""
    query = select(Community.id, Community.test_clock_now).where(col(Community.sandbox))
    return {community_id: at for community_id, at in (await session.exec(query)).all() if at is not None}
