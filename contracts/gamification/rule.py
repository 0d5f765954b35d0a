"""Request and response bodies for point rules, and the events and conditions a rule may name."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from kit.types import Int32, Int64

RULE_EVENTS: tuple[str, ...] = (
    "member.activity.message",
    "member.activity.reaction",
    "member.activity.join",
    "member.joined.referral",  # the referrer earns when someone they invited joins
    "referral.converted",  # the referrer earns when someone they invited first pays for a priced tier
    "checkin.recorded",
    "assignment.submitted",
    "assignment.reviewed",
    "event.attended",
    "manual",
)
# ``tier_ids`` is always the tier of the member who earns (for a conversion: the referrer's), as the tier
# multipliers are; the tier the referred member paid for is ``paid_tier_ids`` / ``paid_tier_keys``.
ACTIVITY_CONDITIONS = frozenset({"group_ids", "min_length", "keyword", "tier_ids"})
CONVERSION_CONDITIONS = frozenset(
    {"tier_ids", "min_amount", "max_amount", "currency", "paid_tier_ids", "paid_tier_keys"}
)

CONDITIONS = (
    f"all must hold; {', '.join(sorted(ACTIVITY_CONDITIONS))} (referral.converted: "
    f"{', '.join(sorted(CONVERSION_CONDITIONS))}, amounts in minor units of currency; "
    "tier_ids is the earning member's tier, paid_tier_* the tier paid for)"
)


class RuleCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    event: str = Field(description=f"one of {', '.join(RULE_EVENTS)}")
    points: Int64
    daily_cap: Int64 | None = Field(default=None, description="most points per member per local day")
    cooldown_seconds: Int32 = 0
    conditions: dict[str, Any] = Field(default_factory=dict, description=CONDITIONS)
    tier_multipliers: dict[str, float] = Field(default_factory=dict)
    enabled: bool = True


class RuleUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=100)
    event: str | None = None
    points: Int64 | None = None
    daily_cap: Int64 | None = None
    cooldown_seconds: Int32 | None = None
    conditions: dict[str, Any] | None = None
    tier_multipliers: dict[str, float] | None = None
    enabled: bool | None = None


class RuleRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str = Field(description="this version's id; ledger entries reference it")
    rule_id: str
    version: int
    community_id: str
    name: str
    event: str
    points: int
    daily_cap: int | None
    cooldown_seconds: int
    conditions: dict[str, Any]
    tier_multipliers: dict[str, float]
    enabled: bool
    current: bool
    created_at: datetime
