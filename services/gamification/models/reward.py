"""Rewards: the catalogue, redemptions (requested → fulfilled | cancelled) and per-member redemption counts."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Index, UniqueConstraint
from sqlmodel import Field

from kit.types import UtcDateTime
from services.gamification.models.base import GamificationModel


class Reward(GamificationModel, table=True):
    id: str = Field(primary_key=True, max_length=40)
    community_id: str = Field(max_length=40, index=True)
    name: str = Field(max_length=100)
    description: str = Field(default="", max_length=1000)
    image_url: str | None = Field(default=None, max_length=500)
    cost: int = Field(sa_type=BigInteger)  # points, at least 1
    stock: int | None = None  # units left; None is unlimited
    per_member_limit: int | None = None
    available_from: dt.datetime | None = Field(default=None, sa_type=UtcDateTime)
    available_until: dt.datetime | None = Field(default=None, sa_type=UtcDateTime)
    active: bool = True
    created_at: dt.datetime = Field(sa_type=UtcDateTime)


class Redemption(GamificationModel, table=True):
    __table_args__ = (
        # A redemption key (the Idempotency-Key, or a fresh id) redeems at most once.
        UniqueConstraint("community_id", "redemption_key"),
        Index("ix_redemption_member", "community_id", "member_id"),
    )

    id: str = Field(primary_key=True, max_length=40)
    community_id: str = Field(max_length=40)
    reward_id: str = Field(max_length=40, index=True)
    member_id: str = Field(max_length=40)
    redemption_key: str = Field(max_length=255)
    cost: int = Field(sa_type=BigInteger)
    status: str = Field(default="requested", max_length=20)
    entry_id: str = Field(max_length=40)  # the spend
    refund_entry_id: str | None = Field(default=None, max_length=40)
    note: str | None = Field(default=None, max_length=500)
    created_at: dt.datetime = Field(sa_type=UtcDateTime)
    updated_at: dt.datetime = Field(sa_type=UtcDateTime)


class RewardClaim(GamificationModel, table=True):
    """Redemptions a member holds of one reward (cancelled ones given back): the per-member limit."""

    __tablename__ = "reward_claim"

    community_id: str = Field(primary_key=True, max_length=40)
    reward_id: str = Field(primary_key=True, max_length=40)
    member_id: str = Field(primary_key=True, max_length=40)
    count: int = 0
