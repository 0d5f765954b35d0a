"""The morning storm's path: ``POST /v1/communities/{community_id}/challenges/{challenge_id}/checkins`` served
by a lean ASGI middleware ahead of FastAPI's router and dependency solving (ADR 0023).

It does what the route in ``api/challenge.py`` does, in the same order, with the same pieces: the principal,
the request's session, the Idempotency-Key, the body model, the community check, then ``record_check_in``.
Any other request goes on to the app. The route stays: it is the OpenAPI document of this path.
"""

from __future__ import annotations

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from contracts.gamification.challenge import CheckinCreate
from kit.asgi import RouteTemplate, route_path
from kit.auth import PRINCIPAL_HEADER, ensure_community_access, verify_principal
from kit.db import request_session
from kit.errors import Problem, problem_response, validation_problem
from kit.idempotency import get_idempotency
from services.gamification.api.challenge import record_check_in

PATH = "/v1/communities/{community_id}/challenges/{challenge_id}/checkins"
_ROUTE = RouteTemplate(PATH)


def checkin_ids(scope: Scope) -> tuple[str, str] | None:
    """(community id, challenge id) when ``scope`` is a check-in POST, else None."""
    if scope["type"] != "http" or scope["method"] != "POST":
        return None
    parts = route_path(scope).split("/")
    if len(parts) != 7 or parts[:3] != ["", "v1", "communities"] or (parts[4], parts[6]) != ("challenges", "checkins"):
        return None
    community_id, challenge_id = parts[3], parts[5]
    return (community_id, challenge_id) if community_id and challenge_id else None


class CheckinPath:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        ids = checkin_ids(scope)
        if ids is None:
            await self.app(scope, receive, send)
            return
        community_id, challenge_id = ids
        scope["route"] = _ROUTE
        scope["path_params"] = {"community_id": community_id, "challenge_id": challenge_id}
        request = Request(scope, receive)
        try:
            response = await _check_in(request, community_id, challenge_id)
        except Problem as problem:
            response = problem_response(problem.body())
        await response(scope, receive, send)


async def _check_in(request: Request, community_id: str, challenge_id: str) -> Response:
    state = request.app.state
    principal = verify_principal(request.headers.get(PRINCIPAL_HEADER), state.internal_secret)
    async with request_session(state, "POST") as session:
        idempotency = await get_idempotency(request, session, principal)
        try:
            body = CheckinCreate.model_validate_json(await request.body())
        except ValidationError as refused:
            return problem_response(validation_problem(refused.errors()))
        ensure_community_access(principal, community_id)
        return await record_check_in(
            session, state.clocks, idempotency, community_id=community_id, challenge_id=challenge_id, body=body
        )
