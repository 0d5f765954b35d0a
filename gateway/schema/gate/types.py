"""GraphQL types of gates: invitation codes, joins, applications, payments and referral codes."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from contracts.membership.gate import ApplicationRead, InvitationCodeRead, PaymentRead, ReferralCodeRead
from gateway.schema.scalars import Int64


@strawberry.type(description="A code that lets its holder through a tier's invitation requirement.")
class InvitationCode:
    id: strawberry.ID
    tier_id: strawberry.ID
    code: str
    max_uses: int | None = strawberry.field(description="null: any number of uses.")
    uses: int
    expires_at: datetime | None
    revoked_at: datetime | None
    note: str | None
    created_at: datetime

    @classmethod
    def from_dto(cls, dto: InvitationCodeRead) -> InvitationCode:
        return cls(
            id=strawberry.ID(dto.id),
            tier_id=strawberry.ID(dto.tier_id),
            code=dto.code,
            max_uses=dto.max_uses,
            uses=dto.uses,
            expires_at=dto.expires_at,
            revoked_at=dto.revoked_at,
            note=dto.note,
            created_at=dto.created_at,
        )


@strawberry.type(description="Answers to a tier's questions, waiting for (or carrying) a reviewer's decision.")
class Application:
    id: strawberry.ID
    member_id: strawberry.ID
    tier_id: strawberry.ID
    answers: JSON
    status: str = strawberry.field(description="pending, approved or rejected.")
    submitted_at: datetime
    decided_at: datetime | None
    reviewer: str | None
    reason: str | None

    @classmethod
    def from_dto(cls, dto: ApplicationRead) -> Application:
        return cls(
            id=strawberry.ID(dto.id),
            member_id=strawberry.ID(dto.member_id),
            tier_id=strawberry.ID(dto.tier_id),
            answers=JSON(dto.answers),
            status=dto.status,
            submitted_at=dto.submitted_at,
            decided_at=dto.decided_at,
            reviewer=dto.reviewer,
            reason=dto.reason,
        )


@strawberry.type(description="A confirmed payment, recorded once.")
class Payment:
    id: strawberry.ID
    member_id: strawberry.ID
    tier_id: strawberry.ID
    amount: Int64 = strawberry.field(description="In minor units.")
    currency: str
    provider: str
    provider_ref: str
    kind: str = strawberry.field(description="join, renewal or upgrade.")
    paid_until: datetime | None
    recorded_at: datetime

    @classmethod
    def from_dto(cls, dto: PaymentRead) -> Payment:
        return cls(
            id=strawberry.ID(dto.id),
            member_id=strawberry.ID(dto.member_id),
            tier_id=strawberry.ID(dto.tier_id),
            amount=dto.amount,
            currency=dto.currency,
            provider=dto.provider,
            provider_ref=dto.provider_ref,
            kind=dto.kind,
            paid_until=dto.paid_until,
            recorded_at=dto.recorded_at,
        )


@strawberry.type(description="An amount of money in minor units of an ISO 4217 currency.")
class Money:
    amount: Int64 = strawberry.field(description="Minor units (fen, cents).")
    currency: str


@strawberry.type(description="A member's own referral code; people who join with it are attributed to them.")
class ReferralCode:
    member_id: strawberry.ID
    code: str
    created_at: datetime
    joins: int = strawberry.field(description="Members who joined with the code.")
    conversions: int = strawberry.field(
        description="Of them, those who then paid for a priced tier (a `referral.converted` rule event)."
    )
    converted_amounts: list[Money] = strawberry.field(
        description="What the converting payments came to, one total per currency."
    )

    @classmethod
    def from_dto(cls, dto: ReferralCodeRead) -> ReferralCode:
        return cls(
            member_id=strawberry.ID(dto.member_id),
            code=dto.code,
            created_at=dto.created_at,
            joins=dto.joins,
            conversions=dto.conversions,
            converted_amounts=[Money(amount=a.amount, currency=a.currency) for a in dto.converted_amounts],
        )
