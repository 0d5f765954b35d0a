"""Listing members with their memberships and identities, a page at a time."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kit.auth import Principal, ensure_community_access
from kit.pagination import Page, PageRequest
from services.membership.domain.membership import Status
from services.membership.models import Identity, Member, Membership
from services.membership.usecases.member import MemberView


async def list_members(
    session: AsyncSession,
    *,
    principal: Principal,
    community_id: str,
    ids: Sequence[str] | None,
    status: Sequence[Status] | None,
    tier_id: str | None,
    page: PageRequest,
) -> Page[MemberView]:
    ensure_community_access(principal, community_id)
    query = (
        select(Member, Membership)
        .join(Membership, col(Membership.member_id) == col(Member.id), isouter=True)
        .where(Member.community_id == community_id)
        .order_by(col(Member.id))
        .limit(page.limit + 1)
    )
    if ids is not None:
        query = query.where(col(Member.id).in_(ids))
    if status:
        query = query.where(col(Membership.status).in_([s.value for s in status]))
    if tier_id is not None:
        query = query.where(Membership.tier_id == tier_id)
    if page.after is not None:
        query = query.where(col(Member.id) > page.after)
    rows = (await session.exec(query)).all()
    member_ids = [member.id for member, _ in rows]
    identities: dict[str, list[Identity]] = defaultdict(list)
    if member_ids:
        found = await session.exec(
            select(Identity).where(Identity.community_id == community_id, col(Identity.member_id).in_(member_ids))
        )
        for identity in found:
            identities[identity.member_id].append(identity)
    views = [MemberView(member, membership, identities[member.id]) for member, membership in rows]
    return Page.from_rows(views, page=page, key=lambda view: view.member.id)
