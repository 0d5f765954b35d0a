"""Typed client of the content service."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel

from gateway.clients.base import route
from gateway.clients.sandbox_clock import DueWorkCalls


class WelcomeGroupOverrideDTO(BaseModel):
    group_id: str
    body: str | None = None
    batch_window_seconds: int | None = None


class WelcomeTemplateDTO(BaseModel):
    id: str
    community_id: str
    body: str
    batch_window_seconds: int
    enabled: bool
    group_overrides: list[WelcomeGroupOverrideDTO] = []


class WelcomeTemplateUpdateDTO(BaseModel):
    body: str
    batch_window_seconds: int
    enabled: bool = True
    group_overrides: list[WelcomeGroupOverrideDTO] = []


class CommunityWelcomeTemplateDTO(BaseModel):
    community_id: str
    template: WelcomeTemplateDTO | None


class WelcomeTemplateBatchDTO(BaseModel):
    items: list[CommunityWelcomeTemplateDTO]


class ContentClient(DueWorkCalls):
    service = "content"

    async def welcome_templates_by_community(
        self, community_ids: Sequence[str]
    ) -> dict[str, WelcomeTemplateDTO | None]:
        batch = await self._request(
            "GET", "/v1/welcome-templates", WelcomeTemplateBatchDTO, params={"community_id": list(community_ids)}
        )
        return {item.community_id: item.template for item in batch.items}

    async def update_welcome_template(self, community_id: str, data: WelcomeTemplateUpdateDTO) -> WelcomeTemplateDTO:
        return await self._request(
            "PUT",
            route("/v1/communities/{community_id}/welcome-template", community_id=community_id),
            WelcomeTemplateDTO,
            json=data.model_dump(),
        )
