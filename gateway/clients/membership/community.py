"""Membership client calls about communities."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from gateway.clients.base import ServiceClient, idempotency_header, route


class CommunityDTO(BaseModel):
    id: str
    name: str
    timezone: str
    mission: str | None
    rules: str | None
    settings: dict[str, Any] = {}
    created_at: datetime
    sandbox: bool = False
    test_clock_now: datetime | None = None


class CommunityPageDTO(BaseModel):
    items: list[CommunityDTO]
    next_cursor: str | None


class CommunityCreateDTO(BaseModel):
    name: str
    timezone: str
    mission: str | None = None
    rules: str | None = None
    sandbox: bool = False
    test_clock_start: datetime | None = None


class CommunityCalls(ServiceClient):
    async def create_community(self, data: CommunityCreateDTO, *, idempotency_key: str | None) -> CommunityDTO:
        headers = idempotency_header(idempotency_key)
        return await self._request(
            "POST",
            "/v1/communities",
            CommunityDTO,
            json=data.model_dump(mode="json", exclude_none=True),
            headers=headers,
        )

    async def get_community(self, community_id: str) -> CommunityDTO:
        return await self._request(
            "GET", route("/v1/communities/{community_id}", community_id=community_id), CommunityDTO
        )

    async def communities_by_id(self, ids: Sequence[str]) -> dict[str, CommunityDTO]:
        page = await self._request(
            "GET", "/v1/communities", CommunityPageDTO, params={"ids": list(ids), "limit": max(len(ids), 1)}
        )
        return {community.id: community for community in page.items}

    async def update_community(self, community_id: str, data: dict[str, Any]) -> CommunityDTO:
        return await self._request(
            "PATCH", route("/v1/communities/{community_id}", community_id=community_id), CommunityDTO, json=data
        )
