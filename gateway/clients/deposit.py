"""Gamification client calls about deposit challenges: stakes, payouts, a member's deposit, the preview."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from gateway.clients.base import ServiceClient, route


class MoneyTransactionDTO(BaseModel):
    id: str
    challenge_id: str
    enrollment_id: str | None
    kind: str
    reference: str | None
    amount: int
    currency: str
    occurred_at: datetime


class DepositDTO(BaseModel):
    enrollment_id: str
    challenge_id: str
    member_id: str
    status: str
    currency: str
    staked: int
    held: int
    refunded: int
    earned_back: int
    share: int
    forfeited: int
    payable: int
    paid: int
    pool: int
    provisional: bool


class RecordedDTO(BaseModel):
    transaction: MoneyTransactionDTO
    deposit: DepositDTO


class DepositPreviewDTO(BaseModel):
    members: int
    finishers: int
    stakes: int
    earned_back: int
    pool: int
    fee: int
    pool_to_finishers: int
    unclaimed: int
    finisher_share_min: int
    finisher_share_max: int
    member_outcome_min: int
    member_outcome_max: int


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
    ) -> RecordedDTO:
        path = f"{self._enrollment(community_id, challenge_id, member_id)}/stake"
        return await self._request("POST", path, RecordedDTO, json=body)

    async def record_payout(
        self, community_id: str, challenge_id: str, member_id: str, body: dict[str, Any]
    ) -> RecordedDTO:
        path = f"{self._enrollment(community_id, challenge_id, member_id)}/payouts"
        return await self._request("POST", path, RecordedDTO, json=body)

    async def deposit(self, community_id: str, challenge_id: str, member_id: str) -> DepositDTO:
        path = f"{self._enrollment(community_id, challenge_id, member_id)}/deposit"
        return await self._request("GET", path, DepositDTO)

    async def deposit_preview(self, community_id: str, body: dict[str, Any]) -> DepositPreviewDTO:
        path = route("/v1/communities/{community_id}/deposits/preview", community_id=community_id)
        return await self._request("POST", path, DepositPreviewDTO, json=body)
