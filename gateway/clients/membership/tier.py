"""Membership client calls about tiers and their gates."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, RootModel

from gateway.clients.base import ServiceClient, idempotency_header, route


class TierDTO(BaseModel):
    id: str
    community_id: str
    key: str
    name: str
    rank: int
    price_amount: int
    currency: str | None
    period: str
    period_days: int | None
    benefits: list[str]
    capacity: int | None
    seats_taken: int
    fallback_tier_id: str | None
    requirements: list[dict[str, Any]]
    archived: bool
    created_at: datetime


class TierListDTO(RootModel[list[TierDTO]]):
    """The tier list endpoint answers a bare JSON array."""


class CommunityTiersDTO(BaseModel):
    community_id: str
    tiers: list[TierDTO]


class CommunityTiersBatchDTO(BaseModel):
    items: list[CommunityTiersDTO]


def _idempotency(key: str | None) -> dict[str, str] | None:
    return idempotency_header(key)


class TierCalls(ServiceClient):
    async def list_tiers(self, community_id: str, *, include_archived: bool = False) -> list[TierDTO]:
        page = await self._request(
            "GET",
            route("/v1/communities/{community_id}/tiers", community_id=community_id),
            TierListDTO,
            params={"include_archived": include_archived},
        )
        return page.root

    async def tiers_by_community(self, community_ids: Sequence[str]) -> dict[str, list[TierDTO]]:
        """Live ladders of several communities in one call; communities the caller may not see are left out."""
        batch = await self._request(
            "GET", "/v1/tiers", CommunityTiersBatchDTO, params={"community_id": list(community_ids)}
        )
        return {item.community_id: item.tiers for item in batch.items}

    async def get_tier(self, community_id: str, tier_id: str) -> TierDTO:
        return await self._request(
            "GET",
            route("/v1/communities/{community_id}/tiers/{tier_id}", community_id=community_id, tier_id=tier_id),
            TierDTO,
        )

    async def create_tier(self, community_id: str, data: dict[str, Any], *, idempotency_key: str | None) -> TierDTO:
        return await self._request(
            "POST",
            route("/v1/communities/{community_id}/tiers", community_id=community_id),
            TierDTO,
            json=data,
            headers=_idempotency(idempotency_key),
        )

    async def update_tier(self, community_id: str, tier_id: str, changes: dict[str, Any]) -> TierDTO:
        return await self._request(
            "PATCH",
            route("/v1/communities/{community_id}/tiers/{tier_id}", community_id=community_id, tier_id=tier_id),
            TierDTO,
            json=changes,
        )

    async def set_gate(
        self, community_id: str, tier_id: str, requirements: list[Any], *, acting_member_id: str | None
    ) -> TierDTO:
        body = {"requirements": requirements, "acting_member_id": acting_member_id}
        return await self._request(
            "PUT",
            route("/v1/communities/{community_id}/tiers/{tier_id}/gate", community_id=community_id, tier_id=tier_id),
            TierDTO,
            json=body,
        )
