"""The points ledger (append-only entries), the balance row per member, and rule usage for caps/cooldowns."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Index, UniqueConstraint
from sqlmodel import Field

from kit.types import UtcDateTime
from services.gamification.models.base import GamificationModel


class PointEntry(GamificationModel, table=True):
    """One posting. Never updated: a correction is another entry with the opposite sign."""

    __tablename__ = "point_entry"
    __table_args__ = (
        # The source (event id + rule, or an Idempotency-Key) awards at most once.
        UniqueConstraint("community_id", "source"),
        Index("ix_point_entry_member", "community_id", "member_id", "id"),
        Index("ix_point_entry_window", "community_id", "occurred_at"),
        Index("ix_point_entry_message", "community_id", "message_ref"),
    )

    id: str = Field(primary_key=True, max_length=40)
    community_id: str = Field(max_length=40)
    member_id: str = Field(max_length=40)
    source: str = Field(max_length=200)
    kind: str = Field(max_length=20)  # award, grant, spend, correction, refund, decay, bonus
    points: int = Field(sa_type=BigInteger)  # signed
    reason: str = Field(max_length=200)
    # The rule version that awarded it (entries keep pointing at old versions after a rule changes).
    rule_version_id: str | None = Field(default=None, max_length=40)
    corrects_entry_id: str | None = Field(default=None, max_length=40)
    # The chat message an award was for (``member.activity``'s ``message_ref``): a strike on it reverses it.
    message_ref: str | None = Field(default=None, max_length=300)
    # When it counts (leaderboard windows): a reversal counts when the award it reverses did.
    occurred_at: dt.datetime = Field(sa_type=UtcDateTime)
    created_at: dt.datetime = Field(sa_type=UtcDateTime)


class Balance(GamificationModel, table=True):
    """Totals per member, kept in the same transaction as the entries: ``balance`` can be spent,
    ``lifetime`` counts what was earned (levels and the all-time leaderboard)."""

    community_id: str = Field(primary_key=True, max_length=40)
    member_id: str = Field(primary_key=True, max_length=40)
    balance: int = Field(default=0, sa_type=BigInteger)
    lifetime: int = Field(default=0, sa_type=BigInteger)
    level_rank: int = 1
    tier_id: str | None = Field(default=None, max_length=40)
    last_active_at: dt.datetime | None = Field(default=None, sa_type=UtcDateTime)
    updated_at: dt.datetime = Field(sa_type=UtcDateTime)


class RuleUsage(GamificationModel, table=True):
    """How much of a rule a member used on one local day, and when it last awarded: caps and cooldowns."""

    __tablename__ = "rule_usage"
    __table_args__ = (UniqueConstraint("community_id", "member_id", "rule_id"),)

    id: int | None = Field(default=None, primary_key=True)
    community_id: str = Field(max_length=40)
    member_id: str = Field(max_length=40)
    rule_id: str = Field(max_length=40)
    day: dt.date
    points_today: int = Field(default=0, sa_type=BigInteger)
    last_awarded_at: dt.datetime | None = Field(default=None, sa_type=UtcDateTime)
