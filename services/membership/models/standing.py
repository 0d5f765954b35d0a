"""What the standing computation remembers about a member between runs."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON
from sqlmodel import Field

from kit.types import UtcDateTime
from services.membership.models.base import MembershipModel


class StandingRecord(MembershipModel, table=True):
    """The last evaluation of one member's standing (the standing itself lives on the membership)."""

    __tablename__ = "standing_record"

    community_id: str = Field(primary_key=True, max_length=40)
    member_id: str = Field(primary_key=True, max_length=40)
    # The community-local day the member first fell below 90% of a criterion of their level.
    below_since: date | None = Field(default=None)
    # The figures per level at the last evaluation: {"contributor": {"messages": 12, ...}, "core": {...}}.
    figures: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    evaluated_at: datetime = Field(sa_type=UtcDateTime)
