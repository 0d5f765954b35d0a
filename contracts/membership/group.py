"""Groups (a community's chats on a platform) and who is in them."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

# The most members one group may be given room for.
CAPACITY_MAX = 100_000


class GroupCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    platform: str
    platform_chat_id: str
    connection_id: str | None = Field(default=None, min_length=1, max_length=40)
    capacity: int | None = Field(default=None, ge=1, le=CAPACITY_MAX)
    tier_ids: list[str] = Field(default_factory=list, max_length=50)
    acting_member_id: str | None = None


class GroupUpdate(BaseModel):
    """Only the fields given change; ``archived: true`` archives the group (and ``false`` brings it back)."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    platform: str | None = None
    platform_chat_id: str | None = None
    connection_id: str | None = Field(default=None, min_length=1, max_length=40)
    capacity: int | None = Field(default=None, ge=1, le=CAPACITY_MAX)
    tier_ids: list[str] | None = Field(default=None, max_length=50)
    archived: bool | None = None
    acting_member_id: str | None = None

    @field_validator("archived")
    @classmethod
    def _archived(cls, value: bool | None) -> bool:
        if value is None:
            raise ValueError("must be true or false")
        return value


class GroupRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    community_id: str
    name: str
    platform: str
    connection_id: str | None
    platform_chat_id: str
    capacity: int | None
    tier_ids: list[str]
    member_count: int
    archived: bool
    created_at: datetime


class GroupMemberAdd(BaseModel):
    model_config = ConfigDict(extra="forbid")

    member_id: str = Field(min_length=1, max_length=40)
    acting_member_id: str | None = None


class GroupMemberRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    group_id: str
    member_id: str
    platform_user_id: str
    source: str
    joined_at: datetime
