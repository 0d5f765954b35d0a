"""The deposit money journal: transactions, each a balanced set of postings on named accounts."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Index, UniqueConstraint
from sqlmodel import Field

from kit.types import UtcDateTime
from services.gamification.models.base import GamificationModel


class MoneyTransaction(GamificationModel, table=True):
    """One balanced movement of money. Never updated or deleted; the key makes a retry find the first one."""

    __tablename__ = "money_transaction"
    __table_args__ = (
        UniqueConstraint("community_id", "key"),
        Index("ix_money_transaction_enrollment", "enrollment_id"),
    )

    id: str = Field(primary_key=True, max_length=40)
    community_id: str = Field(max_length=40)
    challenge_id: str = Field(max_length=40, index=True)
    # The member's enrollment for stakes, refunds and payouts; none for a challenge's settlement.
    enrollment_id: str | None = Field(default=None, max_length=40)
    kind: str = Field(max_length=20)  # stake, refund, settlement, payout
    # ``stake:{provider reference}``, ``refund:{stake transaction}``, ``settlement:{challenge}``, ``payout:{ref}``.
    key: str = Field(max_length=240)
    # The integrator's own reference (payment or payout id), as they sent it.
    reference: str | None = Field(default=None, max_length=200)
    amount: int = Field(
        sa_type=BigInteger
    )  # what moved for the member (the stake, the refund, the payout); the pool for a settlement
    currency: str = Field(max_length=3)
    occurred_at: dt.datetime = Field(sa_type=UtcDateTime)


class MoneyPosting(GamificationModel, table=True):
    """One leg of a transaction: a signed amount on an account (``stake:{enrollment}``, ``payable:{enrollment}``,
    ``pool:{challenge}``, ``fees:{challenge}``, ``external``)."""

    __tablename__ = "money_posting"
    __table_args__ = (Index("ix_money_posting_account", "community_id", "account"),)

    id: int | None = Field(default=None, primary_key=True)
    community_id: str = Field(max_length=40)
    transaction_id: str = Field(max_length=40, index=True)
    challenge_id: str = Field(max_length=40)
    account: str = Field(max_length=60)
    amount: int = Field(sa_type=BigInteger)
    currency: str = Field(max_length=3)
    memo: str = Field(max_length=20)
