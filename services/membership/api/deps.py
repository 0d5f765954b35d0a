"""Dependencies of the membership API, as ``Annotated`` aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from kit.auth import PrincipalDep
from kit.clock import Clocks
from kit.db import READ_METHODS, SessionDep
from kit.idempotency import IdempotencyDep
from kit.pagination import PageRequestDep
from services.membership.usecases.community import ensure_community_exists


# async though it awaits nothing: FastAPI runs a plain def dependency in a worker thread, a hop per request.
async def get_clocks(request: Request) -> Clocks:
    clocks: Clocks = request.app.state.clocks
    return clocks


ClocksDep = Annotated[Clocks, Depends(get_clocks)]


async def community_exists(request: Request, session: SessionDep) -> None:
    """For the routes under ``/v1/communities/{community_id}``: a write names a community that exists, else
    ``community_not_found`` before anything is written (rather than a foreign-key failure at flush)."""
    community_id = request.path_params.get("community_id")
    if community_id is not None and request.method not in READ_METHODS:
        await ensure_community_exists(session, community_id)


CommunityExists = Depends(community_exists)

__all__ = ["ClocksDep", "CommunityExists", "IdempotencyDep", "PageRequestDep", "PrincipalDep", "SessionDep"]
