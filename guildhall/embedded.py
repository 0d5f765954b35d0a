"""Embedded mode: every service, the gateway and every worker in one process.

The gateway calls the services' ASGI apps directly (``gateway.service_channel.AsgiChannel``), so requests
cross the same HTTP interface as in distributed mode, without sockets. Tests use this same composition.
"""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from types import TracebackType

import httpx
from fastapi import FastAPI

from gateway import app as gateway_app
from gateway.settings import GatewaySettings
from guildhall.parts import GATEWAY, SERVICES
from guildhall.workers import Worker, gateway_workers, workers_of
from kit.clock import Clocks
from kit.migrations import upgrade
from kit.settings import KitSettings


class EmbeddedGuildhall:
    """``async with EmbeddedGuildhall() as guildhall:`` migrates, starts everything, and stops it all on exit."""

    def __init__(
        self,
        *,
        gateway_settings: GatewaySettings | None = None,
        service_settings: dict[str, KitSettings] | None = None,
        clocks: Clocks | None = None,
        run_workers: bool = True,
        migrate: bool = True,
    ) -> None:
        self.gateway_settings = gateway_settings or GatewaySettings()
        self._service_settings = service_settings or {}
        self.clocks = clocks or Clocks()
        self._run_workers = run_workers
        self._migrate = migrate
        self.services: dict[str, FastAPI] = {}
        self.workers: dict[str, list[Worker]] = {}
        self._stack = AsyncExitStack()
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self.gateway: FastAPI | None = None

    def settings_of(self, name: str) -> KitSettings:
        return self._service_settings.get(name) or SERVICES[name].settings()

    async def __aenter__(self) -> EmbeddedGuildhall:
        try:
            await self._start()
        except BaseException:
            await self._stack.aclose()
            raise
        return self

    async def _start(self) -> None:
        if self._migrate:
            # One at a time: Alembic keeps its migration context in process-wide state.
            for name in SERVICES:
                await upgrade(name, SERVICES[name].database_url(self.settings_of(name)))
            await upgrade(GATEWAY, self.gateway_settings.database_url)
        for name, part in SERVICES.items():
            settings = self.settings_of(name)
            app = part.build(settings, clocks=self.clocks)
            await self._stack.enter_async_context(app.router.lifespan_context(app))
            self.services[name] = app
            self.workers[name] = workers_of(part, app, settings)
        self.gateway = gateway_app.create_app(self.gateway_settings, apps=self.services, clocks=self.clocks)
        await self._stack.enter_async_context(self.gateway.router.lifespan_context(self.gateway))
        self.workers[GATEWAY] = gateway_workers(self.gateway, self.gateway_settings)
        if self._run_workers:
            self._tasks = [
                asyncio.create_task(worker(self._stop)) for workers in self.workers.values() for worker in workers
            ]
        self._stack.push_async_callback(self._stop_workers)

    async def _stop_workers(self) -> None:
        self._stop.set()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._stack.aclose()

    def client(self, *, api_key: str | None = None) -> httpx.AsyncClient:
        """An HTTP client of the gateway, in process."""
        assert self.gateway is not None, "use inside `async with`"
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.gateway), base_url="http://guildhall", headers=headers
        )
