"""The content service: content, drip, broadcasts, rituals, assignments, events, polls, welcomes."""

from __future__ import annotations

from fastapi import FastAPI

from kit.clock import Clocks
from kit.service import ServiceSpec, create_service_app
from services.content.api import welcome
from services.content.settings import ContentSettings

NAME = "content"


def create_app(settings: ContentSettings | None = None, *, clocks: Clocks | None = None) -> FastAPI:
    settings = settings or ContentSettings()
    spec = ServiceSpec(name=NAME, database_url=settings.database_url, routers=[welcome.router])
    return create_service_app(spec, settings, clocks=clocks)
