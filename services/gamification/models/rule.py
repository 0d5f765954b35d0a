"""Point rules, versioned: a change adds a version, so ledger entries keep pointing at what awarded them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, UniqueConstraint
from sqlmodel import Field

from kit.types import UtcDateTime
from services.gamification.models.base import GamificationModel


class PointRule(GamificationModel, table=True):
    """One version of a rule. ``rule_id`` is stable across versions; ``id`` names this version."""

    __table_args__ = (
        UniqueConstraint("rule_id", "version"),
        Index("ix_point_rule_lookup", "community_id", "event", "current"),
    )

    id: str = Field(primary_key=True, max_length=40)
    rule_id: str = Field(max_length=40, index=True)
    version: int
    community_id: str = Field(max_length=40)
    name: str = Field(max_length=100)
    event: str = Field(max_length=60)
    conditions: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    points: int = Field(sa_type=BigInteger)
    daily_cap: int | None = Field(default=None, sa_type=BigInteger)  # points
    cooldown_seconds: int = 0
    tier_multipliers: dict[str, float] = Field(default_factory=dict, sa_type=JSON)
    enabled: bool = True
    # Exactly one version of a rule is current; older ones stay for the entries that reference them.
    current: bool = True
    created_at: datetime = Field(sa_type=UtcDateTime)
