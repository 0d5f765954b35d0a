"""The in-process channel hands a service the request httpx would have sent it, and gives back what it answered."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from gateway.service_channel import AsgiChannel, HttpChannel, query_string


def _echo_app() -> FastAPI:
    app = FastAPI()

    @app.get("/boom/{kind}")
    async def boom(kind: str) -> None:
        raise RuntimeError(kind)

    @app.api_route("/{rest:path}", methods=["GET", "POST", "PATCH", "DELETE"])
    async def echo(request: Request, rest: str) -> JSONResponse:
        body = await request.body()
        return JSONResponse(
            {
                "method": request.method,
                "path": request.url.path,
                "rest": rest,
                "query": sorted(request.query_params.multi_items()),
                "principal": request.headers.get("x-principal"),
                "content_type": request.headers.get("content-type"),
                "body": json.loads(body) if body else None,
            },
            status_code=201 if request.method == "POST" else 200,
        )

    return app


CALLS: list[dict[str, Any]] = [
    {"method": "GET", "path": "/v1/levels", "params": {"community_id": "cmty_1", "limit": 20}},
    {"method": "GET", "path": "/v1/communities", "params": {"ids": ["cmty_1", "cmty_2"], "active": True}},
    {"method": "GET", "path": "/v1/x%2Fy/items", "params": {"q": "小组 & co", "off": False, "none": None}},
    {"method": "POST", "path": "/v1/points", "params": None, "json": {"member_id": "mem_1", "note": "早安 ✓"}},
    {"method": "PATCH", "path": "/v1/tiers/tier_1", "params": {"k": "v"}, "json": {"name": "Gold"}},
    {"method": "DELETE", "path": "/v1/groups/grp_1/members/mem_1", "params": {"acting_member_id": "mem_2"}},
]


@pytest.mark.parametrize("call", CALLS, ids=[f"{c['method']} {c['path']}" for c in CALLS])
async def test_a_call_in_process_reaches_the_service_as_the_same_call_over_httpx(call: dict[str, Any]) -> None:
    app = _echo_app()
    over_httpx = HttpChannel(base_url=None, transport=httpx.ASGITransport(app=app), timeout=5)
    in_process = AsgiChannel(app)
    kwargs = {"params": call["params"], "json": call.get("json"), "headers": {"X-Principal": "signed"}}

    expected = await over_httpx.request(call["method"], call["path"], **kwargs)
    answered = await in_process.request(call["method"], call["path"], **kwargs)
    await over_httpx.aclose()

    assert (answered.status, json.loads(answered.content)) == (expected.status, json.loads(expected.content))
    assert answered.reason == expected.reason


@pytest.mark.parametrize(
    "params",
    [
        {"a": "1", "b": 2},
        {"ids": ["x", "y", "z"]},
        {"t": True, "f": False, "n": None},
        {"space and+plus": "a b+c/d?e=f&g"},
        {"zh": "打卡", "emoji": "🎉"},
    ],
)
def test_the_query_string_is_encoded_as_httpx_encodes_it(params: dict[str, Any]) -> None:
    assert query_string(params).decode() == str(httpx.QueryParams(params))


async def test_a_service_error_comes_back_as_the_answer_its_error_handler_gave() -> None:
    app = _echo_app()

    answered = await AsgiChannel(app).request("GET", "/boom/kaput", params=None, json=None, headers={})

    assert (answered.status, answered.is_error) == (500, True)


async def test_an_app_that_fails_before_answering_raises_to_the_caller() -> None:
    async def broken(scope: Any, receive: Any, send: Any) -> None:
        raise LookupError("no answer")

    with pytest.raises(LookupError, match="no answer"):
        await AsgiChannel(broken).request("GET", "/", params=None, json=None, headers={})
