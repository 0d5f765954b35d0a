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
    tier_id: strawberry.ID = strawberry.field(description="The tier the code lets its holder into.")
    code: str = strawberry.field(description="What the person gives when joining (4 to 40 letters, digits, _ or -).")
    max_uses: int | None = strawberry.field(description="null: any number of uses.")
    uses: int = strawberry.field(description="How many joins have used it so far.")
    expires_at: datetime | None = strawberry.field(description="When it stops admitting anyone; null: never.")
    revoked_at: datetime | None = strawberry.field(description="When it was revoked; null while it is not.")
    note: str | None = strawberry.field(description="Your own note on the code, e.g. who it was handed to.")
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
    tier_id: strawberry.ID = strawberry.field(description="The tier applied for.")
    answers: JSON = strawberry.field(description='The answers by question key, e.g. {"why": "To learn to draw"}.')
    status: str = strawberry.field(description="pending, approved or rejected.")
    submitted_at: datetime = strawberry.field(description="When it was submitted.")
    decided_at: datetime | None = strawberry.field(description="When it was decided; null while pending.")
    reviewer: str | None = strawberry.field(description="Who decided it (member:<id> or key:<id>); null while pending.")
    reason: str | None = strawberry.field(description="The reviewer's reason (always given for a rejection).")

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
    tier_id: strawberry.ID = strawberry.field(description="The tier paid for.")
    amount: Int64 = strawberry.field(description="In minor units.")
    currency: str = strawberry.field(description="ISO 4217 code, e.g. CNY.")
    provider: str = strawberry.field(
        description="Who took the money, as you named it: e.g. wechat_pay, alipay, stripe."
    )
    provider_ref: str = strawberry.field(description="The provider's id of this payment; recorded once per provider.")
    kind: str = strawberry.field(description="join, renewal or upgrade.")
    paid_until: datetime | None = strawberry.field(
        description="When the membership it paid for runs out; null for a lifetime tier."
    )
    recorded_at: datetime = strawberry.field(description="When Guildhall recorded it.")

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
    currency: str = strawberry.field(description="ISO 4217 code, e.g. CNY.")


@strawberry.type(description="A member's own referral code; people who join with it are attributed to them.")
class ReferralCode:
    member_id: strawberry.ID
    code: str = strawberry.field(description="What a newcomer gives as `referralCode` when joining.")
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
