"""The membership service: communities, groups, tiers, gates, members, identities, moderation."""

from __future__ import annotations

from fastapi import FastAPI

from kit.clock import Clocks
from kit.service import ServiceSpec, create_service_app
from services.membership.api import (
    activity,
    application,
    ban,
    community,
    gate,
    group,
    identity,
    join,
    member,
    moderation,
    payment,
    purge,
    referral,
    renewal,
    role,
    standing,
    tier,
)
from services.membership.settings import MembershipSettings

NAME = "membership"


def create_app(settings: MembershipSettings | None = None, *, clocks: Clocks | None = None) -> FastAPI:
    settings = settings or MembershipSettings()
    routers = [
        community.router,
        tier.router,
        member.router,
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
        moderation.router,
        ban.router,
        standing.router,
        purge.router,
    ]
    spec = ServiceSpec(name=NAME, database_url=settings.database_url, routers=routers)
    return create_service_app(spec, settings, clocks=clocks)
