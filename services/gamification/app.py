"""The gamification service: points, levels, badges, leaderboards, challenges, certificates."""

from __future__ import annotations

from fastapi import FastAPI

from kit.clock import Clocks
from kit.service import ServiceSpec, create_service_app
from services.gamification.api import level, rule
from services.gamification.settings import GamificationSettings

NAME = "gamification"


def create_app(settings: GamificationSettings | None = None, *, clocks: Clocks | None = None) -> FastAPI:
    settings = settings or GamificationSettings()
    spec = ServiceSpec(name=NAME, database_url=settings.database_url, routers=[level.router, rule.router])
    return create_service_app(spec, settings, clocks=clocks)
