"""GraphQL types of deposit challenges: a member's deposit, a recorded money movement, the preview."""

from __future__ import annotations

from datetime import datetime

import strawberry

from contracts.gamification.deposit import DepositPreviewRead, DepositRead, MoneyTransactionRead
from gateway.schema.scalars import Int64


@strawberry.type(
    description=(
        "A member's deposit (押金) in a challenge, in minor units of its currency: the stake comes back one "
        "installment (stake / days) per day done; the installments of days not done form the pool, which less "
        "the platform's fee is shared among the finishers."
    )
)
class Deposit:
    enrollment_id: strawberry.ID = strawberry.field(description="The member's enrollment in the challenge.")
    challenge_id: strawberry.ID = strawberry.field(description="The deposit challenge.")
    member_id: strawberry.ID = strawberry.field(description="The member who staked it.")
    status: str = strawberry.field(
        description="The enrollment's: pending (stake not confirmed yet), active, completed, failed or withdrawn"
    )
    currency: str = strawberry.field(description="ISO 4217 code of every amount here, e.g. CNY.")
    staked: Int64 = strawberry.field(description="Stakes confirmed with `confirmStake`.")
    held: Int64 = strawberry.field(description="still staked: not yet refunded or settled")
    refunded: Int64 = strawberry.field(description="given back on withdrawal before the start")
    earned_back: Int64 = strawberry.field(description="installments of the days done (so far, while provisional)")
    share: Int64 = strawberry.field(description="the member's share of the forfeited pool (0 until settled)")
    forfeited: Int64 = strawberry.field(description="installments of days not done (so far, while provisional)")
    payable: Int64 = strawberry.field(description="owed and not yet paid out")
    paid: Int64 = strawberry.field(description="Paid out to the member, as recorded with `recordPayout`.")
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
    challenge_id: strawberry.ID = strawberry.field(description="The deposit challenge it belongs to.")
    enrollment_id: strawberry.ID | None = strawberry.field(
        description="The enrollment whose money moved; null for a settlement, which covers the whole challenge."
    )
    kind: str = strawberry.field(
        description=(
            "stake (confirmed), refund (withdrawn before the start), settlement (the challenge decided) or payout"
        )
    )
    reference: str | None = strawberry.field(
        description="The provider's id given with a stake or payout; null for refunds and settlements."
    )
    amount: Int64 = strawberry.field(
        description="In minor units (fen, cents); for a settlement, the pool forfeited to be shared."
    )
    currency: str = strawberry.field(description="ISO 4217 code, e.g. CNY.")
    occurred_at: datetime = strawberry.field(description="When the money moved.")

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
    members: int = strawberry.field(description="Members simulated.")
    finishers: int = strawberry.field(description="Members who complete: at most `allowedMisses` days not done.")
    stakes: Int64 = strawberry.field(description="All members' stakes together, in minor units.")
    earned_back: Int64 = strawberry.field(description="Installments given back for days done, to everyone together.")
    pool: Int64 = strawberry.field(description="Forfeited stakes: the installments of the days not done.")
    fee: Int64 = strawberry.field(description="The platform's fee off the pool: `platformFeeBps` of it, rounded down.")
    pool_to_finishers: Int64 = strawberry.field(description="The pool less the fee, split evenly among the finishers.")
    unclaimed: Int64 = strawberry.field(description="the pool less the fee when nobody finishes")
    finisher_share_min: Int64 = strawberry.field(
        description="The smallest share of the pool a finisher gets; shares differ by at most one minor unit."
    )
    finisher_share_max: Int64 = strawberry.field(description="The largest share of the pool a finisher gets.")
    member_outcome_min: Int64 = strawberry.field(
        description="The least a member gets back in all: installments earned back plus any share."
    )
    member_outcome_max: Int64 = strawberry.field(
        description="The most a member gets back in all: installments earned back plus any share."
    )

    @classmethod
    def from_dto(cls, dto: DepositPreviewRead) -> DepositPreview:
        return cls(**dto.model_dump())
