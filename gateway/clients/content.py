"""Typed client of the content service: its calls, parsed into the service's own wire models."""

from __future__ import annotations

from collections.abc import Sequence

from contracts.content.welcome import WelcomeTemplateBatch, WelcomeTemplateRead, WelcomeTemplateUpdate
from gateway.clients.base import route
from gateway.clients.sandbox_clock import DueWorkCalls


class ContentClient(DueWorkCalls):
    service = "content"

    async def welcome_templates_by_community(
        self, community_ids: Sequence[str]
    ) -> dict[str, WelcomeTemplateRead | None]:
        batch = await self._request(
            "GET", "/v1/welcome-templates", WelcomeTemplateBatch, params={"community_id": list(community_ids)}
        )
        return {item.community_id: item.template for item in batch.items}

    async def update_welcome_template(self, community_id: str, data: WelcomeTemplateUpdate) -> WelcomeTemplateRead:
        return await self._request(
            "PUT",
            route("/v1/communities/{community_id}/welcome-template", community_id=community_id),
            WelcomeTemplateRead,
            json=data,
        )
