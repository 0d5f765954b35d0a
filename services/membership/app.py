"""The membership service: communities, groups, tiers, gates, members, identities, moderation."""

from __future__ import annotations

from fastapi import FastAPI

from kit.clock import Clocks
from kit.service import ServiceSpec, create_service_app
from services.membership.api import application, community, gate, join, member, payment, referral, tier
from services.membership.settings import MembershipSettings

NAME = "membership"


def create_app(settings: MembershipSettings | None = None, *, clocks: Clocks | None = None) -> FastAPI:
    settings = settings or MembershipSettings()
    spec = ServiceSpec(
        name=NAME,
        database_url=settings.database_url,
        routers=[
            community.router,
            tier.router,
            member.router,
            gate.router,
            join.router,
            application.router,
            payment.router,
            referral.router,
        ],
    )
    return create_service_app(spec, settings, clocks=clocks)
