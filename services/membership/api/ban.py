"""``/v1/communities/{community_id}/bans``: the ban list, enforced across every group and platform."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from contracts.membership.moderation import BanCheckRead, BanRead, BanResultRead, UnbanRead
from kit.errors import InvalidInput
from kit.pagination import Page, PageOut
from services.membership.api.deps import ClocksDep, IdempotencyDep, PageRequestDep, PrincipalDep, SessionDep
from services.membership.api.schemas.moderation import BanTarget
from services.membership.domain.member import clean_platform
from services.membership.usecases import ban as usecases
from services.membership.usecases.ban import Account
from services.membership.usecases.ban_list import is_banned
from services.membership.usecases.membership import resolve_actor

router = APIRouter(prefix="/v1/communities/{community_id}/bans", tags=["bans"])


def _account(body: BanTarget) -> Account | None:
    given = body.account()
    return Account(*given) if given is not None else None


@router.post("", status_code=201, response_model=BanResultRead)
async def ban(
    community_id: str,
    body: BanTarget,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    account = _account(body)

    async def apply() -> BanResultRead:
        actor = await resolve_actor(
            session, principal=principal, community_id=community_id, acting_member_id=body.acting_member_id
        )
        result = await usecases.ban(
            session,
            community_id=community_id,
            actor=actor,
            clocks=clocks,
            member_id=body.member_id,
            account=account,
            reason=body.reason,
        )
        return BanResultRead(
            member_id=result.member_id, entries=[BanRead.model_validate(entry) for entry in result.entries]
        )

    return await idempotency.run(apply)


@router.post("/lift")
async def unban(
    community_id: str, body: BanTarget, session: SessionDep, principal: PrincipalDep, clocks: ClocksDep
) -> UnbanRead:
    account = _account(body)
    actor = await resolve_actor(
        session, principal=principal, community_id=community_id, acting_member_id=body.acting_member_id
    )
    cleared = await usecases.unban(
        session,
        community_id=community_id,
        actor=actor,
        clocks=clocks,
        member_id=body.member_id,
        account=account,
        reason=body.reason,
    )
    return UnbanRead(cleared=cleared)


@router.get("")
async def list_bans(
    community_id: str,
    session: SessionDep,
    principal: PrincipalDep,
    page: PageRequestDep,
    member_id: Annotated[str | None, Query(description="only this member's entries")] = None,
) -> PageOut[BanRead]:
    await resolve_actor(session, principal=principal, community_id=community_id, acting_member_id=None)
    rows = await usecases.list_bans(
        session, community_id=community_id, member_id=member_id, after=page.after, limit=page.limit + 1
    )
    result = Page.from_rows(list(rows), page=page, key=lambda row: row.id)
    return PageOut(items=[BanRead.model_validate(row) for row in result.items], next_cursor=result.next_cursor)


@router.get("/check")
async def check_ban(
    community_id: str,
    session: SessionDep,
    principal: PrincipalDep,
    member_id: Annotated[str | None, Query()] = None,
    platform: Annotated[str | None, Query()] = None,
    platform_user_id: Annotated[str | None, Query(max_length=200)] = None,
) -> BanCheckRead:
    """Whether a member or a platform account may not come in (what joins ask before admitting anyone)."""
    await resolve_actor(session, principal=principal, community_id=community_id, acting_member_id=None)
    if platform is not None:
        try:
            platform = clean_platform(platform)
        except ValueError as error:
            raise InvalidInput.of("platform", str(error)) from None
    if (platform is None) != (platform_user_id is None):
        raise InvalidInput.of("platform_user_id", "give platform and platform_user_id together")
    if member_id is None and platform is None:
        raise InvalidInput.of("member_id", "give member_id, or platform and platform_user_id, or both")
    banned = await is_banned(
        session, community_id, member_id=member_id, platform=platform, platform_user_id=platform_user_id
    )
    return BanCheckRead(banned=banned)
