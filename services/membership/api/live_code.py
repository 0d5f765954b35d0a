"""``/v1/communities/{community_id}/live-codes``: join links that route newcomers, and their QR images."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from contracts.membership.live_code import LinkNewcomerIn, LiveCodeRead, RoutedGroupRead, RouteIn, RoutingRead
from kit.pagination import Page, PageOut
from kit.qr import PNG_MEDIA_TYPE, SVG_MEDIA_TYPE, qr_png, qr_svg
from services.membership.api.deps import ClocksDep, IdempotencyDep, PageRequestDep, PrincipalDep, SessionDep
from services.membership.api.schemas.live_code import LiveCodeCreate, NewcomerIn
from services.membership.models.live_code import LiveCode
from services.membership.usecases import live_code as usecases
from services.membership.usecases.membership import resolve_actor

router = APIRouter(prefix="/v1/communities/{community_id}/live-codes", tags=["live codes"])
# The public join link knows only the code, not the community: the gateway resolves it here.
link_router = APIRouter(prefix="/v1/live-code-links", tags=["live codes"])


def join_url(request: Request, live_code: LiveCode) -> str:
    return f"{request.app.state.settings.public_url.rstrip('/')}/join/{live_code.code}"


def live_code_read(request: Request, live_code: LiveCode) -> LiveCodeRead:
    path = f"/v1/communities/{live_code.community_id}/live-codes/{live_code.id}"
    return LiveCodeRead(
        id=live_code.id,
        community_id=live_code.community_id,
        code=live_code.code,
        name=live_code.name,
        routes=[RouteIn.model_validate(route) for route in live_code.routes],
        tier_id=live_code.tier_id,
        overflow_group_id=live_code.overflow_group_id,
        hold_minutes=live_code.hold_minutes,
        active=live_code.active,
        join_url=join_url(request, live_code),
        qr_png_path=f"{path}/qr.png",
        qr_svg_path=f"{path}/qr.svg",
        created_at=live_code.created_at,
    )


@router.post("", status_code=201, response_model=LiveCodeRead)
async def create_live_code(
    community_id: str,
    body: LiveCodeCreate,
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    async def create() -> LiveCodeRead:
        actor = await resolve_actor(
            session, principal=principal, community_id=community_id, acting_member_id=body.acting_member_id
        )
        live_code = await usecases.create_live_code(
            session,
            community_id=community_id,
            actor=actor,
            clocks=clocks,
            name=body.name,
            routes=[route.model_dump() for route in body.routes],
            tier_id=body.tier_id,
            overflow_group_id=body.overflow_group_id,
            hold_minutes=body.hold_minutes,
        )
        return live_code_read(request, live_code)

    return await idempotency.run(create)


@router.get("")
async def list_live_codes(
    community_id: str, request: Request, session: SessionDep, principal: PrincipalDep, page: PageRequestDep
) -> PageOut[LiveCodeRead]:
    await resolve_actor(session, principal=principal, community_id=community_id, acting_member_id=None)
    rows = await usecases.list_live_codes(session, community_id=community_id, after=page.after, limit=page.limit + 1)
    result = Page.from_rows(list(rows), page=page, key=lambda row: row.id)
    return PageOut(items=[live_code_read(request, row) for row in result.items], next_cursor=result.next_cursor)


@router.get("/{live_code_id}")
async def get_live_code(
    community_id: str, live_code_id: str, request: Request, session: SessionDep, principal: PrincipalDep
) -> LiveCodeRead:
    await resolve_actor(session, principal=principal, community_id=community_id, acting_member_id=None)
    return live_code_read(request, await usecases.get_live_code_or_raise(session, community_id, live_code_id))


QrScale = Annotated[int | None, Query(ge=1, le=40, description="pixels per module")]


@router.get("/{live_code_id}/qr.png", response_class=Response, responses={200: {"content": {PNG_MEDIA_TYPE: {}}}})
async def live_code_png(
    community_id: str,
    live_code_id: str,
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    scale: QrScale = None,
) -> Response:
    """The QR image of the join link, to print on a poster or show in a post."""
    await resolve_actor(session, principal=principal, community_id=community_id, acting_member_id=None)
    live_code = await usecases.get_live_code_or_raise(session, community_id, live_code_id)
    return Response(qr_png(join_url(request, live_code), scale=scale or 8), media_type=PNG_MEDIA_TYPE)


@router.get("/{live_code_id}/qr.svg", response_class=Response, responses={200: {"content": {SVG_MEDIA_TYPE: {}}}})
async def live_code_svg(
    community_id: str,
    live_code_id: str,
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    scale: QrScale = None,
) -> Response:
    await resolve_actor(session, principal=principal, community_id=community_id, acting_member_id=None)
    live_code = await usecases.get_live_code_or_raise(session, community_id, live_code_id)
    return Response(qr_svg(join_url(request, live_code), scale=scale or 4), media_type=SVG_MEDIA_TYPE)


@router.post("/{live_code_id}/routings", status_code=201, response_model=RoutingRead)
async def route_newcomer(
    community_id: str,
    live_code_id: str,
    body: NewcomerIn,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    """A newcomer opened the link: the group they should join, with its place held for them."""

    async def route() -> RoutingRead:
        await resolve_actor(session, principal=principal, community_id=community_id, acting_member_id=None)
        routed = await usecases.route_newcomer(
            session,
            community_id=community_id,
            live_code_id=live_code_id,
            clocks=clocks,
            member_id=body.member_id,
            newcomer_ref=body.newcomer_ref,
            attributes=body.attributes,
            tier_id=body.tier_id,
        )
        return routing_read(routed)

    return await idempotency.run(route)


def routing_read(routed: usecases.Routed) -> RoutingRead:
    routing = routed.routing
    return RoutingRead(
        id=routing.id,
        live_code_id=routing.live_code_id,
        status=routing.status,
        overflow=routing.overflow,
        member_id=routing.member_id,
        newcomer_ref=routing.newcomer_ref,
        held_until=routing.held_until,
        group=RoutedGroupRead.model_validate(routed.group),
    )


@link_router.post("/{code}/routings", status_code=201, response_model=RoutingRead)
async def route_link_newcomer(
    code: str,
    body: LinkNewcomerIn,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    """Someone opened ``<public_url>/join/<code>``: the group they should join, across communities.

    Only Guildhall itself (the gateway serving the link) and platform admins may ask; a community's key
    gets 404 whatever the code, so it learns nothing about other communities' codes."""

    async def route() -> RoutingRead:
        if not principal.is_platform_admin:
            raise usecases.LiveCodeNotFound("no live code with this code")
        return routing_read(
            await usecases.route_by_code(session, code=code, clocks=clocks, newcomer_ref=body.newcomer_ref)
        )

    return await idempotency.run(route)
