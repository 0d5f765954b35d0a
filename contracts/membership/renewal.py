"""A renewal of a membership: the body that asks for one more period."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class RenewalCreate(BaseModel):
    """One more period, on the member's tier unless ``tier_id`` names another."""

    model_config = ConfigDict(extra="forbid")

    tier_id: str | None = Field(default=None, min_length=1, max_length=40)
    reason: str | None = Field(default=None, max_length=500)
    acting_member_id: str | None = None
