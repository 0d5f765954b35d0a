"""Moderation: strikes and the ladder's actions, warnings and mutes, a community's moderation settings, the ban list
and the audit log."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from kit.errors import InvalidInput
from kit.types import Int32

# The bounds of a strike and a mute; the domain holds the community's settings to the same ones.
MAX_MUTE_HOURS = 24 * 366
MAX_LIFETIME_DAYS = 3_650
MAX_WEIGHT = 10


class Action(StrEnum):
    WARN = "warn"
    MUTE = "mute"
    DEMOTE = "demote"
    REMOVE = "remove"
    BAN = "ban"


class StrikeMessage(BaseModel):
    """A chat message a strike is for: what it earned is taken back (ADR 0035)."""

    model_config = ConfigDict(extra="forbid")

    group_id: str = Field(description="The group the message was sent in.")
    platform_message_id: str = Field(min_length=1, max_length=200, description="The platform's id of the message.")


class StrikeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rule: str = Field(description="The rule broken: a reference such as '3' or 'no-ads', or its text.")
    weight: int = Field(default=1, ge=1, le=MAX_WEIGHT, description="How many strikes this one counts for.")
    evidence: str | None = Field(default=None, max_length=500, description="A message id, a link, ...")
    reason: str | None = Field(default=None, max_length=500)
    expires_in_days: Int32 | None = Field(
        default=None, ge=1, le=MAX_LIFETIME_DAYS, description="Instead of the community's strike lifetime."
    )
    acting_member_id: str | None = None
    message: StrikeMessage | None = Field(
        default=None, description="The message it is for; the evidence defaults to its platform message id."
    )


class StrikeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    member_id: str
    rule: str
    weight: int
    evidence: str | None
    actor: str
    reason: str | None
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    revoked_by: str | None
    revoke_reason: str | None


class StrikeAddedRead(BaseModel):
    strike: StrikeRead
    active_strikes: int
    action: Action | None = Field(description="The ladder step carried out, if one was reached.")


class StrikePageOut(BaseModel):
    items: list[StrikeRead]
    next_cursor: str | None
    active_strikes: int


class StrikeRevoke(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(default=None, max_length=500)
    acting_member_id: str | None = None


class SanctionCreate(BaseModel):
    """A warning or a mute outside the ladder."""

    model_config = ConfigDict(extra="forbid")

    action: Literal["warn", "mute"]
    reason: str | None = Field(default=None, max_length=500)
    duration_hours: int | None = Field(default=None, ge=1, le=MAX_MUTE_HOURS)
    acting_member_id: str | None = None


class SanctionRead(BaseModel):
    action: str
    applied: bool


class SettingsUpdate(BaseModel):
    """Only the fields given change; each is checked by the rules in ``domain.moderation``."""

    model_config = ConfigDict(extra="forbid")

    ladder: Any = None
    strike_lifetime_days: Any = None
    spam: Any = None
    acting_member_id: str | None = None

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True, exclude={"acting_member_id"})


class LadderStepRead(BaseModel):
    at: int
    action: Action
    duration_hours: int | None = None


class SpamSettingsRead(BaseModel):
    enabled: bool
    newcomer_messages: int
    newcomer_days: int
    keywords: list[str]
    flood_messages: int
    flood_seconds: int
    repeat_count: int
    repeat_seconds: int


class SettingsRead(BaseModel):
    ladder: list[LadderStepRead]
    strike_lifetime_days: int
    spam: SpamSettingsRead


class BanTarget(BaseModel):
    """A member by id, or a platform account (which may belong to a member, or to nobody yet)."""

    model_config = ConfigDict(extra="forbid")

    member_id: str | None = None
    platform: str | None = None
    platform_user_id: str | None = Field(default=None, min_length=1, max_length=200)
    reason: str | None = Field(default=None, max_length=500)
    acting_member_id: str | None = None

    def account(self) -> tuple[str, str] | None:
        """The platform account, if one was given; a half-given account or none and no member is refused."""
        if self.platform is not None and self.platform_user_id is None:
            raise InvalidInput.of("platform_user_id", "give platform and platform_user_id together")
        if self.platform is None and self.platform_user_id is not None:
            raise InvalidInput.of("platform", "give platform and platform_user_id together")
        given = (self.platform, self.platform_user_id) if self.platform and self.platform_user_id else None
        if (given is None) == (self.member_id is None):
            raise InvalidInput.of("member_id", "give either member_id or platform and platform_user_id")
        return given


class BanRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    member_id: str | None
    platform: str | None
    platform_user_id: str | None
    actor: str
    reason: str | None
    created_at: datetime


class BanResultRead(BaseModel):
    member_id: str | None
    entries: list[BanRead]


class UnbanRead(BaseModel):
    cleared: int


class BanCheckRead(BaseModel):
    banned: bool


class AuditRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    member_id: str | None
    action: str
    actor: str
    reason: str | None
    detail: dict[str, Any]
    at: datetime
