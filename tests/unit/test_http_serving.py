"""Serving settles the heap once the app has started, and not before."""

from __future__ import annotations

import pytest
from starlette.types import Message, Receive, Scope, Send

from guildhall import http


async def test_the_heap_is_settled_right_after_the_lifespan_has_started(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    monkeypatch.setattr(http, "settle_heap", lambda: seen.append("settled"))

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(f"app {scope['type']}")
        await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})

    async def send(message: Message) -> None:
        seen.append(message["type"])

    async def receive() -> Message:
        raise AssertionError("not called")

    wrapped = http._settling_after_startup(app)
    await wrapped({"type": "lifespan"}, receive, send)
    await wrapped({"type": "http"}, receive, send)

    assert seen == [
        "app lifespan",
        "settled",
        "lifespan.startup.complete",
        "lifespan.shutdown.complete",
        "app http",
        "lifespan.startup.complete",
        "lifespan.shutdown.complete",
    ]
