"""``/v1/communities/{community_id}/live-codes/{id}/qr.png|svg`` on the gateway: a live code's QR image.

The membership service draws the same images, but services are never exposed (in embedded mode they have no
socket at all), so an operator with an API key fetches the poster image here. The gateway asks membership for
the live code as the key's principal (a key of another community gets 404, as everywhere) and draws the join
link itself, so no image bytes cross the internal hop.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from gateway.auth import authenticate
from gateway.clients import MembershipClient, ServiceProblem
from kit.qr import PNG_MEDIA_TYPE, SVG_MEDIA_TYPE, qr_png, qr_svg

QrScale = Annotated[int | None, Query(ge=1, le=40, description="pixels per module")]


def _problem(problem: ServiceProblem) -> JSONResponse:
    return JSONResponse(
        problem.body.model_dump(mode="json", exclude_none=True),
        status_code=problem.status,
        media_type="application/problem+json",
    )


async def _join_url(request: Request, community_id: str, live_code_id: str) -> str | JSONResponse:
    principal = await authenticate(request, request.app.state.authenticator)
    if principal is None:  # a browser without a key: there is no IDE here to send one
        return JSONResponse({"detail": "send `Authorization: Bearer <key>`"}, status_code=401)
    state = request.app.state
    client = MembershipClient(state.connections.membership, principal=principal, secret=state.internal_secret)
    try:
        return (await client.get_live_code(community_id, live_code_id)).join_url
    except ServiceProblem as problem:
        return _problem(problem)


def live_code_qr_router() -> APIRouter:
    router = APIRouter(prefix="/v1/communities/{community_id}/live-codes", tags=["live codes"])

    @router.get("/{live_code_id}/qr.png", response_class=Response, responses={200: {"content": {PNG_MEDIA_TYPE: {}}}})
    async def live_code_png(community_id: str, live_code_id: str, request: Request, scale: QrScale = None) -> Response:
        """The QR image of the join link, to print on a poster or show in a post."""
        url = await _join_url(request, community_id, live_code_id)
        if isinstance(url, Response):
            return url
        return Response(qr_png(url, scale=scale or 8), media_type=PNG_MEDIA_TYPE)

    @router.get("/{live_code_id}/qr.svg", response_class=Response, responses={200: {"content": {SVG_MEDIA_TYPE: {}}}})
    async def live_code_svg(community_id: str, live_code_id: str, request: Request, scale: QrScale = None) -> Response:
        url = await _join_url(request, community_id, live_code_id)
        if isinstance(url, Response):
            return url
        return Response(qr_svg(url, scale=scale or 4), media_type=SVG_MEDIA_TYPE)

    return router
