"""The request middleware (kit/middleware.py): a client that hangs up before its answer is no server error."""

from __future__ import annotations

import logging

import pytest
from fastapi import FastAPI, Request
from prometheus_client import REGISTRY
from starlette.types import Message

from kit.errors import install_problem_handlers
from kit.middleware import RequestContextMiddleware


def create_app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    app.add_middleware(RequestContextMiddleware, service="test-hangup")

    @app.post("/communities")
    async def create_community(request: Request) -> dict[str, int]:
        return {"size": len(await request.body())}  # Starlette raises ClientDisconnect here

    return app


async def hang_up_mid_body(app: FastAPI) -> list[Message]:
    incoming: list[Message] = [
        {"type": "http.request", "body": b'{"name": ', "more_body": True},
        {"type": "http.disconnect"},
    ]
    sent: list[Message] = []

    async def receive() -> Message:
        return incoming.pop(0) if incoming else {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/communities",
        "raw_path": b"/communities",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"content-type", b"application/json"), (b"host", b"test")],
        "client": ("127.0.0.1", 5000),
        "server": ("test", 80),
    }
    await app(scope, receive, send)
    return sent


def counted(status: str) -> float:
    labels = {"service": "test-hangup", "method": "POST", "route": "/communities", "status": status}
    return REGISTRY.get_sample_value("guildhall_http_requests_total", labels) or 0.0


async def test_a_client_hanging_up_mid_body_is_logged_at_info_and_counted_as_499_not_500(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = create_app()
    before_500, before_499 = counted("500"), counted("499")

    with caplog.at_level(logging.INFO):
        sent = await hang_up_mid_body(app)

    assert sent == []
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    [access] = [r for r in caplog.records if r.name == "guildhall.access"]
    assert (access.levelno, access.status) == (logging.INFO, 499)  # type: ignore[attr-defined]
    assert (counted("500") - before_500, counted("499") - before_499) == (0, 1)
