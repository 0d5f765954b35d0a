"""Membership client calls about communities."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from contracts.membership.community import CommunityCreate, CommunityRead
from gateway.clients.base import ServiceClient, idempotency_header, route
from kit.pagination import PageOut


class CommunityCalls(ServiceClient):
    async def create_community(self, data: CommunityCreate, *, idempotency_key: str | None) -> CommunityRead:
        headers = idempotency_header(idempotency_key)
        return await self._request("POST", "/v1/communities", CommunityRead, json=data, headers=headers)

    async def get_community(self, community_id: str) -> CommunityRead:
        return await self._request(
            "GET", route("/v1/communities/{community_id}", community_id=community_id), CommunityRead
        )

    async def communities_by_id(self, ids: Sequence[str]) -> dict[str, CommunityRead]:
        page = await self._request(
            "GET", "/v1/communities", PageOut[CommunityRead], params={"ids": list(ids), "limit": max(len(ids), 1)}
        )
        return {community.id: community for community in page.items}

    async def update_community(self, community_id: str, data: dict[str, Any]) -> CommunityRead:
        return await self._request(
            "PATCH", route("/v1/communities/{community_id}", community_id=community_id), CommunityRead, json=data
        )
