"""Membership client calls about access: entitlement checks and live codes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from gateway.clients.base import ServiceClient, idempotency_header, route


class EntitlementDTO(BaseModel):
    member_id: str
    key: str
    allowed: bool
    reason: str


class EntitlementResultsDTO(BaseModel):
    results: list[EntitlementDTO]


class LiveCodeRouteDTO(BaseModel):
    group_id: str
    when: dict[str, Any] = {}


class LiveCodeDTO(BaseModel):
    id: str
    community_id: str
    code: str
    name: str
    routes: list[LiveCodeRouteDTO]
    tier_id: str | None
    overflow_group_id: str | None
    hold_minutes: int
    active: bool
    join_url: str
    created_at: datetime


class LiveCodePageDTO(BaseModel):
    items: list[LiveCodeDTO]
    next_cursor: str | None


class LiveCodeCreateDTO(BaseModel):
    name: str
    routes: list[LiveCodeRouteDTO]
    tier_id: str | None = None
    overflow_group_id: str | None = None
    hold_minutes: int | None = None
    acting_member_id: str | None = None


class NewcomerDTO(BaseModel):
    member_id: str | None = None
    newcomer_ref: str | None = None
    attributes: dict[str, Any] | None = None
    tier_id: str | None = None


class RoutedGroupDTO(BaseModel):
    id: str
    name: str
    platform: str
    platform_chat_id: str
    join_url: str | None


class RoutingDTO(BaseModel):
    id: str
    live_code_id: str
    status: str
    overflow: bool
    member_id: str | None
    newcomer_ref: str | None
    held_until: datetime
    group: RoutedGroupDTO


def _idempotency(key: str | None) -> dict[str, str] | None:
    return idempotency_header(key)


class AccessCalls(ServiceClient):
    async def check_entitlement(self, community_id: str, member_id: str, key: str) -> EntitlementDTO:
        path = route(
            "/v1/communities/{community_id}/members/{member_id}/entitlements/{key}",
            community_id=community_id,
            member_id=member_id,
            key=key,
        )
        return await self._request("GET", path, EntitlementDTO)

    async def check_entitlements(
        self, community_id: str, member_ids: Sequence[str], keys: Sequence[str]
    ) -> list[EntitlementDTO]:
        body = {"member_ids": list(member_ids), "keys": list(keys)}
        path = route("/v1/communities/{community_id}/entitlements:check", community_id=community_id)
        return (await self._request("POST", path, EntitlementResultsDTO, json=body)).results

    async def create_live_code(
        self, community_id: str, data: LiveCodeCreateDTO, *, idempotency_key: str | None
    ) -> LiveCodeDTO:
        return await self._request(
            "POST",
            route("/v1/communities/{community_id}/live-codes", community_id=community_id),
            LiveCodeDTO,
            json=data.model_dump(exclude_none=True),
            headers=_idempotency(idempotency_key),
        )

    async def get_live_code(self, community_id: str, live_code_id: str) -> LiveCodeDTO:
        path = route(
            "/v1/communities/{community_id}/live-codes/{live_code_id}",
            community_id=community_id,
            live_code_id=live_code_id,
        )
        return await self._request("GET", path, LiveCodeDTO)

    async def list_live_codes(self, community_id: str, *, cursor: str | None, limit: int) -> LiveCodePageDTO:
        params: dict[str, Any] = {"limit": limit} | ({"cursor": cursor} if cursor else {})
        return await self._request(
            "GET",
            route("/v1/communities/{community_id}/live-codes", community_id=community_id),
            LiveCodePageDTO,
            params=params,
        )

    async def route_newcomer(
        self, community_id: str, live_code_id: str, data: NewcomerDTO, *, idempotency_key: str | None
    ) -> RoutingDTO:
        return await self._request(
            "POST",
            route(
                "/v1/communities/{community_id}/live-codes/{live_code_id}/routings",
                community_id=community_id,
                live_code_id=live_code_id,
            ),
            RoutingDTO,
            json=data.model_dump(exclude_none=True),
            headers=_idempotency(idempotency_key),
        )

    async def route_link_newcomer(self, code: str, newcomer_ref: str) -> RoutingDTO:
        """Someone opened a public join link: route them in the live code's community (system principal only)."""
        return await self._request(
            "POST",
            route("/v1/live-code-links/{code}/routings", code=code),
            RoutingDTO,
            json={"newcomer_ref": newcomer_ref},
        )
