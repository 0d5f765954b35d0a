"""The gamification service: points, levels, badges, leaderboards, challenges, certificates."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from kit.clock import Clocks
from kit.service import ServiceSpec, create_service_app
from services.gamification.api import badge, leaderboard, ledger, level, probe, reward, rule, surprise
from services.gamification.settings import GamificationSettings
from services.gamification.usecases.leaderboard import REDIS_INFO_KEY

NAME = "gamification"


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    # Use cases feed the Redis leaderboards after commit; they find Redis in their session's info.
    for sessionmaker in (app.state.sessionmaker, app.state.read_sessionmaker):
        info = dict(sessionmaker.kw.get("info") or {})
        info[REDIS_INFO_KEY] = app.state.redis
        sessionmaker.configure(info=info)
    app.state.timezones = {}  # community id → (expires, IANA zone), for the leaderboard read path
    yield


def create_app(settings: GamificationSettings | None = None, *, clocks: Clocks | None = None) -> FastAPI:
    settings = settings or GamificationSettings()
    spec = ServiceSpec(
        name=NAME,
        database_url=settings.database_url,
        routers=[
            level.router,
            rule.router,
            ledger.router,
            leaderboard.router,
            badge.router,
            reward.router,
            surprise.router,
            probe.router,
        ],
        lifespan=lifespan,
    )
    return create_service_app(spec, settings, clocks=clocks)
