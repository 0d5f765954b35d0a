"""Lurker purges: the criteria, the preview of who would go and why, runs and their members, exemptions and the way
back in."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class PurgeCriteria(BaseModel):
    """Overrides of the community's purge settings for one preview or run; unset fields use the settings."""

    model_config = ConfigDict(extra="forbid")

    inactive_days: int | None = Field(default=None, ge=1, le=365)
    missed_assignments: int | None = Field(default=None, ge=0, le=1000, description="0 turns the criterion off")
    grace_days: int | None = Field(default=None, ge=0, le=30)
    return_days: int | None = Field(default=None, ge=0, le=365)
    warning_text: str | None = Field(default=None, min_length=1, max_length=1000)

    def overrides(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class PurgeStart(PurgeCriteria):
    member_ids: list[str] | None = Field(
        default=None, min_length=1, max_length=5000, description="purge only these of the listed members"
    )
    note: str | None = Field(default=None, max_length=500)
    acting_member_id: str | None = None

    def overrides(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True, exclude={"member_ids", "note", "acting_member_id"})


class PurgeCancel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(default=None, max_length=500)
    acting_member_id: str | None = None


class PurgeReturn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    member_id: str


class PurgeExemptionWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    exempt: bool = Field(default=True, description="false puts the member back on purge lists")
    reason: str | None = Field(default=None, max_length=500)
    acting_member_id: str | None = None


class PurgeExemptionRead(BaseModel):
    member_id: str
    exempt: bool
    actor: str | None = None
    reason: str | None = None
    at: datetime | None = None


class ReasonRead(BaseModel):
    code: str
    detail: str


class PurgeRulesRead(BaseModel):
    inactive_days: int
    missed_assignments: int | None
    grace_days: int
    return_days: int
    warning_text: str


class CandidateRead(BaseModel):
    member_id: str
    display_name: str
    status: str
    role: str
    joined_at: datetime | None
    reasons: list[ReasonRead]
    exclusions: list[str]


class PurgePreviewRead(BaseModel):
    rules: PurgeRulesRead
    candidates: list[CandidateRead]
    excluded: list[CandidateRead] = Field(description="members the criteria match but an exclusion keeps off the list")


class PurgeRunMemberRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    member_id: str
    state: str
    reasons: list[ReasonRead]
    warnings_sent: int
    previous_status: str | None
    previous_tier_id: str | None
    note: str | None
    resolved_at: datetime | None
    return_until: datetime | None


class PurgeRunSummaryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    status: str
    rules: PurgeRulesRead
    started_by: str
    note: str | None
    started_at: datetime
    remove_after: datetime
    warnings_sent: int
    finished_at: datetime | None
    cancelled_by: str | None
    cancel_reason: str | None


class PurgeRunRead(PurgeRunSummaryRead):
    members: list[PurgeRunMemberRead]
