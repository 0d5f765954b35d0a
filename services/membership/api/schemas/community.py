"""Request and response bodies for communities."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from services.membership.domain import community as rules
from services.membership.domain import test_clock


class CommunityCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    timezone: str
    mission: str | None = None
    rules: str | None = None
    sandbox: bool = False
    test_clock_start: AwareDatetime | None = None

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
    sandbox: bool
    test_clock_now: datetime | None


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


class TestClockAdvance(BaseModel):
    """Exactly one of ``to`` (a time) and ``by`` (a duration such as ``21d``, ``36h``, ``1d12h``, ``90m``)."""

    model_config = ConfigDict(extra="forbid")
    __test__ = False  # not a pytest class, whatever its name

    to: AwareDatetime | None = None
    by: str | None = None
    step: str = Field(default="1h", description="Due work runs at least this often on the way (1m to 1d).")
    acting_member_id: str | None = None

    @field_validator("by")
    @classmethod
    def _by(cls, value: str | None) -> str | None:
        if value is not None:
            test_clock.parse_duration(value)
        return value

    @field_validator("step")
    @classmethod
    def _step(cls, value: str) -> str:
        test_clock.clean_step(value)
        return value


class TestClockRead(BaseModel):
    __test__ = False

    community_id: str
    now: datetime


class TestClockAdvanced(BaseModel):
    """Where the clock went, and what the membership service's due work did on the way."""

    __test__ = False

    community_id: str
    timezone: str = Field(description="The community's time zone, whose midnights the steps include.")
    from_: datetime = Field(serialization_alias="from")
    now: datetime
    step_seconds: int
    steps: int
    ran: dict[str, dict[str, int]] = Field(description="Per due-work name, what it did (named counts).")
