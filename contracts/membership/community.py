"""Communities and their sandbox test clocks: a community's creation, reading and edits, and a clock's advance."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import AliasChoices, AwareDatetime, BaseModel, ConfigDict, Field


class CommunityCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    timezone: str
    mission: str | None = None
    rules: str | None = None
    sandbox: bool = False
    test_clock_start: AwareDatetime | None = None


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


class TestClockAdvance(BaseModel):
    """Exactly one of ``to`` (a time) and ``by`` (a duration such as ``21d``, ``36h``, ``1d12h``, ``90m``)."""

    model_config = ConfigDict(extra="forbid")
    __test__ = False  # not a pytest class, whatever its name

    to: AwareDatetime | None = None
    by: str | None = None
    step: str = Field(default="1h", description="Due work runs at least this often on the way (1m to 1d).")
    acting_member_id: str | None = None


class TestClockRead(BaseModel):
    __test__ = False

    community_id: str
    now: datetime


class TestClockAdvanced(BaseModel):
    """Where the clock went, and what the membership service's due work did on the way."""

    __test__ = False

    community_id: str
    timezone: str = Field(description="The community's time zone, whose midnights the steps include.")
    # "from" on the wire, both ways: the service writes it and the gateway reads it back.
    from_: datetime = Field(validation_alias=AliasChoices("from_", "from"), serialization_alias="from")
    now: datetime
    step_seconds: int
    steps: int
    ran: dict[str, dict[str, int]] = Field(description="Per due-work name, what it did (named counts).")
