"""Membership client calls about members: reading, adding, status, roles, renewal, link codes, activity."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from contracts.membership.activity import ActivityDayRead
from contracts.membership.identity import LinkCodeRead
from contracts.membership.member import MemberRead, TransitionRead
from gateway.clients.base import ServiceClient, idempotency_header, route
from kit.pagination import PageOut


def _idempotent(key: str | None) -> dict[str, str] | None:
    return idempotency_header(key)


class MemberCalls(ServiceClient):
    def _members(self, community_id: str) -> str:
        return route("/v1/communities/{community_id}/members", community_id=community_id)

    async def get_member(self, community_id: str, member_id: str) -> MemberRead:
        return await self._request(
            "GET", self._members(community_id) + route("/{member_id}", member_id=member_id), MemberRead
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
    ) -> PageOut[MemberRead]:
        params: dict[str, Any] = {"limit": limit}
        if ids is not None:
            params["ids"] = list(ids)
        if status:
            params["status"] = list(status)
        if tier_id is not None:
            params["tier_id"] = tier_id
        if cursor is not None:
            params["cursor"] = cursor
        return await self._request("GET", self._members(community_id), PageOut[MemberRead], params=params)

    async def members_by_id(self, community_id: str, ids: Sequence[str]) -> dict[str, MemberRead]:
        page = await self.list_members(community_id, ids=ids, limit=max(len(ids), 1))
        return {member.id: member for member in page.items}

    async def add_member(self, community_id: str, data: dict[str, Any], *, idempotency_key: str | None) -> MemberRead:
        return await self._request(
            "POST", self._members(community_id), MemberRead, json=data, headers=_idempotent(idempotency_key)
        )

    async def set_member_status(self, community_id: str, member_id: str, data: dict[str, Any]) -> MemberRead:
        return await self._request(
            "POST",
            self._members(community_id) + route("/{member_id}/status", member_id=member_id),
            MemberRead,
            json=data,
        )

    async def transitions(
        self, community_id: str, member_id: str, *, limit: int, cursor: str | None
    ) -> PageOut[TransitionRead]:
        params: dict[str, Any] = {"limit": limit}
        if cursor is not None:
            params["cursor"] = cursor
        path = self._members(community_id) + route("/{member_id}/transitions", member_id=member_id)
        return await self._request("GET", path, PageOut[TransitionRead], params=params)

    async def renew(
        self, community_id: str, member_id: str, data: dict[str, Any], *, idempotency_key: str | None
    ) -> MemberRead:
        path = self._members(community_id) + route("/{member_id}/renewals", member_id=member_id)
        return await self._request("POST", path, MemberRead, json=data, headers=_idempotent(idempotency_key))

    async def set_role(self, community_id: str, member_id: str, data: dict[str, Any]) -> MemberRead:
        return await self._request(
            "POST", self._members(community_id) + route("/{member_id}/role", member_id=member_id), MemberRead, json=data
        )

    async def transfer_ownership(self, community_id: str, data: dict[str, Any]) -> MemberRead:
        return await self._request(
            "POST", route("/v1/communities/{community_id}/ownership", community_id=community_id), MemberRead, json=data
        )

    async def issue_link_code(self, community_id: str, member_id: str) -> LinkCodeRead:
        return await self._request(
            "POST", self._members(community_id) + route("/{member_id}/link-codes", member_id=member_id), LinkCodeRead
        )

    async def redeem_link_code(self, community_id: str, data: dict[str, Any]) -> MemberRead:
        return await self._request(
            "POST",
            route("/v1/communities/{community_id}/link-codes/redeem", community_id=community_id),
            MemberRead,
            json=data,
        )

    async def activity(
        self, community_id: str, member_id: str, *, since: date | None, until: date | None
    ) -> list[ActivityDayRead]:
        params = {key: value.isoformat() for key, value in (("since", since), ("until", until)) if value is not None}
        path = self._members(community_id) + route("/{member_id}/activity", member_id=member_id)
        return await self._request_list("GET", path, ActivityDayRead, params=params)
