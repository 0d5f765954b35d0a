"""The shape every service app shares: lifespan owning engine, sessionmaker and Redis; the request
middleware; problem+json errors; health and metrics endpoints."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass

from fastapi import APIRouter, FastAPI
from fastapi.telemetry import TelemetryConfig
from starlette.middleware import Middleware

from kit.clock import Clocks
from kit.db import create_engine, create_sessionmaker, is_sqlite, reader_of, warm_pool
from kit.errors import install_problem_handlers
from kit.events.outbox import PRODUCER_INFO_KEY
from kit.health import health_router
from kit.metrics import metrics_router
from kit.middleware import RequestContextMiddleware
from kit.openapi import install_openapi
from kit.redis import create_redis
from kit.sandbox_clock import ClockSource, SandboxClockRefresher
from kit.settings import KitSettings

log = logging.getLogger(__name__)
_NO_TELEMETRY: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    database_url: str
    routers: Sequence[APIRouter]
    # More of the app's lifetime, entered once engine, sessionmaker and redis are on app.state.
    lifespan: Callable[[FastAPI], AbstractAsyncContextManager[None]] | None = None
    # The owner of sandbox communities' test clocks reads them from its database when Redis lost them.
    clock_source: Callable[[FastAPI], ClockSource] | None = None
    # Pure ASGI middleware run inside the request context (request id, metrics, error log) and before
    # routing: for an endpoint so hot that FastAPI's routing and dependency injection are a cost (ADR 0017).
    middleware: Sequence[Middleware] = ()
    # The consumer groups whose dead-letter depth /readyz reports; None: the one named after the service.
    consumer_groups: Sequence[str] | None = None
    # GET paths a serving process answers once before it takes requests (``kit.warmup``); ``{community}`` and
    # ``{member}`` name ids that exist nowhere.
    warm_paths: Sequence[str] = ()


def create_service_app(spec: ServiceSpec, settings: KitSettings, *, clocks: Clocks | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(spec.database_url)
        read_engine = reader_of(engine, spec.database_url)
        sessionmaker = create_sessionmaker(engine)
        sessionmaker.configure(info={PRODUCER_INFO_KEY: spec.name})
        redis = create_redis(settings.redis_url)
        app.state.engine = engine
        app.state.sessionmaker = sessionmaker
        app.state.read_sessionmaker = create_sessionmaker(read_engine)
        app.state.redis = redis
        await warm_pool(engine, settings.db_warm_connections)
        try:
            if spec.lifespan is None:
                async with _test_clocks_kept(app, spec, settings):
                    yield
            else:
                async with spec.lifespan(app), _test_clocks_kept(app, spec, settings):
                    yield
        finally:
            await redis.aclose()
            await engine.dispose()
            if is_sqlite(spec.database_url):
                await read_engine.dispose()

    # Guildhall observes through Prometheus metrics and logs carrying request ids. FastAPI's own OpenTelemetry,
    # on by default, looks up the global providers on every request (~10 µs) only to find none configured.
    app = FastAPI(title=f"Guildhall {spec.name}", version="0.1.0", lifespan=lifespan, telemetry=_NO_TELEMETRY)
    app.state.service_name = spec.name
    app.state.settings = settings
    app.state.internal_secret = settings.internal_secret.get_secret_value()
    app.state.clocks = clocks or Clocks()
    app.state.warm_paths = tuple(spec.warm_paths)
    install_problem_handlers(app)
    for middleware in reversed(spec.middleware):  # each added one wraps the ones before: keep the order given
        app.add_middleware(middleware.cls, *middleware.args, **middleware.kwargs)
    app.add_middleware(RequestContextMiddleware, service=spec.name)
    groups = (spec.name,) if spec.consumer_groups is None else spec.consumer_groups
    app.include_router(health_router(dead_letter_groups=groups))
    app.include_router(metrics_router())
    for router in spec.routers:
        app.include_router(router)
    install_openapi(app)
    return app


@asynccontextmanager
async def _test_clocks_kept(app: FastAPI, spec: ServiceSpec, settings: KitSettings) -> AsyncIterator[None]:
    """Sandbox communities' test clocks, loaded before the first request and kept fresh while serving."""
    app.state.test_clock_source = spec.clock_source(app) if spec.clock_source is not None else None
    refresher = SandboxClockRefresher(
        redis=app.state.redis,
        clocks=app.state.clocks,
        source=app.state.test_clock_source,
        interval=settings.test_clock_refresh,
    )
    try:
        await refresher.refresh_once()
    except Exception:
        # Starting without them beats not starting: the refresher keeps trying.
        log.warning("test clocks not loaded at start-up", exc_info=True)
    stop = asyncio.Event()
    task = asyncio.create_task(refresher.run(stop))
    try:
        yield
    finally:
        stop.set()
        await task
