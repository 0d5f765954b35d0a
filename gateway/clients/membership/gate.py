"""Membership client calls about gates: invitation codes, joins, applications, payments, referrals."""

from __future__ import annotations

from typing import Any

from contracts.membership.gate import (
    ApplicationRead,
    DecisionRead,
    InvitationCodeRead,
    JoinRead,
    PaymentResultRead,
    ReferralCodeRead,
)
from gateway.clients.base import ServiceClient, idempotency_header, route
from kit.pagination import PageOut


def _idempotency(key: str | None) -> dict[str, str] | None:
    return idempotency_header(key)


class GateCalls(ServiceClient):
    async def create_invitation_code(
        self, community_id: str, data: dict[str, Any], *, idempotency_key: str | None
    ) -> InvitationCodeRead:
        return await self._request(
            "POST",
            route("/v1/communities/{community_id}/invitation-codes", community_id=community_id),
            InvitationCodeRead,
            json=data,
            headers=_idempotency(idempotency_key),
        )

    async def list_invitation_codes(
        self, community_id: str, *, tier_id: str | None, cursor: str | None, limit: int
    ) -> PageOut[InvitationCodeRead]:
        params = {k: v for k, v in {"tier_id": tier_id, "cursor": cursor, "limit": limit}.items() if v is not None}
        return await self._request(
            "GET",
            route("/v1/communities/{community_id}/invitation-codes", community_id=community_id),
            PageOut[InvitationCodeRead],
            params=params,
        )

    async def revoke_invitation_code(
        self, community_id: str, code_id: str, *, acting_member_id: str | None
    ) -> InvitationCodeRead:
        return await self._request(
            "POST",
            route(
                "/v1/communities/{community_id}/invitation-codes/{code_id}/revoke",
                community_id=community_id,
                code_id=code_id,
            ),
            InvitationCodeRead,
            json={"acting_member_id": acting_member_id},
        )

    async def join(self, community_id: str, data: dict[str, Any], *, idempotency_key: str | None) -> JoinRead:
        return await self._request(
            "POST",
            route("/v1/communities/{community_id}/joins", community_id=community_id),
            JoinRead,
            json=data,
            headers=_idempotency(idempotency_key),
        )

    async def list_applications(
        self, community_id: str, *, status: str | None, tier_id: str | None, cursor: str | None, limit: int
    ) -> PageOut[ApplicationRead]:
        values = {"status": status, "tier_id": tier_id, "cursor": cursor, "limit": limit}
        params = {k: v for k, v in values.items() if v is not None}
        return await self._request(
            "GET",
            route("/v1/communities/{community_id}/applications", community_id=community_id),
            PageOut[ApplicationRead],
            params=params,
        )

    async def decide_application(self, community_id: str, application_id: str, data: dict[str, Any]) -> DecisionRead:
        return await self._request(
            "POST",
            route(
                "/v1/communities/{community_id}/applications/{application_id}/decision",
                community_id=community_id,
                application_id=application_id,
            ),
            DecisionRead,
            json=data,
        )

    async def confirm_payment(
        self, community_id: str, data: dict[str, Any], *, idempotency_key: str
    ) -> PaymentResultRead:
        return await self._request(
            "POST",
            route("/v1/communities/{community_id}/payments", community_id=community_id),
            PaymentResultRead,
            json=data,
            headers=idempotency_header(idempotency_key),
        )

    async def get_referral_code(self, community_id: str, member_id: str) -> ReferralCodeRead:
        return await self._request(
            "GET",
            route(
                "/v1/communities/{community_id}/members/{member_id}/referral-code",
                community_id=community_id,
                member_id=member_id,
            ),
            ReferralCodeRead,
        )

    async def create_referral_code(self, community_id: str, member_id: str) -> ReferralCodeRead:
        return await self._request(
            "POST",
            route(
                "/v1/communities/{community_id}/members/{member_id}/referral-code",
                community_id=community_id,
                member_id=member_id,
            ),
            ReferralCodeRead,
        )
