"""The server under test for ``graphql_slice``: embedded Guildhall in one uvicorn process.

``/graphql`` and the rest go to the gateway; ``/svc/<service>/...`` goes straight to that service's
app, so the REST calls the gateway makes can be measured on their own, in the same process.
Configured by the usual ``GUILDHALL_*`` environment variables.
"""

from __future__ import annotations

from typing import Any

from starlette.types import Receive, Scope, Send

from guildhall.embedded import EmbeddedGuildhall


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
        if path.startswith("/svc/"):
            name, _, rest = path.removeprefix("/svc/").partition("/")
            await guildhall.services[name](
                {**scope, "path": "/" + rest, "raw_path": ("/" + rest).encode()}, receive, send
            )
            return
        assert guildhall.gateway is not None
        await guildhall.gateway(scope, receive, send)

    return app
