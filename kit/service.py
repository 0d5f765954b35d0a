"""The shape every service app shares: lifespan owning engine, sessionmaker and Redis; the request
middleware; problem+json errors; health and metrics endpoints."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass

from fastapi import APIRouter, FastAPI

from kit.clock import Clocks
from kit.db import create_engine, create_sessionmaker, is_sqlite
from kit.errors import install_problem_handlers
from kit.events.outbox import PRODUCER_INFO_KEY
from kit.health import health_router
from kit.metrics import metrics_router
from kit.middleware import RequestContextMiddleware
from kit.redis import create_redis
from kit.settings import KitSettings


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    database_url: str
    routers: Sequence[APIRouter]
    # More of the app's lifetime, entered once engine, sessionmaker and redis are on app.state.
    lifespan: Callable[[FastAPI], AbstractAsyncContextManager[None]] | None = None


def create_service_app(spec: ServiceSpec, settings: KitSettings, *, clocks: Clocks | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(spec.database_url)
        read_engine = create_engine(spec.database_url, read_only=True) if is_sqlite(spec.database_url) else engine
        sessionmaker = create_sessionmaker(engine)
        sessionmaker.configure(info={PRODUCER_INFO_KEY: spec.name})
        redis = create_redis(settings.redis_url)
        app.state.engine = engine
        app.state.sessionmaker = sessionmaker
        app.state.read_sessionmaker = create_sessionmaker(read_engine)
        app.state.redis = redis
        try:
            if spec.lifespan is None:
                yield
            else:
                async with spec.lifespan(app):
                    yield
        finally:
            await redis.aclose()
            await engine.dispose()
            if read_engine is not engine:
                await read_engine.dispose()

    app = FastAPI(title=f"Guildhall {spec.name}", version="0.1.0", lifespan=lifespan)
    app.state.service_name = spec.name
    app.state.settings = settings
    app.state.internal_secret = settings.internal_secret.get_secret_value()
    app.state.clocks = clocks or Clocks()
    install_problem_handlers(app)
    app.add_middleware(RequestContextMiddleware, service=spec.name)
    app.include_router(health_router())
    app.include_router(metrics_router())
    for router in spec.routers:
        app.include_router(router)
    return app
