"""Membership client calls about groups and who is in them."""

from __future__ import annotations

from typing import Any

from contracts.membership.group import GroupMemberRead, GroupRead
from gateway.clients.base import ServiceClient, idempotency_header, route
from kit.pagination import PageOut


class GroupCalls(ServiceClient):
    def _groups(self, community_id: str) -> str:
        return route("/v1/communities/{community_id}/groups", community_id=community_id)

    async def create_group(self, community_id: str, data: dict[str, Any], *, idempotency_key: str | None) -> GroupRead:
        headers = idempotency_header(idempotency_key)
        return await self._request("POST", self._groups(community_id), GroupRead, json=data, headers=headers)

    async def update_group(self, community_id: str, group_id: str, data: dict[str, Any]) -> GroupRead:
        return await self._request(
            "PATCH", self._groups(community_id) + route("/{group_id}", group_id=group_id), GroupRead, json=data
        )

    async def get_group(self, community_id: str, group_id: str) -> GroupRead:
        return await self._request(
            "GET", self._groups(community_id) + route("/{group_id}", group_id=group_id), GroupRead
        )

    async def list_groups(self, community_id: str, *, include_archived: bool, platform: str | None) -> list[GroupRead]:
        params: dict[str, Any] = {"include_archived": include_archived}
        if platform is not None:
            params["platform"] = platform
        return await self._request_list("GET", self._groups(community_id), GroupRead, params=params)

    async def add_group_member(self, community_id: str, group_id: str, data: dict[str, Any]) -> GroupMemberRead:
        path = self._groups(community_id) + route("/{group_id}/members", group_id=group_id)
        return await self._request("POST", path, GroupMemberRead, json=data)

    async def remove_group_member(
        self, community_id: str, group_id: str, member_id: str, *, acting_member_id: str | None
    ) -> None:
        path = self._groups(community_id) + route(
            "/{group_id}/members/{member_id}", group_id=group_id, member_id=member_id
        )
        params = {"acting_member_id": acting_member_id} if acting_member_id else None
        await self._send("DELETE", path, params=params, json=None, headers=None)

    async def group_members(
        self, community_id: str, group_id: str, *, limit: int, cursor: str | None
    ) -> PageOut[GroupMemberRead]:
        params: dict[str, Any] = {"limit": limit}
        if cursor is not None:
            params["cursor"] = cursor
        path = self._groups(community_id) + route("/{group_id}/members", group_id=group_id)
        return await self._request("GET", path, PageOut[GroupMemberRead], params=params)
