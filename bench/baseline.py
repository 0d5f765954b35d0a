"""The bare ASGI baseline: a plain FastAPI app with nothing but two tiny endpoints.

No middleware, no database, no validation models: the ceiling that a Guildhall endpoint is compared
with in the same run (``uvicorn bench.baseline:app``).

- ``GET /ping``: ``{"pong": true}``
- ``POST /graphql``: parses a GraphQL-shaped JSON body and echoes it as ``{"data": {"echo": ...}}``
- ``POST /hmac``: checks a Slack-style signature (HMAC-SHA256 over ``v0:{timestamp}:{raw body}`` with
  ``HMAC_SECRET``) and answers 200 or 401: the ceiling of a verified webhook endpoint
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

HMAC_SECRET = b"bench-baseline-signing-secret"

app = FastAPI(title="Guildhall bench baseline", openapi_url=None, docs_url=None, redoc_url=None)


@app.get("/ping")
async def ping() -> dict[str, bool]:
    return {"pong": True}


@app.post("/graphql")
async def graphql_echo(request: Request) -> JSONResponse:
    body: Any = await request.json()
    if not isinstance(body, dict):
        return JSONResponse({"errors": [{"message": "expected a JSON object"}]}, status_code=400)
    echo = {"query": body.get("query"), "variables": body.get("variables"), "operationName": body.get("operationName")}
    return JSONResponse({"data": {"echo": echo}})


@app.post("/hmac")
async def verified_webhook(request: Request) -> Response:
    body = await request.body()
    timestamp = request.headers.get("x-slack-request-timestamp", "")
    expected = "v0=" + hmac.new(HMAC_SECRET, b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    presented = request.headers.get("x-slack-signature", "")
    return Response(status_code=200 if hmac.compare_digest(expected, presented) else 401)


def create_app() -> FastAPI:
    """Factory form, for ``uvicorn --factory bench.baseline:create_app``."""
    return app
