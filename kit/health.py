"""``/healthz`` (the process is up) and ``/readyz`` (its database and Redis answer; with how many events
wait in its consumer groups' dead-letter streams)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from kit.events.deadletter import depth

READY_TIMEOUT_SECONDS = 2.0


async def _check_database(request: Request) -> str:
    async with request.app.state.engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
    return "ok"


async def _check_redis(request: Request) -> str:
    await request.app.state.redis.ping()
    return "ok"


async def _dead_letters(request: Request, groups: Sequence[str]) -> dict[str, int | str]:
    found: dict[str, int | str] = {}
    for group in groups:
        try:
            found[group] = await asyncio.wait_for(depth(request.app.state.redis, group), READY_TIMEOUT_SECONDS)
        except Exception as error:  # noqa: BLE001 - reported; the redis check already decides readiness
            found[group] = f"error: {type(error).__name__}"
    return found


def health_router(*, dead_letter_groups: Sequence[str] = ()) -> APIRouter:
    """``dead_letter_groups``: the consumer groups whose ``dead.<group>`` depth readyz reports. A dead letter
    does not make the part unready (ADR 0030): restarting or removing it from a load balancer would not
    bring the event back; an operator does, with ``guildhall events redrive``."""
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
        body: dict[str, object] = {"status": "ok" if ready else "unavailable", "checks": checks}
        if dead_letter_groups:
            body["dead_letters"] = await _dead_letters(request, dead_letter_groups)
        return JSONResponse(body, status_code=200 if ready else 503)

    return router
