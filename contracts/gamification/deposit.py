"""Request and response bodies of deposit challenges: stakes, payouts, a member's deposit, the preview."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from contracts.gamification.challenge import MAX_DAYS
from kit.types import INT32_MAX, INT64_MAX, Int64

MAX_PREVIEW_MEMBERS = 100_000


class StakeConfirm(BaseModel):
    """What the integrator's payment system took from the member."""

    model_config = ConfigDict(extra="forbid")

    amount: Int64 = Field(description="minor units; must equal the challenge's stake")
    currency: str = Field(min_length=3, max_length=3, description="ISO 4217; must be the challenge's currency")
    reference: str = Field(
        min_length=1, max_length=200, description="the payment's id at the provider: the idempotency key"
    )


class PayoutCreate(BaseModel):
    """A payment the integrator made to the member out of what is payable."""

    model_config = ConfigDict(extra="forbid")

    amount: Int64 = Field(description="minor units; at most what is payable")
    currency: str = Field(min_length=3, max_length=3)
    reference: str = Field(min_length=1, max_length=200, description="the payout's id: the idempotency key")


class MoneyTransactionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    challenge_id: str
    enrollment_id: str | None
    kind: str
    reference: str | None
    amount: int
    currency: str
    occurred_at: datetime


class DepositRead(BaseModel):
    """A member's deposit: what they staked, got back for days done, their pool share, owed and paid; while the
    challenge runs, the figures so far (``provisional``)."""

    enrollment_id: str
    challenge_id: str
    member_id: str
    status: str
    currency: str
    staked: int
    held: int = Field(description="still staked: not yet refunded or settled")
    refunded: int = Field(description="given back on withdrawal before the start")
    earned_back: int = Field(description="installments of the days done (so far, while provisional)")
    share: int = Field(description="the member's share of the forfeited pool (0 until settled)")
    forfeited: int = Field(description="installments of days not done (so far: closed days, while provisional)")
    payable: int = Field(description="owed and not yet paid out")
    paid: int
    pool: int = Field(description="the challenge's forfeits, before the fee (so far, while provisional)")
    provisional: bool = Field(
        description="true until the challenge is settled: earned_back, forfeited and pool are running figures"
    )


class RecordedRead(BaseModel):
    transaction: MoneyTransactionRead
    deposit: DepositRead


class ChallengeDepositsRead(BaseModel):
    challenge_id: str
    currency: str
    stake_amount: int
    platform_fee_bps: int
    staked: int
    held: int
    payable: int
    paid: int
    pool: int = Field(description="after settlement: the pool no finisher could take (nobody finished)")
    fees: int
    settled: bool


class PreviewBucket(BaseModel):
    model_config = ConfigDict(extra="forbid")

    days_done: int = Field(ge=0, le=MAX_DAYS)
    share_of_members: float = Field(ge=0, le=1, description="a fraction of the members, e.g. 0.6")


class DepositPreviewCreate(BaseModel):
    """A challenge's economics before launch: members spread over days done, by buckets or a completion rate."""

    model_config = ConfigDict(extra="forbid")

    stake_amount: int = Field(ge=1, le=INT64_MAX, description="minor units")
    days: int = Field(ge=1, le=MAX_DAYS)
    platform_fee_bps: int = Field(default=0, ge=0, le=10_000)
    allowed_misses: int = Field(default=0, ge=0, le=INT32_MAX)
    members: int = Field(ge=1, le=MAX_PREVIEW_MEMBERS)
    buckets: list[PreviewBucket] | None = Field(default=None, max_length=MAX_DAYS + 1)
    completion_rate: float | None = Field(
        default=None, ge=0, le=1, description="instead of buckets: finishers do every day, the rest none"
    )
    failed_days_done: int = Field(default=0, ge=0, le=INT32_MAX, description="with completion_rate: days the others do")

    def problems(self) -> list[tuple[str, str]]:
        """(field, reason) for what the fields say together; the single fields are checked by their types."""
        found = []
        if (self.buckets is None) == (self.completion_rate is None):
            found.append(("buckets", "give either buckets or completion_rate"))
        if self.buckets is not None and abs(sum(b.share_of_members for b in self.buckets) - 1) > 1e-6:
            found.append(("buckets", "their share_of_members must add up to 1"))
        if self.allowed_misses >= self.days:
            found.append(("allowed_misses", "must be fewer than the days"))
        return found


class DepositPreviewRead(BaseModel):
    members: int
    finishers: int
    stakes: int
    earned_back: int = Field(description="installments given back for days done, to everyone")
    pool: int = Field(description="forfeited stakes")
    fee: int
    pool_to_finishers: int
    unclaimed: int = Field(description="the pool less the fee when nobody finishes")
    finisher_share_min: int
    finisher_share_max: int
    member_outcome_min: int = Field(description="the least a member gets back in all")
    member_outcome_max: int
