"""``/healthz`` (the process is up) and ``/readyz`` (its database and Redis answer)."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

READY_TIMEOUT_SECONDS = 2.0


async def _check_database(request: Request) -> str:
    async with request.app.state.engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
    return "ok"


async def _check_redis(request: Request) -> str:
    await request.app.state.redis.ping()
    return "ok"


def health_router() -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz")
    async def readyz(request: Request) -> JSONResponse:
        checks: dict[str, str] = {}
        for name, check in (("database", _check_database), ("redis", _check_redis)):
            try:
                checks[name] = await asyncio.wait_for(check(request), READY_TIMEOUT_SECONDS)
            except Exception as error:  # noqa: BLE001 - any failure means "not ready", reported by name
                checks[name] = f"error: {type(error).__name__}"
        ready = all(v == "ok" for v in checks.values())
        return JSONResponse(
            {"status": "ok" if ready else "unavailable", "checks": checks}, status_code=200 if ready else 503
        )

    return router
