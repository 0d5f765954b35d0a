"""Request and response bodies for lurker purges."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from services.membership.models.purge import PurgeExemption, PurgeRun, PurgeRunMember
from services.membership.usecases.purge import Candidate, Preview, RunView


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

    @classmethod
    def of(cls, member_id: str, row: PurgeExemption | None) -> PurgeExemptionRead:
        if row is None:
            return cls(member_id=member_id, exempt=False)
        return cls(member_id=member_id, exempt=True, actor=row.actor, reason=row.reason, at=row.at)


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

    @classmethod
    def of(cls, candidate: Candidate) -> CandidateRead:
        return cls(
            member_id=candidate.member.id,
            display_name=candidate.member.display_name,
            status=candidate.membership.status,
            role=candidate.membership.role,
            joined_at=candidate.membership.joined_at,
            reasons=[ReasonRead.model_validate(reason) for reason in candidate.reasons],
            exclusions=[exclusion.value for exclusion in candidate.assessment.exclusions],
        )


class PurgePreviewRead(BaseModel):
    rules: PurgeRulesRead
    candidates: list[CandidateRead]
    excluded: list[CandidateRead] = Field(description="members the criteria match but an exclusion keeps off the list")

    @classmethod
    def of(cls, preview: Preview) -> PurgePreviewRead:
        return cls(
            rules=PurgeRulesRead.model_validate(preview.rules.as_settings()),
            candidates=[CandidateRead.of(c) for c in preview.candidates],
            excluded=[CandidateRead.of(c) for c in preview.excluded],
        )


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

    @classmethod
    def of(cls, row: PurgeRunMember) -> PurgeRunMemberRead:
        return cls.model_validate(row)


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

    @classmethod
    def of(cls, run: PurgeRun) -> PurgeRunSummaryRead:
        return cls.model_validate(run)


class PurgeRunRead(PurgeRunSummaryRead):
    members: list[PurgeRunMemberRead]

    @classmethod
    def of_view(cls, view: RunView) -> PurgeRunRead:
        summary = PurgeRunSummaryRead.of(view.run)
        return cls(**summary.model_dump(), members=[PurgeRunMemberRead.of(row) for row in view.members])
