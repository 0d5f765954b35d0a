"""``GET /join/{code}``: the public join link of a live code (活码), opened by people who are not members yet.

The gateway asks membership to route the newcomer (the code is unique across communities) and sends them
on: a redirect to the routed group's join URL, or a small page naming the group with instructions when the
group has no link. A newcomer is recognised by ``?ref=`` (the integrator's reference, e.g. an open id, the
same one it would pass to ``POST .../live-codes/{id}/routings``), or else by a cookie this page sets, so
opening the link twice holds one place, not two. Only the routed group of this code is ever shown.
"""

from __future__ import annotations

import html
import logging
import re
import secrets
from string import Template

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from contracts.membership.live_code import RoutingRead
from gateway.clients import MembershipClient, ServiceProblem
from kit.auth import SYSTEM
from kit.qr import qr_svg

log = logging.getLogger("guildhall.join")

COOKIE = "gh_newcomer"
COOKIE_MAX_AGE = 30 * 24 * 3600
REF_MAX_LENGTH = 200
_CODE = re.compile(r"[a-z0-9]{1,24}")

_PAGE = Template(
    """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$title</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;line-height:1.5}
.qr svg{width:12rem;height:auto}</style>
</head><body>
<h1>$title</h1>
$body
</body></html>
"""
)


def page(status: int, title: str, body: str) -> HTMLResponse:
    """A small page; ``body`` is HTML the caller has already escaped."""
    return HTMLResponse(_PAGE.substitute(title=html.escape(title), body=body), status_code=status)


def _message(status: int, title: str, text: str) -> HTMLResponse:
    return page(status, title, f"<p>{html.escape(text)}</p>")


def _not_found() -> HTMLResponse:
    return _message(404, "Link not found", "This join link does not exist. Check the link or ask for a new one.")


def _instructions(routing: RoutingRead, page_url: str) -> HTMLResponse:
    group = routing.group
    held_until = routing.held_until.strftime("%Y-%m-%d %H:%M UTC")
    body = (
        f"<p>Your place is held in <strong>{html.escape(group.name)}</strong> "
        f"on {html.escape(group.platform)} until {html.escape(held_until)}.</p>"
        "<p>This group has no join link: ask the community's admins to add you to it, "
        "mentioning this group's name. To continue on your phone, scan this code.</p>"
        f'<div class="qr">{qr_svg(page_url, scale=4)}</div>'
    )
    return page(200, f"Join {group.name}", body)


def _newcomer(request: Request) -> tuple[str, str | None] | None:
    """The newcomer's reference, and a cookie value to set when one was minted; None when ``ref`` is bad."""
    ref = request.query_params.get("ref")
    if ref is not None:
        ref = ref.strip()
        return (ref, None) if 0 < len(ref) <= REF_MAX_LENGTH else None
    cookie = request.cookies.get(COOKIE)
    if cookie and re.fullmatch(r"[A-Za-z0-9_-]{16,64}", cookie):
        return f"cookie:{cookie}", None
    minted = secrets.token_urlsafe(18)
    return f"cookie:{minted}", minted


def join_router() -> APIRouter:
    router = APIRouter(tags=["join links"])

    @router.get("/join/{code}", response_class=HTMLResponse)
    async def join(code: str, request: Request) -> Response:
        code = code.strip().lower()
        if not _CODE.fullmatch(code):
            return _not_found()
        newcomer = _newcomer(request)
        if newcomer is None:
            return _message(400, "Bad link", f"ref: 1 to {REF_MAX_LENGTH} characters.")
        newcomer_ref, minted = newcomer
        state = request.app.state
        client = MembershipClient(state.connections.membership, principal=SYSTEM, secret=state.internal_secret)
        try:
            routing = await client.route_link_newcomer(code, newcomer_ref)
        except ServiceProblem as problem:
            return _refused(problem)
        response: Response
        if routing.group.join_url:
            response = RedirectResponse(routing.group.join_url, status_code=302)
        else:
            response = _instructions(routing, str(request.url))
        if minted is not None:
            response.set_cookie(
                COOKIE,
                minted,
                max_age=COOKIE_MAX_AGE,
                path="/join",
                httponly=True,
                samesite="lax",
                secure=request.url.scheme == "https",
            )
        return response

    return router


def _refused(problem: ServiceProblem) -> HTMLResponse:
    if problem.code == "live_code_not_found":
        return _not_found()
    if problem.code == "live_code_full":
        return _message(409, "Every group is full", "Every group of this link is full right now. Try again later.")
    if problem.code == "live_code_inactive":
        return _message(410, "Link switched off", "This join link has been switched off by the community.")
    log.warning("join link: membership refused", extra={"code": problem.code, "status": problem.status})
    return _message(503, "Try again later", "We could not find you a group just now. Please try again shortly.")
