"""Live codes (活码): one public join link that routes each newcomer to a group with room."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index
from sqlmodel import Field

from kit.types import UtcDateTime
from services.membership.models.base import MembershipModel


class LiveCode(MembershipModel, table=True):
    __tablename__ = "live_code"

    id: str = Field(primary_key=True, max_length=40)
    community_id: str = Field(foreign_key="community.id", index=True, max_length=40)
    # The public part of the join link; unguessable, unique across communities.
    code: str = Field(unique=True, max_length=24)
    name: str = Field(max_length=100)
    # Groups in order of preference: [{"group_id": ..., "when": {"region": "Shanghai"}}, ...].
    routes: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    # Only groups that admit this tier take its newcomers (None: the newcomer's own tier, if any).
    tier_id: str | None = Field(default=None, max_length=40)
    # Where newcomers go when every route is full; None means they are refused.
    overflow_group_id: str | None = Field(default=None, max_length=40)
    # How long a routed newcomer holds a place in the group before it is given to someone else.
    hold_minutes: int = Field(default=24 * 60)
    active: bool = Field(default=True)
    created_at: datetime = Field(sa_type=UtcDateTime)


class LiveCodeRouting(MembershipModel, table=True):
    """One newcomer sent to one group; pending until they join (or the hold runs out)."""

    __tablename__ = "live_code_routing"
    __table_args__ = (Index("ix_live_code_routing_group_hold", "group_id", "held_until"),)

    id: str = Field(primary_key=True, max_length=40)
    community_id: str = Field(foreign_key="community.id", index=True, max_length=40)
    live_code_id: str = Field(foreign_key="live_code.id", index=True, max_length=40)
    group_id: str = Field(foreign_key="group.id", max_length=40)
    member_id: str | None = Field(default=None, max_length=40)
    # The integrator's reference for a newcomer who is not a member yet (an open id, a session).
    newcomer_ref: str | None = Field(default=None, max_length=200)
    status: str = Field(default="pending", max_length=20)  # pending | joined
    overflow: bool = Field(default=False)
    held_until: datetime = Field(sa_type=UtcDateTime)
    created_at: datetime = Field(sa_type=UtcDateTime)
