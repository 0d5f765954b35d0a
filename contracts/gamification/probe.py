"""Request and response bodies for attention probes, claims and reports."""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from kit.pagination import PageOut
from kit.types import Int32, Int64


class ProbeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    group_ids: list[str] = Field(max_length=100)
    keyword: str = Field(max_length=100)
    message: str | None = Field(
        default=None, max_length=1000, description="what the groups see; a default names the keyword"
    )
    points_per_claim: Int64 | None = None
    max_claims: Int32
    expires_at: AwareDatetime
    members_present: dict[str, Int32] = Field(
        default_factory=dict, description="members present per group at the drop, when known (the claim ratio)"
    )


class ProbeGroupRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    group_id: str
    members_present: int | None


class ProbeRead(BaseModel):
    id: str
    keyword: str
    message: str
    points_per_claim: int | None
    max_claims: int
    claims: int
    status: str
    dropped_at: datetime
    expires_at: datetime
    groups: list[ProbeGroupRead]


class ClaimCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    member_id: str = Field(min_length=1, max_length=40)
    group_id: str | None = None


class ClaimRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    probe_id: str
    member_id: str
    group_id: str | None
    via: str
    latency_ms: int
    entry_id: str | None
    claimed_at: datetime


class GroupReportRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    group_id: str
    members_present: int | None
    claims: int
    claim_ratio: float | None
    latency_p50_ms: int | None
    latency_p90_ms: int | None
    latency_max_ms: int | None


class ProbeReportRead(BaseModel):
    probe: ProbeRead
    claims: int
    unattributed_claims: int
    groups: list[GroupReportRead]
    claim_list: list[ClaimRead]


ProbePage = PageOut[ProbeRead]
