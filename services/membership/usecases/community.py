"""Creating and reading communities."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.events import CommunityCreated
from kit.auth import Principal, ensure_community_access
from kit.clock import Clocks
from kit.errors import Forbidden, InvalidInput, NotFound
from kit.events import emit
from kit.ids import new_id
from kit.pagination import Page, PageRequest
from services.membership.domain.actor import Actor
from services.membership.domain.role import Permission
from services.membership.domain.settings import SettingInvalid, merge_settings
from services.membership.models import Community
from services.membership.repo.community import CommunityRepository
from services.membership.usecases.membership import require


async def create_community(
    session: AsyncSession,
    *,
    principal: Principal,
    clocks: Clocks,
    name: str,
    timezone: str,
    mission: str | None = None,
    rules: str | None = None,
    sandbox: bool = False,
    test_clock_start: datetime | None = None,
) -> Community:
    """Store a new community and announce it; other services set up their defaults from the event.
    A sandbox lives on its own test clock from the start (``test_clock_start``, or now), so even its
    creation happens at that time."""
    if not principal.is_platform_admin:
        raise Forbidden("only a platform admin can create communities", code="platform_admin_required")
    if test_clock_start is not None and not sandbox:
        raise InvalidInput.of("test_clock_start", "only a sandbox community has a test clock")
    now = (test_clock_start or clocks.now()) if sandbox else clocks.now()
    community = Community(
        id=new_id("cmty"),
        name=name,
        timezone=timezone,
        mission=mission,
        rules=rules,
        created_at=now,
        sandbox=sandbox,
        test_clock_now=now if sandbox else None,
    )
    CommunityRepository(session).add(community)
    await session.flush()
    await emit(
        session,
        CommunityCreated(community_id=community.id, name=community.name, timezone=community.timezone),
        community_id=community.id,
        at=now,
    )
    return community


async def ensure_community_exists(session: AsyncSession, community_id: str) -> None:
    """A write under a community that does not exist is answered ``community_not_found``, whatever it writes."""
    if await CommunityRepository(session).get(community_id) is None:
        raise NotFound(f"community {community_id} not found", code="community_not_found")


async def get_community_or_raise(session: AsyncSession, *, principal: Principal, community_id: str) -> Community:
    ensure_community_access(principal, community_id)
    community = await CommunityRepository(session).get(community_id)
    if community is None:
        raise NotFound(f"community {community_id} not found", code="community_not_found")
    return community


async def list_communities(
    session: AsyncSession, *, principal: Principal, ids: Sequence[str] | None, page: PageRequest
) -> Page[Community]:
    if not principal.is_platform_admin:
        # A community's key sees its own community and nothing else.
        ids = [i for i in (ids if ids is not None else [principal.community_id or ""]) if principal.can_access(i)]
    rows = await CommunityRepository(session).list(ids=ids, after=page.after, limit=page.limit + 1)
    return Page.from_rows(list(rows), page=page, key=lambda community: community.id)


async def update_community(
    session: AsyncSession,
    *,
    community_id: str,
    actor: Actor,
    changes: dict[str, Any],
) -> Community:
    """Change the given fields (mission, rules, time zone, settings, name); a bad setting changes nothing."""
    require(actor, Permission.MANAGE_COMMUNITY)
    community = await CommunityRepository(session).get(community_id)
    if community is None:
        raise NotFound(f"community {community_id} not found", code="community_not_found")
    settings_changes = changes.pop("settings", None)
    if settings_changes is not None:
        try:
            community.settings = merge_settings(community.settings, settings_changes)
        except SettingInvalid as error:
            raise InvalidInput.of(error.field, error.reason) from None
    for field, value in changes.items():
        setattr(community, field, value)
    await session.flush()
    return community
