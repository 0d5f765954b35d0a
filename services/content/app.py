"""The content service: content, drip, broadcasts, rituals, assignments, events, polls, welcomes."""

from __future__ import annotations

from fastapi import FastAPI

from kit.clock import Clocks
from kit.sandbox_clock import due_work_router
from kit.service import ServiceSpec, create_service_app
from services.content import jobs
from services.content.api import welcome
from services.content.settings import ContentSettings

NAME = "content"


def create_app(settings: ContentSettings | None = None, *, clocks: Clocks | None = None) -> FastAPI:
    settings = settings or ContentSettings()
    routers = [welcome.router, due_work_router(jobs.run_community, jobs.DUE_WORK)]
    spec = ServiceSpec(
        name=NAME,
        database_url=settings.database_url,
        routers=routers,
        warm_paths=("/v1/welcome-templates?community_id={community}",),
    )
    return create_service_app(spec, settings, clocks=clocks)
