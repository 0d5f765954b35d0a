"""Live codes: creating them, and routing each newcomer to the first group in order that has room."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from kit.clock import Clocks
from kit.errors import Conflict, InvalidInput, NotFound
from kit.ids import new_id
from services.membership.domain import live_code as rules
from services.membership.domain.actor import Actor
from services.membership.domain.role import Permission
from services.membership.models import Group
from services.membership.models.live_code import LiveCode, LiveCodeRouting
from services.membership.repo.live_code import LiveCodeRepository
from services.membership.repo.member import MemberRepository
from services.membership.repo.membership import MembershipRepository
from services.membership.usecases.member import get_tier_or_raise
from services.membership.usecases.membership import require


class LiveCodeNotFound(NotFound):
    code = "live_code_not_found"


class LiveCodeFull(Conflict):
    code = "live_code_full"


class LiveCodeInactive(Conflict):
    code = "live_code_inactive"


@dataclass(frozen=True)
class Routed:
    routing: LiveCodeRouting
    group: Group


async def create_live_code(
    session: AsyncSession,
    *,
    community_id: str,
    actor: Actor,
    clocks: Clocks,
    name: str,
    routes: Sequence[dict[str, Any]],
    tier_id: str | None = None,
    overflow_group_id: str | None = None,
    hold_minutes: int = 24 * 60,
) -> LiveCode:
    require(actor, Permission.MANAGE_TIERS)
    repo = LiveCodeRepository(session)
    wanted = [route["group_id"] for route in routes] + ([overflow_group_id] if overflow_group_id else [])
    groups = await repo.groups(community_id, wanted)
    for index, route in enumerate(routes):
        if route["group_id"] not in groups or groups[route["group_id"]].archived:
            raise InvalidInput.of(f"routes.{index}.group_id", f"group {route['group_id']} not found in this community")
    if overflow_group_id is not None and overflow_group_id not in groups:
        raise InvalidInput.of("overflow_group_id", f"group {overflow_group_id} not found in this community")
    if tier_id is not None:
        await get_tier_or_raise(session, community_id, tier_id)
    live_code = LiveCode(
        id=new_id("lcode"),
        community_id=community_id,
        code=rules.new_code(),
        name=name,
        routes=list(routes),
        tier_id=tier_id,
        overflow_group_id=overflow_group_id,
        hold_minutes=hold_minutes,
        created_at=clocks.now(community_id),
    )
    repo.add(live_code)
    await session.flush()
    return live_code


async def get_live_code_or_raise(session: AsyncSession, community_id: str, live_code_id: str) -> LiveCode:
    live_code = await LiveCodeRepository(session).get(community_id, live_code_id)
    if live_code is None:
        raise LiveCodeNotFound(f"live code {live_code_id} not found")
    return live_code


async def get_live_code_by_code_or_raise(session: AsyncSession, code: str) -> LiveCode:
    """The live code of a public join link, whichever community it belongs to."""
    live_code = await LiveCodeRepository(session).by_code(code)
    if live_code is None:
        raise LiveCodeNotFound("no live code with this code")
    return live_code


async def list_live_codes(
    session: AsyncSession, *, community_id: str, after: str | None, limit: int
) -> Sequence[LiveCode]:
    return await LiveCodeRepository(session).list(community_id, after=after, limit=limit)


async def route_newcomer(
    session: AsyncSession,
    *,
    community_id: str,
    live_code_id: str,
    clocks: Clocks,
    member_id: str | None = None,
    newcomer_ref: str | None = None,
    attributes: dict[str, Any] | None = None,
    tier_id: str | None = None,
) -> Routed:
    """Send a newcomer to the first group in order that admits them and has room, holding their place."""
    live_code = await get_live_code_or_raise(session, community_id, live_code_id)
    if not live_code.active:
        raise LiveCodeInactive(f"live code {live_code_id} is switched off")
    now = clocks.now(community_id)
    repo = LiveCodeRepository(session)
    if (
        held := await repo.pending_for(live_code.id, member_id=member_id, newcomer_ref=newcomer_ref, now=now)
    ) is not None:
        group = await repo.lock_group(held.group_id)
        assert group is not None
        return Routed(held, group)
    attributes, tier_id = await _newcomer(session, community_id, member_id, attributes or {}, tier_id)
    tier_id = live_code.tier_id or tier_id
    group, overflow = await _first_with_room(repo, live_code, attributes=attributes, tier_id=tier_id, now=now)
    routing = LiveCodeRouting(
        id=new_id("lcr"),
        community_id=community_id,
        live_code_id=live_code.id,
        group_id=group.id,
        member_id=member_id,
        newcomer_ref=newcomer_ref,
        overflow=overflow,
        held_until=now + timedelta(minutes=live_code.hold_minutes),
        created_at=now,
    )
    repo.add(routing)
    await session.flush()
    return Routed(routing, group)


async def route_by_code(session: AsyncSession, *, code: str, clocks: Clocks, newcomer_ref: str) -> Routed:
    """A newcomer who opened the public join link ``<public_url>/join/<code>``: routed like any other,
    in the live code's own community. Only the caller that serves the link (the gateway) may ask."""
    live_code = await get_live_code_by_code_or_raise(session, code)
    return await route_newcomer(
        session,
        community_id=live_code.community_id,
        live_code_id=live_code.id,
        clocks=clocks,
        newcomer_ref=newcomer_ref,
    )


def identity_ref(platform: str, platform_user_id: str) -> str:
    """The ``newcomer_ref`` that names a platform account: an integrator who knows the account passes it."""
    return f"{platform}:{platform_user_id}"


async def settle_join(
    session: AsyncSession, group: Group, *, member_id: str, platform_user_id: str, at: datetime
) -> LiveCodeRouting | None:
    """Someone joined ``group``: the routing that sent them there becomes ``joined`` and its hold is released
    (the chat side now counts them in ``member_count``). Their own hold if one names them (member or platform
    account), else the oldest unexpired hold that names nobody (an anonymous link visitor). None: no hold."""
    repo = LiveCodeRepository(session)
    routing = await repo.hold_of(
        group.id, member_id=member_id, identity_ref=identity_ref(group.platform, platform_user_id), now=at
    )
    if routing is None:
        routing = await repo.oldest_anonymous_hold(group.id, platform=group.platform, now=at)
    if routing is None:
        return None
    routing.status = "joined"
    routing.member_id = routing.member_id or member_id
    await session.flush()
    return routing


async def _newcomer(
    session: AsyncSession, community_id: str, member_id: str | None, attributes: dict[str, Any], tier_id: str | None
) -> tuple[dict[str, Any], str | None]:
    """A known member is routed by their own profile and tier; anyone else by what the caller says."""
    if member_id is None:
        return attributes, tier_id
    member = await MemberRepository(session).get(community_id, member_id)
    if member is None:
        raise InvalidInput.of("member_id", f"member {member_id} not found in this community")
    membership = await MembershipRepository(session).get_for_member(community_id, member_id)
    return {**member.attributes, **attributes}, tier_id or (membership.tier_id if membership else None)


async def _first_with_room(
    repo: LiveCodeRepository, live_code: LiveCode, *, attributes: dict[str, Any], tier_id: str | None, now: datetime
) -> tuple[Group, bool]:
    for route in live_code.routes:
        if not rules.matches(route.get("when") or {}, attributes):
            continue
        group = await repo.lock_group(route["group_id"])
        if group is None or group.archived or not rules.admits(group.tier_ids, tier_id):
            continue
        if rules.has_room(group.capacity, group.member_count, await repo.holds(group.id, now=now)):
            return group, False
    if live_code.overflow_group_id is not None:
        overflow = await repo.lock_group(live_code.overflow_group_id)
        if overflow is not None and not overflow.archived:
            return overflow, True
    raise LiveCodeFull("every group of this live code is full (or none fits this newcomer)")
