"""The server under test for ``access``: embedded Guildhall in one uvicorn process.

``/svc/membership/...`` goes straight to the membership service's app (as ``bench.slice_app`` does).
``/miss/svc/membership/...`` does the same after invalidating the entitlement cache of the member in the
path, so every such request is a cache miss; the invalidation is one Redis pipeline, counted in the row.
Configured by the usual ``GUILDHALL_*`` environment variables.
"""

from __future__ import annotations

from typing import Any

from starlette.types import Receive, Scope, Send

from guildhall.embedded import EmbeddedGuildhall
from services.membership.repo.entitlement_cache import EntitlementCache


def create_app() -> Any:
    guildhall = EmbeddedGuildhall()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await guildhall.__aenter__()
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await guildhall.__aexit__(None, None, None)
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        path: str = scope.get("path", "")
        membership = guildhall.services["membership"]
        if path.startswith("/miss/"):
            path = path.removeprefix("/miss")
            # /svc/membership/v1/communities/{cid}/members/{mid}/entitlements/{key}
            parts = path.split("/")
            cache: EntitlementCache = membership.state.entitlement_cache
            await cache.invalidate(members=[(parts[5], parts[7])], communities=[])
        if path.startswith("/svc/membership/"):
            rest = path.removeprefix("/svc/membership")
            await membership({**scope, "path": rest, "raw_path": rest.encode()}, receive, send)
            return
        assert guildhall.gateway is not None
        await guildhall.gateway(scope, receive, send)

    return app
