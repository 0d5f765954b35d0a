"""Live codes: one join link over several groups, and the routing of each newcomer who opens it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

# The longest a routed newcomer's place in a group is held: 30 days.
MAX_HOLD_MINUTES = 30 * 24 * 60


class RouteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    group_id: str = Field(min_length=1, max_length=40)
    when: dict[str, Any] = Field(default_factory=dict, description="only newcomers whose attributes match")


class LiveCodeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    routes: list[RouteIn] = Field(description="groups in order of preference")
    tier_id: str | None = None
    overflow_group_id: str | None = None
    hold_minutes: int = Field(default=24 * 60, ge=1, le=MAX_HOLD_MINUTES)
    acting_member_id: str | None = None


class LiveCodeRead(BaseModel):
    id: str
    community_id: str
    code: str
    name: str
    routes: list[RouteIn]
    tier_id: str | None
    overflow_group_id: str | None
    hold_minutes: int
    active: bool
    join_url: str
    qr_png_path: str
    qr_svg_path: str
    created_at: datetime


class NewcomerIn(BaseModel):
    """Who scanned: a member (routed by their profile and tier) or someone not yet a member."""

    model_config = ConfigDict(extra="forbid")

    member_id: str | None = None
    newcomer_ref: str | None = Field(default=None, min_length=1, max_length=200)
    attributes: dict[str, Any] = Field(default_factory=dict)
    tier_id: str | None = None


class LinkNewcomerIn(BaseModel):
    """Someone who opened the public join link, known only by the reference the gateway gives them."""

    model_config = ConfigDict(extra="forbid")

    newcomer_ref: str = Field(min_length=1, max_length=200)


class RoutedGroupRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    platform: str
    platform_chat_id: str
    join_url: str | None


class RoutingRead(BaseModel):
    id: str
    live_code_id: str
    status: str
    overflow: bool
    member_id: str | None
    newcomer_ref: str | None
    held_until: datetime
    group: RoutedGroupRead
