"""Request and response bodies for welcome templates."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from kit.types import Int32


class WelcomeGroupOverrideIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    group_id: str = Field(max_length=40)
    body: str | None = Field(default=None, description="this group's greeting; unset: the community's")
    batch_window_seconds: Int32 | None = Field(default=None, description="unset: the community's")


class WelcomeTemplateUpdate(BaseModel):
    """The whole welcome: the greeting, its batch window, and every group's override (the list replaces)."""

    model_config = ConfigDict(extra="forbid")

    body: str = Field(description="placeholders: {names}, {community}, {rules_link}")
    batch_window_seconds: Int32 = Field(description="joins this close together share one greeting (0-3600)")
    enabled: bool = True
    group_overrides: list[WelcomeGroupOverrideIn] = Field(default_factory=list)


class WelcomeGroupOverrideRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    group_id: str
    body: str | None
    batch_window_seconds: int | None


class WelcomeTemplateRead(BaseModel):
    id: str
    community_id: str
    body: str
    batch_window_seconds: int
    enabled: bool
    group_overrides: list[WelcomeGroupOverrideRead] = []


class GroupWelcomeRead(BaseModel):
    """What a join in one group is greeted with: the group's override where it has one, else the community's."""

    community_id: str
    group_id: str
    body: str
    batch_window_seconds: int
    enabled: bool


class CommunityWelcomeTemplate(BaseModel):
    community_id: str
    template: WelcomeTemplateRead | None


class WelcomeTemplateBatch(BaseModel):
    items: list[CommunityWelcomeTemplate]
