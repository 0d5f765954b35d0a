"""The membership service: communities, groups, tiers, gates, members, identities, moderation."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

from fastapi import APIRouter, FastAPI

from kit.clock import Clocks
from kit.sandbox_clock import ClockSource
from kit.service import ServiceSpec, create_service_app
from services.membership.api import (
    activity,
    application,
    ban,
    community,
    entitlement,
    gate,
    group,
    identity,
    join,
    live_code,
    member,
    member_import,
    moderation,
    payment,
    purge,
    referral,
    renewal,
    role,
    standing,
    test_clock,
    tier,
)
from services.membership.api.deps import CommunityExists
from services.membership.repo.entitlement_cache import EntitlementCache
from services.membership.settings import MembershipSettings
from services.membership.usecases.invalidation import track_changes
from services.membership.usecases.test_clock import sandbox_clocks

NAME = "membership"


def sandbox_clock_source(app: FastAPI) -> ClockSource:
    async def read() -> dict[str, datetime]:
        async with app.state.sessionmaker() as session:
            return await sandbox_clocks(session)

    return read


def create_app(settings: MembershipSettings | None = None, *, clocks: Clocks | None = None) -> FastAPI:
    settings = settings or MembershipSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        cache = EntitlementCache(app.state.redis, ttl_seconds=settings.entitlement_cache_ttl_seconds)
        app.state.entitlement_cache = cache
        track_changes(app.state.sessionmaker, cache)
        yield

    # Every write under /v1/communities/{community_id} first finds the community (the entitlement check, a read
    # by POST and the hottest path, does not need to).
    scoped = APIRouter(dependencies=[CommunityExists])
    for router in (
        tier.router,
        tier.batch_router,
        member.router,
        member_import.router,
        group.router,
        role.router,
        renewal.router,
        identity.router,
        activity.router,
        gate.router,
        join.router,
        application.router,
        payment.router,
        referral.router,
        live_code.router,
        moderation.router,
        ban.router,
        standing.router,
        purge.router,
    ):
        scoped.include_router(router)
    routers = [
        # Entitlement checks first: routes are matched in order, and they are the hottest path.
        entitlement.router,
        community.router,
        scoped,
        live_code.link_router,
        # Not in ``scoped``: an advance runs each step in transactions of its own and must not hold one open
        # around them (on SQLite that write lock would block its own steps); it finds the community itself.
        test_clock.router,
    ]
    spec = ServiceSpec(
        name=NAME,
        database_url=settings.database_url,
        routers=routers,
        lifespan=lifespan,
        clock_source=sandbox_clock_source,
        warm_paths=(
            "/v1/communities/{community}/members/{member}/entitlements/content:premium",
            "/v1/communities?ids={community}&limit=1",
            "/v1/communities/{community}/members?limit=20",
            "/v1/communities/{community}/tiers",
        ),
    )
    return create_service_app(spec, settings, clocks=clocks)
