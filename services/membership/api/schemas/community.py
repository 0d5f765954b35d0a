"""Request and response bodies for communities."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

from services.membership.domain import community as rules


class CommunityCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    timezone: str
    mission: str | None = None
    rules: str | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return rules.clean_name(value)

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        return rules.clean_timezone(value)

    @field_validator("mission")
    @classmethod
    def _mission(cls, value: str | None) -> str | None:
        return rules.clean_text(value, max_length=rules.MISSION_MAX_LENGTH)

    @field_validator("rules")
    @classmethod
    def _rules(cls, value: str | None) -> str | None:
        return rules.clean_text(value, max_length=rules.RULES_MAX_LENGTH)


class CommunityRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    timezone: str
    mission: str | None
    rules: str | None
    settings: dict[str, Any]
    created_at: datetime


class CommunityUpdate(BaseModel):
    """Only the fields given change. ``settings`` replaces each top-level key it names; null resets a key."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    timezone: str | None = None
    mission: str | None = None
    rules: str | None = None
    settings: dict[str, Any] | None = None
    acting_member_id: str | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, value: str | None) -> str | None:
        if value is None:
            raise ValueError("must not be null")
        return rules.clean_name(value)

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str | None) -> str | None:
        if value is None:
            raise ValueError("must not be null")
        return rules.clean_timezone(value)

    @field_validator("mission")
    @classmethod
    def _mission(cls, value: str | None) -> str | None:
        return rules.clean_text(value, max_length=rules.MISSION_MAX_LENGTH)

    @field_validator("rules")
    @classmethod
    def _rules(cls, value: str | None) -> str | None:
        return rules.clean_text(value, max_length=rules.RULES_MAX_LENGTH)
