"""The bare ASGI baseline: a plain FastAPI app with nothing but two tiny endpoints.

No middleware, no database, no validation models: the ceiling that a Guildhall endpoint is compared
with in the same run (``uvicorn bench.baseline:app``).

- ``GET /ping``: ``{"pong": true}``
- ``POST /graphql``: parses a GraphQL-shaped JSON body and echoes it as ``{"data": {"echo": ...}}``
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

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


def create_app() -> FastAPI:
    """Factory form, for ``uvicorn --factory bench.baseline:create_app``."""
    return app
