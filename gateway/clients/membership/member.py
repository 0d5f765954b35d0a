"""Membership client calls about members: reading, adding, status, roles, renewal, link codes, activity."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, RootModel

from gateway.clients.base import ServiceClient, idempotency_header, route


class IdentityDTO(BaseModel):
    platform: str
    platform_user_id: str
    display_name: str | None


class MembershipDTO(BaseModel):
    id: str
    tier_id: str | None
    role: str
    status: str
    source: str
    referrer_member_id: str | None
    joined_at: datetime | None
    expires_at: datetime | None
    last_active_at: datetime | None
    standing: str
    standing_locked: bool


class MemberDTO(BaseModel):
    id: str
    community_id: str
    display_name: str
    external_ref: str | None
    attributes: dict[str, Any]
    created_at: datetime
    membership: MembershipDTO | None
    identities: list[IdentityDTO]


class MemberPageDTO(BaseModel):
    items: list[MemberDTO]
    next_cursor: str | None


class TransitionDTO(BaseModel):
    id: str
    kind: str
    from_value: str | None
    to_value: str | None
    actor: str
    reason: str | None
    at: datetime


class TransitionPageDTO(BaseModel):
    items: list[TransitionDTO]
    next_cursor: str | None


class LinkCodeDTO(BaseModel):
    code: str
    member_id: str
    expires_at: datetime


class ActivityDayDTO(BaseModel):
    day: date
    messages: int
    characters: int
    reactions: int
    checkins: int
    # Default 0: a membership service from before ADR 0028 (a rolling upgrade) still parses.
    participations: int = 0
    last_at: datetime


class ActivityDaysDTO(RootModel[list[ActivityDayDTO]]):
    pass


def _idempotent(key: str | None) -> dict[str, str] | None:
    return idempotency_header(key)


class MemberCalls(ServiceClient):
    def _members(self, community_id: str) -> str:
        return route("/v1/communities/{community_id}/members", community_id=community_id)

    async def get_member(self, community_id: str, member_id: str) -> MemberDTO:
        return await self._request(
            "GET", self._members(community_id) + route("/{member_id}", member_id=member_id), MemberDTO
        )

    async def list_members(
        self,
        community_id: str,
        *,
        ids: Sequence[str] | None = None,
        status: Sequence[str] | None = None,
        tier_id: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> MemberPageDTO:
        params: dict[str, Any] = {"limit": limit}
        if ids is not None:
            params["ids"] = list(ids)
        if status:
            params["status"] = list(status)
        if tier_id is not None:
            params["tier_id"] = tier_id
        if cursor is not None:
            params["cursor"] = cursor
        return await self._request("GET", self._members(community_id), MemberPageDTO, params=params)

    async def members_by_id(self, community_id: str, ids: Sequence[str]) -> dict[str, MemberDTO]:
        page = await self.list_members(community_id, ids=ids, limit=max(len(ids), 1))
        return {member.id: member for member in page.items}

    async def add_member(self, community_id: str, data: dict[str, Any], *, idempotency_key: str | None) -> MemberDTO:
        return await self._request(
            "POST", self._members(community_id), MemberDTO, json=data, headers=_idempotent(idempotency_key)
        )

    async def set_member_status(self, community_id: str, member_id: str, data: dict[str, Any]) -> MemberDTO:
        return await self._request(
            "POST",
            self._members(community_id) + route("/{member_id}/status", member_id=member_id),
            MemberDTO,
            json=data,
        )

    async def transitions(
        self, community_id: str, member_id: str, *, limit: int, cursor: str | None
    ) -> TransitionPageDTO:
        params: dict[str, Any] = {"limit": limit}
        if cursor is not None:
            params["cursor"] = cursor
        path = self._members(community_id) + route("/{member_id}/transitions", member_id=member_id)
        return await self._request("GET", path, TransitionPageDTO, params=params)

    async def renew(
        self, community_id: str, member_id: str, data: dict[str, Any], *, idempotency_key: str | None
    ) -> MemberDTO:
        path = self._members(community_id) + route("/{member_id}/renewals", member_id=member_id)
        return await self._request("POST", path, MemberDTO, json=data, headers=_idempotent(idempotency_key))

    async def set_role(self, community_id: str, member_id: str, data: dict[str, Any]) -> MemberDTO:
        return await self._request(
            "POST", self._members(community_id) + route("/{member_id}/role", member_id=member_id), MemberDTO, json=data
        )

    async def transfer_ownership(self, community_id: str, data: dict[str, Any]) -> MemberDTO:
        return await self._request(
            "POST", route("/v1/communities/{community_id}/ownership", community_id=community_id), MemberDTO, json=data
        )

    async def issue_link_code(self, community_id: str, member_id: str) -> LinkCodeDTO:
        return await self._request(
            "POST", self._members(community_id) + route("/{member_id}/link-codes", member_id=member_id), LinkCodeDTO
        )

    async def redeem_link_code(self, community_id: str, data: dict[str, Any]) -> MemberDTO:
        return await self._request(
            "POST",
            route("/v1/communities/{community_id}/link-codes/redeem", community_id=community_id),
            MemberDTO,
            json=data,
        )

    async def activity(
        self, community_id: str, member_id: str, *, since: date | None, until: date | None
    ) -> list[ActivityDayDTO]:
        params = {key: value.isoformat() for key, value in (("since", since), ("until", until)) if value is not None}
        path = self._members(community_id) + route("/{member_id}/activity", member_id=member_id)
        return (await self._request("GET", path, ActivityDaysDTO, params=params)).root
