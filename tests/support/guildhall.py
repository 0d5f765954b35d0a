"""Running Guildhall in tests: the embedded composition over a test backend, and clients of it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import httpx
from fastapi import FastAPI
from pydantic import SecretStr

from gateway.settings import GatewaySettings
from guildhall.embedded import EmbeddedGuildhall
from guildhall.parts import SERVICES
from kit.auth import PRINCIPAL_HEADER, Principal, sign_principal
from kit.settings import KitSettings
from tests.support.backends import Backend

ADMIN_KEY = "test-platform-admin-key"
INTERNAL_SECRET = "test-internal-secret"
T = TypeVar("T")


def service_settings(backend: Backend, name: str) -> KitSettings:
    part = SERVICES[name]
    return part.settings_class.model_validate(
        {
            "env": "test",
            "redis_url": backend.redis_url,
            "internal_secret": INTERNAL_SECRET,
            f"{name}_database_url": backend.database_urls[name],
        }
    )


def gateway_settings(backend: Backend) -> GatewaySettings:
    return GatewaySettings(
        env="test",
        redis_url=backend.redis_url,
        internal_secret=SecretStr(INTERNAL_SECRET),
        gateway_database_url=backend.database_urls["gateway"],
        bootstrap_api_key=SecretStr(ADMIN_KEY),
    )


@asynccontextmanager
async def running_guildhall(backend: Backend, *, run_workers: bool = True) -> AsyncIterator[EmbeddedGuildhall]:
    guildhall = EmbeddedGuildhall(
        gateway_settings=gateway_settings(backend),
        service_settings={name: service_settings(backend, name) for name in SERVICES},
        run_workers=run_workers,
        migrate=False,  # the backend fixture hands out migrated databases
    )
    async with guildhall:
        yield guildhall


@asynccontextmanager
async def running_service(backend: Backend, name: str) -> AsyncIterator[FastAPI]:
    """One service app with its lifespan entered, no workers."""
    app = SERVICES[name].build(service_settings(backend, name))
    async with app.router.lifespan_context(app):
        yield app


def service_client(app: FastAPI, principal: Principal | None) -> httpx.AsyncClient:
    """A client that calls a service as the gateway would, on behalf of ``principal``."""
    headers = {PRINCIPAL_HEADER: sign_principal(principal, INTERNAL_SECRET)} if principal else {}
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://service", headers=headers)


async def eventually(probe: Callable[[], Awaitable[T | None]], *, within: float = 10.0, every: float = 0.02) -> T:
    """The first non-None answer of ``probe``: for effects that arrive through the event bus."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        result = await probe()
        if result is not None:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"no answer within {within}s")
        await asyncio.sleep(every)


class GraphQL:
    """A GraphQL client of the gateway."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def __call__(self, query: str, **variables: Any) -> dict[str, Any]:
        response = await self.http.post("/graphql", json={"query": query, "variables": variables})
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body
