"""Calling an ASGI app in this process without a server or an HTTP client: the profilers use it so that what
they count is the app's own work."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.types import ASGIApp, Message

from kit.asgi import call_app

ASGI = ASGIApp


async def call(
    app: ASGI, method: str, path: str, headers: list[tuple[bytes, bytes]], body: bytes, answer: bytearray | None = None
) -> int:
    """The status ``app`` answered; its body is added to ``answer`` when one is given."""
    return await call_app(app, method, path, headers, body, answer)


async def lifespan(app: ASGI) -> tuple[asyncio.Task[None], asyncio.Queue[dict[str, Any]]]:
    inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    outbox: asyncio.Queue[Message] = asyncio.Queue()
    scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}

    async def serve() -> None:
        await app(scope, inbox.get, outbox.put)

    task = asyncio.create_task(serve())
    await inbox.put({"type": "lifespan.startup"})
    message = await outbox.get()
    assert message["type"] == "lifespan.startup.complete", message
    return task, inbox
