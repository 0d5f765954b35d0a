"""Health, readiness and metrics of every part."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from gateway.app import create_app as create_gateway_app
from guildhall.parts import SERVICES
from kit.auth import SYSTEM
from tests.support.backends import Backend
from tests.support.guildhall import gateway_settings, running_service, service_client, service_settings


@pytest.mark.parametrize("name", list(SERVICES))
async def test_a_service_is_ready_when_its_database_and_redis_answer(backend: Backend, name: str) -> None:
    async with running_service(backend, name) as app, service_client(app, SYSTEM) as client:
        health = await client.get("/healthz")
        ready = await client.get("/readyz")
        metrics = await client.get("/metrics")

    assert health.json() == {"status": "ok"}
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}, "dead_letters": {name: 0}}
    assert "guildhall_http_requests_total" in metrics.text


async def test_dead_letters_show_in_readyz_and_metrics_and_leave_the_service_ready(backend: Backend) -> None:
    async with running_service(backend, "membership") as app, service_client(app, SYSTEM) as client:
        for reason in ("unreadable envelope", "too many attempts"):
            await app.state.redis.xadd("dead.membership", {"envelope": "{}", "reason": reason})
        ready = await client.get("/readyz")
        metrics = await client.get("/metrics")

    assert ready.status_code == 200
    assert ready.json()["status"] == "ok"
    assert ready.json()["dead_letters"] == {"membership": 2}
    assert 'guildhall_dead_letters{group="membership"} 2.0' in metrics.text


async def test_a_service_whose_redis_is_down_is_not_ready_but_alive(backend: Backend) -> None:
    settings = service_settings(backend, "membership").model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})
    app = SERVICES["membership"].build(settings)
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://s")
    async with app.router.lifespan_context(app), client:
        health = await client.get("/healthz")
        ready = await client.get("/readyz")

    assert health.status_code == 200
    assert ready.status_code == 503
    assert ready.json()["checks"]["database"] == "ok"
    assert ready.json()["checks"]["redis"].startswith("error:")


async def test_the_gateway_reports_its_dispatch_groups_dead_letters(backend: Backend) -> None:
    # The services stand empty: readyz calls none of them.
    transports = {name: httpx.ASGITransport(app=FastAPI()) for name in SERVICES}
    app = create_gateway_app(gateway_settings(backend), transports=transports)
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://g")
    async with app.router.lifespan_context(app), client:
        await app.state.redis.xadd("dead.gateway.dispatch", {"envelope": "{}", "reason": "too many attempts"})
        ready = await client.get("/readyz")

    assert ready.status_code == 200
    assert ready.json()["dead_letters"] == {"gateway.dispatch": 1}
