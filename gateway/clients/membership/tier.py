"""Membership client calls about tiers and their gates."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from contracts.membership.tier import CommunityTiersBatch, TierRead
from gateway.clients.base import ServiceClient, idempotency_header, route


class TierCalls(ServiceClient):
    async def list_tiers(self, community_id: str, *, include_archived: bool = False) -> list[TierRead]:
        return await self._request_list(
            "GET",
            route("/v1/communities/{community_id}/tiers", community_id=community_id),
            TierRead,
            params={"include_archived": include_archived},
        )

    async def tiers_by_community(self, community_ids: Sequence[str]) -> dict[str, list[TierRead]]:
        """Live ladders of several communities in one call; communities the caller may not see are left out."""
        batch = await self._request(
            "GET", "/v1/tiers", CommunityTiersBatch, params={"community_id": list(community_ids)}
        )
        return {item.community_id: item.tiers for item in batch.items}

    async def get_tier(self, community_id: str, tier_id: str) -> TierRead:
        return await self._request(
            "GET",
            route("/v1/communities/{community_id}/tiers/{tier_id}", community_id=community_id, tier_id=tier_id),
            TierRead,
        )

    async def create_tier(self, community_id: str, data: dict[str, Any], *, idempotency_key: str | None) -> TierRead:
        return await self._request(
            "POST",
            route("/v1/communities/{community_id}/tiers", community_id=community_id),
            TierRead,
            json=data,
            headers=idempotency_header(idempotency_key),
        )

    async def update_tier(self, community_id: str, tier_id: str, changes: dict[str, Any]) -> TierRead:
        return await self._request(
            "PATCH",
            route("/v1/communities/{community_id}/tiers/{tier_id}", community_id=community_id, tier_id=tier_id),
            TierRead,
            json=changes,
        )

    async def set_gate(
        self, community_id: str, tier_id: str, requirements: list[Any], *, acting_member_id: str | None
    ) -> TierRead:
        body = {"requirements": requirements, "acting_member_id": acting_member_id}
        return await self._request(
            "PUT",
            route("/v1/communities/{community_id}/tiers/{tier_id}/gate", community_id=community_id, tier_id=tier_id),
            TierRead,
            json=body,
        )
