"""GraphQL types of deposit challenges: a member's deposit, a recorded money movement, the preview."""

from __future__ import annotations

from datetime import datetime

import strawberry

from contracts.gamification.deposit import DepositPreviewRead, DepositRead, MoneyTransactionRead
from gateway.schema.scalars import Int64


@strawberry.type(description="A member's deposit in a challenge, in minor units of its currency.")
class Deposit:
    enrollment_id: strawberry.ID
    challenge_id: strawberry.ID
    member_id: strawberry.ID
    status: str
    currency: str
    staked: Int64
    held: Int64 = strawberry.field(description="still staked: not yet refunded or settled")
    refunded: Int64 = strawberry.field(description="given back on withdrawal before the start")
    earned_back: Int64 = strawberry.field(description="installments of the days done (so far, while provisional)")
    share: Int64 = strawberry.field(description="the member's share of the forfeited pool (0 until settled)")
    forfeited: Int64 = strawberry.field(description="installments of days not done (so far, while provisional)")
    payable: Int64 = strawberry.field(description="owed and not yet paid out")
    paid: Int64
    pool: Int64 = strawberry.field(description="the challenge's forfeits before the fee (so far, while provisional)")
    provisional: bool = strawberry.field(
        description="true until the challenge is settled: earnedBack, forfeited and pool are running figures"
    )

    @classmethod
    def from_dto(cls, dto: DepositRead) -> Deposit:
        return cls(
            enrollment_id=strawberry.ID(dto.enrollment_id),
            challenge_id=strawberry.ID(dto.challenge_id),
            member_id=strawberry.ID(dto.member_id),
            status=dto.status,
            currency=dto.currency,
            staked=dto.staked,
            held=dto.held,
            refunded=dto.refunded,
            earned_back=dto.earned_back,
            share=dto.share,
            forfeited=dto.forfeited,
            payable=dto.payable,
            paid=dto.paid,
            pool=dto.pool,
            provisional=dto.provisional,
        )


@strawberry.type(description="One balanced movement in the deposit journal.")
class MoneyTransaction:
    id: strawberry.ID
    challenge_id: strawberry.ID
    enrollment_id: strawberry.ID | None
    kind: str = strawberry.field(description="stake, refund, settlement or payout")
    reference: str | None
    amount: Int64
    currency: str
    occurred_at: datetime

    @classmethod
    def from_dto(cls, dto: MoneyTransactionRead) -> MoneyTransaction:
        return cls(
            id=strawberry.ID(dto.id),
            challenge_id=strawberry.ID(dto.challenge_id),
            enrollment_id=strawberry.ID(dto.enrollment_id) if dto.enrollment_id else None,
            kind=dto.kind,
            reference=dto.reference,
            amount=dto.amount,
            currency=dto.currency,
            occurred_at=dto.occurred_at,
        )


@strawberry.type(description="A deposit challenge's simulated settlement: pool, refunds, fees and outcomes.")
class DepositPreview:
    members: int
    finishers: int
    stakes: Int64
    earned_back: Int64
    pool: Int64
    fee: Int64
    pool_to_finishers: Int64
    unclaimed: Int64 = strawberry.field(description="the pool less the fee when nobody finishes")
    finisher_share_min: Int64
    finisher_share_max: Int64
    member_outcome_min: Int64
    member_outcome_max: Int64

    @classmethod
    def from_dto(cls, dto: DepositPreviewRead) -> DepositPreview:
        return cls(**dto.model_dump())
