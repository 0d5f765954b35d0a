"""Linking platform accounts to members with short-lived, single-use link codes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from kit.clock import Clocks
from kit.errors import Conflict, InvalidInput, NotFound
from kit.ids import new_id
from services.membership.domain import link_code as codes
from services.membership.models import Identity
from services.membership.models.link_code import LinkCode
from services.membership.repo.member import MemberRepository
from services.membership.usecases.member import MemberView, get_member_view_or_raise


@dataclass(frozen=True)
class IssuedLinkCode:
    code: str
    member_id: str
    expires_at: datetime


class LinkCodeInvalid(InvalidInput):
    code = "link_code_invalid"


async def issue_link_code(
    session: AsyncSession, *, community_id: str, member_id: str, clocks: Clocks
) -> IssuedLinkCode:
    """A code the member presents from another platform account within ten minutes."""
    if await MemberRepository(session).get(community_id, member_id) is None:
        raise NotFound(f"member {member_id} not found", code="member_not_found")
    now = clocks.now(community_id)
    code = codes.new_code()
    session.add(
        LinkCode(
            code_hash=codes.hash_code(community_id, code),
            community_id=community_id,
            member_id=member_id,
            created_at=now,
            expires_at=codes.expires_at(now),
        )
    )
    await session.flush()
    return IssuedLinkCode(code=code, member_id=member_id, expires_at=codes.expires_at(now))


def _refused(reason: str) -> InvalidInput:
    return LinkCodeInvalid.of("code", reason)


async def redeem_link_code(
    session: AsyncSession,
    *,
    community_id: str,
    code: str,
    platform: str,
    platform_user_id: str,
    display_name: str | None,
    clocks: Clocks,
) -> MemberView:
    """Attach (platform, platform user id) to the member who asked for ``code``. The code works once."""
    now = clocks.now(community_id)
    if not codes.looks_like_code(code):
        raise _refused("is not a link code")
    row = await session.get(LinkCode, codes.hash_code(community_id, code))
    if row is None or row.community_id != community_id:
        raise _refused("is not a link code of this community")
    if row.used_at is not None:
        raise _refused("was used already")
    if row.expires_at <= now:
        raise _refused("has expired; ask for a new one")
    members = MemberRepository(session)
    owner = await members.by_identity(community_id, platform, platform_user_id)
    if owner is not None and owner.id != row.member_id:
        raise Conflict(
            f"{platform} account {platform_user_id} belongs to another member ({owner.id})", code="identity_taken"
        )
    # Single use even when two presentations race: only one UPDATE finds the code unused.
    claimed = await session.exec(
        update(LinkCode)
        .where(col(LinkCode.code_hash) == row.code_hash, col(LinkCode.used_at).is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if not claimed.rowcount:
        raise _refused("was used already")
    if owner is None:
        identity = Identity(
            id=new_id("idn"),
            community_id=community_id,
            member_id=row.member_id,
            platform=platform,
            platform_user_id=platform_user_id,
            display_name=display_name,
            created_at=now,
        )
        members.add(identity)
        await session.flush()
        await session.exec(
            update(LinkCode)
            .where(col(LinkCode.code_hash) == row.code_hash)
            .values(used_by_identity_id=identity.id)
            .execution_options(synchronize_session=False)
        )
    return await get_member_view_or_raise(session, community_id, row.member_id)
