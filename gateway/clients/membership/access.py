"""Membership client calls about access: entitlement checks and live codes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from contracts.membership.entitlement import EntitlementCheck, EntitlementRead, EntitlementResults
from contracts.membership.live_code import LinkNewcomerIn, LiveCodeCreate, LiveCodeRead, NewcomerIn, RoutingRead
from gateway.clients.base import ServiceClient, idempotency_header, route, wire
from kit.pagination import PageOut


def _idempotency(key: str | None) -> dict[str, str] | None:
    return idempotency_header(key)


class AccessCalls(ServiceClient):
    async def check_entitlement(self, community_id: str, member_id: str, key: str) -> EntitlementRead:
        path = route(
            "/v1/communities/{community_id}/members/{member_id}/entitlements/{key}",
            community_id=community_id,
            member_id=member_id,
            key=key,
        )
        return await self._request("GET", path, EntitlementRead)

    async def check_entitlements(
        self, community_id: str, member_ids: Sequence[str], keys: Sequence[str]
    ) -> list[EntitlementRead]:
        body = wire(EntitlementCheck, member_ids=list(member_ids), keys=list(keys))
        path = route("/v1/communities/{community_id}/entitlements:check", community_id=community_id)
        return (await self._request("POST", path, EntitlementResults, json=body)).results

    async def create_live_code(
        self, community_id: str, data: LiveCodeCreate, *, idempotency_key: str | None
    ) -> LiveCodeRead:
        return await self._request(
            "POST",
            route("/v1/communities/{community_id}/live-codes", community_id=community_id),
            LiveCodeRead,
            json=data,
            headers=_idempotency(idempotency_key),
        )

    async def get_live_code(self, community_id: str, live_code_id: str) -> LiveCodeRead:
        path = route(
            "/v1/communities/{community_id}/live-codes/{live_code_id}",
            community_id=community_id,
            live_code_id=live_code_id,
        )
        return await self._request("GET", path, LiveCodeRead)

    async def list_live_codes(self, community_id: str, *, cursor: str | None, limit: int) -> PageOut[LiveCodeRead]:
        params: dict[str, Any] = {"limit": limit} | ({"cursor": cursor} if cursor else {})
        return await self._request(
            "GET",
            route("/v1/communities/{community_id}/live-codes", community_id=community_id),
            PageOut[LiveCodeRead],
            params=params,
        )

    async def route_newcomer(
        self, community_id: str, live_code_id: str, data: NewcomerIn, *, idempotency_key: str | None
    ) -> RoutingRead:
        return await self._request(
            "POST",
            route(
                "/v1/communities/{community_id}/live-codes/{live_code_id}/routings",
                community_id=community_id,
                live_code_id=live_code_id,
            ),
            RoutingRead,
            json=data,
            headers=_idempotency(idempotency_key),
        )

    async def route_link_newcomer(self, code: str, newcomer_ref: str) -> RoutingRead:
        """Someone opened a public join link: route them in the live code's community (system principal only)."""
        return await self._request(
            "POST",
            route("/v1/live-code-links/{code}/routings", code=code),
            RoutingRead,
            json=wire(LinkNewcomerIn, newcomer_ref=newcomer_ref),
        )
