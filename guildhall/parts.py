"""The parts Guildhall is made of, and what each brings: an app, settings, migrations, subscriptions."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI

from gateway.settings import GatewaySettings
from kit.clock import Clocks
from kit.events import Subscriptions
from kit.settings import KitSettings
from services.content import app as content_app
from services.content import consumers as content_consumers
from services.content.settings import ContentSettings
from services.gamification import app as gamification_app
from services.gamification import consumers as gamification_consumers
from services.gamification import jobs as gamification_jobs
from services.gamification.settings import GamificationSettings
from services.membership import app as membership_app
from services.membership import consumers as membership_consumers
from services.membership import jobs as membership_jobs
from services.membership.settings import MembershipSettings


@dataclass(frozen=True)
class ServicePart:
    name: str
    settings_class: type[KitSettings]
    create_app: Callable[..., FastAPI]
    subscriptions: Subscriptions
    streams: list[str]
    # Scheduled work run by the service's worker beside its relay and consumers.
    jobs: Callable[[FastAPI], list[Callable[[asyncio.Event], Coroutine[Any, Any, None]]]] | None = None

    def settings(self) -> KitSettings:
        return self.settings_class()

    def database_url(self, settings: KitSettings) -> str:
        url: str = getattr(settings, "database_url")  # noqa: B009 - every part's settings has one
        return url

    def build(self, settings: KitSettings, *, clocks: Clocks | None = None) -> FastAPI:
        return self.create_app(settings, clocks=clocks)


SERVICES: dict[str, ServicePart] = {
    "membership": ServicePart(
        "membership",
        MembershipSettings,
        membership_app.create_app,
        membership_consumers.subscriptions,
        membership_consumers.STREAMS,
        membership_jobs.job_runners,
    ),
    "gamification": ServicePart(
        "gamification",
        GamificationSettings,
        gamification_app.create_app,
        gamification_consumers.subscriptions,
        gamification_consumers.STREAMS,
        gamification_jobs.job_runners,
    ),
    "content": ServicePart(
        "content",
        ContentSettings,
        content_app.create_app,
        content_consumers.subscriptions,
        content_consumers.STREAMS,
    ),
}

GATEWAY = "gateway"
MIGRATED_PARTS = (*SERVICES, GATEWAY)


def database_url_of(part: str) -> str:
    if part == GATEWAY:
        return GatewaySettings().database_url
    return SERVICES[part].database_url(SERVICES[part].settings())
