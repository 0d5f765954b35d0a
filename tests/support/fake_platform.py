"""A fake chat platform: a real HTTP server on a free local port that records every request it gets.

It answers every call with one JSON body that satisfies each platform's success shape. A path that
contains ``/fail429`` answers 429; one that contains ``/notok`` answers each platform's refusal.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

SUCCESS = {
    "ok": True,
    "result": {"message_id": 4242},
    "ts": "1700000000.000100",
    "id": "1100000000000000001",
    "code": 0,
    "errcode": 0,
    "tenant_access_token": "t-feishu",
    "expire": 7200,
    "access_token": "t-oapi",
    "expires_in": 7200,
    "accessToken": "t-dingtalk",
    "expireIn": 7200,
    "data": {"message_id": "om_sent"},
    "msgid": "wecom-msg-1",
    "processQueryKey": "dingtalk-query-1",
}
REFUSAL = {"ok": False, "error": "channel_not_found", "description": "Bad Request", "code": 230002, "errcode": 86003}


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass
class FakePlatform:
    url: str = ""
    requests: list[Recorded] = field(default_factory=list)

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]


@asynccontextmanager
async def fake_platform() -> AsyncIterator[FakePlatform]:
    platform = FakePlatform()

    async def record(request: Request) -> JSONResponse:
        body = await request.body()
        platform.requests.append(
            Recorded(request.method, request.url.path, dict(request.query_params), dict(request.headers), body)
        )
        if "/fail429" in request.url.path:
            return JSONResponse({"ok": False, "error": "ratelimited"}, status_code=429)
        if "/notok" in request.url.path:
            return JSONResponse(REFUSAL)
        return JSONResponse(SUCCESS)

    methods = ["GET", "POST", "PUT", "PATCH", "DELETE"]
    app = Starlette(routes=[Route("/{path:path}", record, methods=methods)])
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off", ws="none")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        platform.url = f"http://127.0.0.1:{port}"
        yield platform
    finally:
        server.should_exit = True
        await task
