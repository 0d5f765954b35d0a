"""Membership client calls about moderation: strikes, warnings and mutes, settings, bans, the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from gateway.clients.base import ServiceClient, idempotency_header, route


class StrikeDTO(BaseModel):
    id: str
    member_id: str
    rule: str
    weight: int
    evidence: str | None
    actor: str
    reason: str | None
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    revoked_by: str | None
    revoke_reason: str | None


class StrikeMessageDTO(BaseModel):
    group_id: str
    platform_message_id: str


class StrikeCreateDTO(BaseModel):
    rule: str
    weight: int = 1
    evidence: str | None = None
    reason: str | None = None
    expires_in_days: int | None = None
    acting_member_id: str | None = None
    message: StrikeMessageDTO | None = None


class StrikeAddedDTO(BaseModel):
    strike: StrikeDTO
    active_strikes: int
    action: str | None


class StrikePageDTO(BaseModel):
    items: list[StrikeDTO]
    next_cursor: str | None
    active_strikes: int


class LadderStepDTO(BaseModel):
    at: int
    action: str
    duration_hours: int | None = None


class SpamSettingsDTO(BaseModel):
    enabled: bool
    newcomer_messages: int
    newcomer_days: int
    keywords: list[str]
    flood_messages: int
    flood_seconds: int
    repeat_count: int
    repeat_seconds: int


class ModerationSettingsDTO(BaseModel):
    ladder: list[LadderStepDTO]
    strike_lifetime_days: int
    spam: SpamSettingsDTO


class SanctionDTO(BaseModel):
    action: str
    applied: bool


class BanTargetDTO(BaseModel):
    member_id: str | None = None
    platform: str | None = None
    platform_user_id: str | None = None
    reason: str | None = None
    acting_member_id: str | None = None


class BanDTO(BaseModel):
    id: str
    member_id: str | None
    platform: str | None
    platform_user_id: str | None
    actor: str
    reason: str | None
    created_at: datetime


class BanResultDTO(BaseModel):
    member_id: str | None
    entries: list[BanDTO]


class UnbanDTO(BaseModel):
    cleared: int


class BanPageDTO(BaseModel):
    items: list[BanDTO]
    next_cursor: str | None


class AuditEntryDTO(BaseModel):
    id: str
    member_id: str | None
    action: str
    actor: str
    reason: str | None
    detail: dict[str, Any]
    at: datetime


class AuditPageDTO(BaseModel):
    items: list[AuditEntryDTO]
    next_cursor: str | None


def _key(idempotency_key: str | None) -> dict[str, str] | None:
    return idempotency_header(idempotency_key)


def _page(cursor: str | None, limit: int, **filters: Any) -> dict[str, Any]:
    params = {name: value for name, value in filters.items() if value is not None}
    if cursor:
        params["cursor"] = cursor
    return {**params, "limit": limit}


class ModerationCalls(ServiceClient):
    async def add_strike(
        self, community_id: str, member_id: str, data: StrikeCreateDTO, *, idempotency_key: str | None
    ) -> StrikeAddedDTO:
        path = route(
            "/v1/communities/{community_id}/members/{member_id}/strikes", community_id=community_id, member_id=member_id
        )
        body = data.model_dump(exclude_none=True)
        return await self._request("POST", path, StrikeAddedDTO, json=body, headers=_key(idempotency_key))

    async def revoke_strike(
        self, community_id: str, strike_id: str, *, reason: str | None, acting_member_id: str | None
    ) -> StrikeDTO:
        body = {"reason": reason, "acting_member_id": acting_member_id}
        path = route(
            "/v1/communities/{community_id}/strikes/{strike_id}/revoke", community_id=community_id, strike_id=strike_id
        )
        return await self._request("POST", path, StrikeDTO, json={k: v for k, v in body.items() if v is not None})

    async def strikes(
        self, community_id: str, member_id: str, *, active_only: bool, cursor: str | None, limit: int
    ) -> StrikePageDTO:
        path = route(
            "/v1/communities/{community_id}/members/{member_id}/strikes", community_id=community_id, member_id=member_id
        )
        params = _page(cursor, limit, active_only="true" if active_only else None)
        return await self._request("GET", path, StrikePageDTO, params=params)

    async def sanction(
        self, community_id: str, member_id: str, body: dict[str, Any], *, idempotency_key: str | None
    ) -> SanctionDTO:
        path = route(
            "/v1/communities/{community_id}/members/{member_id}/sanctions",
            community_id=community_id,
            member_id=member_id,
        )
        return await self._request("POST", path, SanctionDTO, json=body, headers=_key(idempotency_key))

    async def moderation_settings(self, community_id: str) -> ModerationSettingsDTO:
        return await self._request(
            "GET",
            route("/v1/communities/{community_id}/moderation/settings", community_id=community_id),
            ModerationSettingsDTO,
        )

    async def update_moderation_settings(self, community_id: str, changes: dict[str, Any]) -> ModerationSettingsDTO:
        path = route("/v1/communities/{community_id}/moderation/settings", community_id=community_id)
        return await self._request("PATCH", path, ModerationSettingsDTO, json=changes)

    async def ban(self, community_id: str, data: BanTargetDTO, *, idempotency_key: str | None) -> BanResultDTO:
        body = data.model_dump(exclude_none=True)
        path = route("/v1/communities/{community_id}/bans", community_id=community_id)
        return await self._request("POST", path, BanResultDTO, json=body, headers=_key(idempotency_key))

    async def unban(self, community_id: str, data: BanTargetDTO) -> UnbanDTO:
        body = data.model_dump(exclude_none=True)
        return await self._request(
            "POST", route("/v1/communities/{community_id}/bans/lift", community_id=community_id), UnbanDTO, json=body
        )

    async def bans(self, community_id: str, *, member_id: str | None, cursor: str | None, limit: int) -> BanPageDTO:
        params = _page(cursor, limit, member_id=member_id)
        return await self._request(
            "GET", route("/v1/communities/{community_id}/bans", community_id=community_id), BanPageDTO, params=params
        )

    async def moderation_audit(
        self,
        community_id: str,
        *,
        member_id: str | None,
        acting_member_id: str | None,
        cursor: str | None,
        limit: int,
    ) -> AuditPageDTO:
        params = _page(cursor, limit, member_id=member_id, acting_member_id=acting_member_id)
        path = route("/v1/communities/{community_id}/moderation/audit", community_id=community_id)
        return await self._request("GET", path, AuditPageDTO, params=params)
