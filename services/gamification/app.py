"""The gamification service: points, levels, badges, leaderboards, challenges, certificates."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from fastapi import FastAPI
from starlette.middleware import Middleware

from kit.clock import Clocks
from kit.sandbox_clock import due_work_router
from kit.service import ServiceSpec, create_service_app
from services.gamification import jobs
from services.gamification.api import (
    badge,
    challenge,
    deposit,
    leaderboard,
    ledger,
    level,
    probe,
    reward,
    rule,
    surprise,
)
from services.gamification.api import certificate as certificate_api
from services.gamification.api.checkin_path import CheckinPath
from services.gamification.settings import GamificationSettings, issuer_from_settings
from services.gamification.usecases.certificate import ISSUER_INFO_KEY
from services.gamification.usecases.leaderboard import REDIS_INFO_KEY

NAME = "gamification"


def lifespan_of(settings: GamificationSettings) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    issuer = issuer_from_settings(settings)  # a bad or missing key stops the start, not the first issuance

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Use cases feed the Redis leaderboards after commit and sign certificates; they find Redis and the
        # issuer in their session's info.
        for sessionmaker in (app.state.sessionmaker, app.state.read_sessionmaker):
            info = dict(sessionmaker.kw.get("info") or {})
            info[REDIS_INFO_KEY] = app.state.redis
            info[ISSUER_INFO_KEY] = issuer
            sessionmaker.configure(info=info)
        app.state.timezones = {}  # community id → (expires, IANA zone), for the leaderboard read path
        yield

    return lifespan


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
            challenge.router,
            deposit.router,
            certificate_api.router,
            due_work_router(jobs.run_community, jobs.DUE_WORK),
        ],
        lifespan=lifespan_of(settings),
        middleware=[Middleware(CheckinPath)],
        warm_paths=(
            "/v1/levels?community_id={community}",
            "/v1/communities/{community}/leaderboards/all?limit=100&member_id={member}",
            "/v1/communities/{community}/points/balances?member_id={member}",
            "/v1/communities/{community}/badges",
            "/v1/communities/{community}/challenges",
        ),
    )
    return create_service_app(spec, settings, clocks=clocks)
