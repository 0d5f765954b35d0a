"""Membership client calls about moderation: strikes, warnings and mutes, settings, bans, the audit log."""

from __future__ import annotations

from typing import Any

from contracts.membership.moderation import (
    AuditRead,
    BanRead,
    BanResultRead,
    BanTarget,
    SanctionRead,
    SettingsRead,
    StrikeAddedRead,
    StrikeCreate,
    StrikePageOut,
    StrikeRead,
    UnbanRead,
)
from gateway.clients.base import ServiceClient, idempotency_header, route
from kit.pagination import PageOut


def _key(idempotency_key: str | None) -> dict[str, str] | None:
    return idempotency_header(idempotency_key)


def _page(cursor: str | None, limit: int, **filters: Any) -> dict[str, Any]:
    params = {name: value for name, value in filters.items() if value is not None}
    if cursor:
        params["cursor"] = cursor
    return {**params, "limit": limit}


class ModerationCalls(ServiceClient):
    async def add_strike(
        self, community_id: str, member_id: str, data: StrikeCreate, *, idempotency_key: str | None
    ) -> StrikeAddedRead:
        path = route(
            "/v1/communities/{community_id}/members/{member_id}/strikes", community_id=community_id, member_id=member_id
        )
        return await self._request("POST", path, StrikeAddedRead, json=data, headers=_key(idempotency_key))

    async def revoke_strike(
        self, community_id: str, strike_id: str, *, reason: str | None, acting_member_id: str | None
    ) -> StrikeRead:
        body = {"reason": reason, "acting_member_id": acting_member_id}
        path = route(
            "/v1/communities/{community_id}/strikes/{strike_id}/revoke", community_id=community_id, strike_id=strike_id
        )
        return await self._request("POST", path, StrikeRead, json={k: v for k, v in body.items() if v is not None})

    async def strikes(
        self, community_id: str, member_id: str, *, active_only: bool, cursor: str | None, limit: int
    ) -> StrikePageOut:
        path = route(
            "/v1/communities/{community_id}/members/{member_id}/strikes", community_id=community_id, member_id=member_id
        )
        params = _page(cursor, limit, active_only="true" if active_only else None)
        return await self._request("GET", path, StrikePageOut, params=params)

    async def sanction(
        self, community_id: str, member_id: str, body: dict[str, Any], *, idempotency_key: str | None
    ) -> SanctionRead:
        path = route(
            "/v1/communities/{community_id}/members/{member_id}/sanctions",
            community_id=community_id,
            member_id=member_id,
        )
        return await self._request("POST", path, SanctionRead, json=body, headers=_key(idempotency_key))

    async def moderation_settings(self, community_id: str) -> SettingsRead:
        return await self._request(
            "GET",
            route("/v1/communities/{community_id}/moderation/settings", community_id=community_id),
            SettingsRead,
        )

    async def update_moderation_settings(self, community_id: str, changes: dict[str, Any]) -> SettingsRead:
        path = route("/v1/communities/{community_id}/moderation/settings", community_id=community_id)
        return await self._request("PATCH", path, SettingsRead, json=changes)

    async def ban(self, community_id: str, data: BanTarget, *, idempotency_key: str | None) -> BanResultRead:
        path = route("/v1/communities/{community_id}/bans", community_id=community_id)
        return await self._request("POST", path, BanResultRead, json=data, headers=_key(idempotency_key))

    async def unban(self, community_id: str, data: BanTarget) -> UnbanRead:
        return await self._request(
            "POST", route("/v1/communities/{community_id}/bans/lift", community_id=community_id), UnbanRead, json=data
        )

    async def bans(
        self, community_id: str, *, member_id: str | None, cursor: str | None, limit: int
    ) -> PageOut[BanRead]:
        params = _page(cursor, limit, member_id=member_id)
        return await self._request(
            "GET",
            route("/v1/communities/{community_id}/bans", community_id=community_id),
            PageOut[BanRead],
            params=params,
        )

    async def moderation_audit(
        self,
        community_id: str,
        *,
        member_id: str | None,
        acting_member_id: str | None,
        cursor: str | None,
        limit: int,
    ) -> PageOut[AuditRead]:
        params = _page(cursor, limit, member_id=member_id, acting_member_id=acting_member_id)
        path = route("/v1/communities/{community_id}/moderation/audit", community_id=community_id)
        return await self._request("GET", path, PageOut[AuditRead], params=params)
