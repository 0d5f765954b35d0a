"""The server under test for ``access``: embedded Guildhall in one uvicorn process.

``/svc/membership/...`` goes straight to the membership service's app (as ``bench.slice_app`` does).
``/miss/svc/membership/...`` does the same after invalidating the entitlement cache of the member in the
path, so every such request is a cache miss; the invalidation is one Redis pipeline, counted in the row.
Configured by the usual ``GUILDHALL_*`` environment variables.
"""

from __future__ import annotations

from typing import Any

from starlette.types import Receive, Scope, Send

from bench.embedded_app import embedded_app, to_service
from guildhall.embedded import EmbeddedGuildhall
from services.membership.repo.entitlement_cache import EntitlementCache


def create_app() -> Any:
    async def route(guildhall: EmbeddedGuildhall, scope: Scope, receive: Receive, send: Send) -> bool:
        path: str = scope.get("path", "")
        if path.startswith("/miss/"):
            path = path.removeprefix("/miss")
            # /svc/membership/v1/communities/{cid}/members/{mid}/entitlements/{key}
            parts = path.split("/")
            cache: EntitlementCache = guildhall.services["membership"].state.entitlement_cache
            await cache.invalidate(members=[(parts[5], parts[7])], communities=[])
            scope = {**scope, "path": path, "raw_path": path.encode()}
        return await to_service(guildhall, scope, receive, send)

    return embedded_app(route)
