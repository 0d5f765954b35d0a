"""Embedded Guildhall as one ASGI app for the benchmarks' servers, started the way ``guildhall serve`` starts it:
every part entered in the lifespan, each service warmed up (``kit.warmup``), then the heap settled
(``kit.runtime.settle_heap``), so that a full garbage collection walking the start-up heap (about 200 ms) is not
measured as a request's latency."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.types import Receive, Scope, Send

from guildhall.embedded import EmbeddedGuildhall
from kit.runtime import settle_heap
from kit.warmup import warm_up

# A route of the bench app: answers the request and says True, or says False to leave it to the gateway.
Route = Callable[[EmbeddedGuildhall, Scope, Receive, Send], Awaitable[bool]]


def embedded_app(route: Route) -> Any:
    guildhall = EmbeddedGuildhall()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await guildhall.__aenter__()
                    for service in guildhall.services.values():
                        await warm_up(service)
                    settle_heap()
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await guildhall.__aexit__(None, None, None)
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if await route(guildhall, scope, receive, send):
            return
        assert guildhall.gateway is not None
        await guildhall.gateway(scope, receive, send)

    return app


async def to_service(guildhall: EmbeddedGuildhall, scope: Scope, receive: Receive, send: Send) -> bool:
    """``/svc/<service>/...`` straight to that service's app, so the REST calls the gateway makes can be measured
    on their own, in the same process."""
    path: str = scope.get("path", "")
    if not path.startswith("/svc/"):
        return False
    name, _, rest = path.removeprefix("/svc/").partition("/")
    await guildhall.services[name]({**scope, "path": "/" + rest, "raw_path": ("/" + rest).encode()}, receive, send)
    return True
