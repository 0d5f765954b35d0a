"""Gamification client calls about deposit challenges: stakes, payouts, a member's deposit, the preview."""

from __future__ import annotations

from typing import Any

from contracts.gamification.deposit import DepositPreviewRead, DepositRead, RecordedRead
from gateway.clients.base import ServiceClient, route


class DepositCalls(ServiceClient):
    def _enrollment(self, community_id: str, challenge_id: str, member_id: str) -> str:
        return route(
            "/v1/communities/{community_id}/challenges/{challenge_id}/enrollments/{member_id}",
            community_id=community_id,
            challenge_id=challenge_id,
            member_id=member_id,
        )

    async def confirm_stake(
        self, community_id: str, challenge_id: str, member_id: str, body: dict[str, Any]
    ) -> RecordedRead:
        path = f"{self._enrollment(community_id, challenge_id, member_id)}/stake"
        return await self._request("POST", path, RecordedRead, json=body)

    async def record_payout(
        self, community_id: str, challenge_id: str, member_id: str, body: dict[str, Any]
    ) -> RecordedRead:
        path = f"{self._enrollment(community_id, challenge_id, member_id)}/payouts"
        return await self._request("POST", path, RecordedRead, json=body)

    async def deposit(self, community_id: str, challenge_id: str, member_id: str) -> DepositRead:
        path = f"{self._enrollment(community_id, challenge_id, member_id)}/deposit"
        return await self._request("GET", path, DepositRead)

    async def deposit_preview(self, community_id: str, body: dict[str, Any]) -> DepositPreviewRead:
        path = route("/v1/communities/{community_id}/deposits/preview", community_id=community_id)
        return await self._request("POST", path, DepositPreviewRead, json=body)
