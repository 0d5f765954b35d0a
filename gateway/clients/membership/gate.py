"""Membership client calls about gates: invitation codes, joins, applications, payments, referrals."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from gateway.clients.base import ServiceClient, idempotency_header, route
from gateway.clients.membership.member import MemberDTO


class InvitationCodeDTO(BaseModel):
    id: str
    tier_id: str
    code: str
    max_uses: int | None
    uses: int
    expires_at: datetime | None
    revoked_at: datetime | None
    note: str | None
    created_by: str
    created_at: datetime


class InvitationCodePageDTO(BaseModel):
    items: list[InvitationCodeDTO]
    next_cursor: str | None


class ApplicationDTO(BaseModel):
    id: str
    member_id: str
    tier_id: str
    answers: dict[str, Any]
    status: str
    submitted_at: datetime
    decided_at: datetime | None
    reviewer: str | None
    reason: str | None


class ApplicationPageDTO(BaseModel):
    items: list[ApplicationDTO]
    next_cursor: str | None


class JoinDTO(BaseModel):
    status: str
    member: MemberDTO
    application: ApplicationDTO | None


class DecisionDTO(BaseModel):
    application: ApplicationDTO
    member: MemberDTO


class PaymentDTO(BaseModel):
    id: str
    member_id: str
    tier_id: str
    amount: int
    currency: str
    provider: str
    provider_ref: str
    kind: str
    paid_until: datetime | None
    recorded_at: datetime


class PaymentResultDTO(BaseModel):
    payment: PaymentDTO
    duplicate: bool
    member: MemberDTO


class AmountDTO(BaseModel):
    amount: int
    currency: str


class ReferralCodeDTO(BaseModel):
    member_id: str
    code: str
    created_at: datetime
    joins: int
    conversions: int
    converted_amounts: list[AmountDTO]


def _idempotency(key: str | None) -> dict[str, str] | None:
    return idempotency_header(key)


class GateCalls(ServiceClient):
    async def create_invitation_code(
        self, community_id: str, data: dict[str, Any], *, idempotency_key: str | None
    ) -> InvitationCodeDTO:
        return await self._request(
            "POST",
            route("/v1/communities/{community_id}/invitation-codes", community_id=community_id),
            InvitationCodeDTO,
            json=data,
            headers=_idempotency(idempotency_key),
        )

    async def list_invitation_codes(
        self, community_id: str, *, tier_id: str | None, cursor: str | None, limit: int
    ) -> InvitationCodePageDTO:
        params = {k: v for k, v in {"tier_id": tier_id, "cursor": cursor, "limit": limit}.items() if v is not None}
        return await self._request(
            "GET",
            route("/v1/communities/{community_id}/invitation-codes", community_id=community_id),
            InvitationCodePageDTO,
            params=params,
        )

    async def revoke_invitation_code(
        self, community_id: str, code_id: str, *, acting_member_id: str | None
    ) -> InvitationCodeDTO:
        return await self._request(
            "POST",
            route(
                "/v1/communities/{community_id}/invitation-codes/{code_id}/revoke",
                community_id=community_id,
                code_id=code_id,
            ),
            InvitationCodeDTO,
            json={"acting_member_id": acting_member_id},
        )

    async def join(self, community_id: str, data: dict[str, Any], *, idempotency_key: str | None) -> JoinDTO:
        return await self._request(
            "POST",
            route("/v1/communities/{community_id}/joins", community_id=community_id),
            JoinDTO,
            json=data,
            headers=_idempotency(idempotency_key),
        )

    async def list_applications(
        self, community_id: str, *, status: str | None, tier_id: str | None, cursor: str | None, limit: int
    ) -> ApplicationPageDTO:
        values = {"status": status, "tier_id": tier_id, "cursor": cursor, "limit": limit}
        params = {k: v for k, v in values.items() if v is not None}
        return await self._request(
            "GET",
            route("/v1/communities/{community_id}/applications", community_id=community_id),
            ApplicationPageDTO,
            params=params,
        )

    async def decide_application(self, community_id: str, application_id: str, data: dict[str, Any]) -> DecisionDTO:
        return await self._request(
            "POST",
            route(
                "/v1/communities/{community_id}/applications/{application_id}/decision",
                community_id=community_id,
                application_id=application_id,
            ),
            DecisionDTO,
            json=data,
        )

    async def confirm_payment(
        self, community_id: str, data: dict[str, Any], *, idempotency_key: str
    ) -> PaymentResultDTO:
        return await self._request(
            "POST",
            route("/v1/communities/{community_id}/payments", community_id=community_id),
            PaymentResultDTO,
            json=data,
            headers=idempotency_header(idempotency_key),
        )

    async def get_referral_code(self, community_id: str, member_id: str) -> ReferralCodeDTO:
        return await self._request(
            "GET",
            route(
                "/v1/communities/{community_id}/members/{member_id}/referral-code",
                community_id=community_id,
                member_id=member_id,
            ),
            ReferralCodeDTO,
        )

    async def create_referral_code(self, community_id: str, member_id: str) -> ReferralCodeDTO:
        return await self._request(
            "POST",
            route(
                "/v1/communities/{community_id}/members/{member_id}/referral-code",
                community_id=community_id,
                member_id=member_id,
            ),
            ReferralCodeDTO,
        )
