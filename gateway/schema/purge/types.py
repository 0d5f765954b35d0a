"""GraphQL types of lurker purges, built from the membership service's answers."""

from __future__ import annotations

from datetime import datetime

import strawberry

from contracts.membership.purge import (
    CandidateRead,
    PurgeExemptionRead,
    PurgePreviewRead,
    PurgeRulesRead,
    PurgeRunMemberRead,
    PurgeRunRead,
    PurgeRunSummaryRead,
    ReasonRead,
)


@strawberry.type(description="Why a member is listed: `inactive` or `missed_assignments`, with a readable detail.")
class PurgeReason:
    code: str
    detail: str

    @classmethod
    def from_dto(cls, dto: ReasonRead) -> PurgeReason:
        return cls(code=dto.code, detail=dto.detail)


@strawberry.type(description="The criteria a preview or run used.")
class PurgeRules:
    inactive_days: int
    missed_assignments: int | None
    grace_days: int
    return_days: int
    warning_text: str

    @classmethod
    def from_dto(cls, dto: PurgeRulesRead) -> PurgeRules:
        return cls(
            inactive_days=dto.inactive_days,
            missed_assignments=dto.missed_assignments,
            grace_days=dto.grace_days,
            return_days=dto.return_days,
            warning_text=dto.warning_text,
        )


@strawberry.type
class PurgeCandidate:
    member_id: strawberry.ID
    display_name: str
    status: str
    role: str
    joined_at: datetime | None
    reasons: list[PurgeReason]
    exclusions: list[str] = strawberry.field(
        description="Why the member is kept off the list: staff, standing_locked, exempt, new_on_probation."
    )

    @classmethod
    def from_dto(cls, dto: CandidateRead) -> PurgeCandidate:
        return cls(
            member_id=strawberry.ID(dto.member_id),
            display_name=dto.display_name,
            status=dto.status,
            role=dto.role,
            joined_at=dto.joined_at,
            reasons=[PurgeReason.from_dto(r) for r in dto.reasons],
            exclusions=dto.exclusions,
        )


@strawberry.type
class PurgePreview:
    rules: PurgeRules
    candidates: list[PurgeCandidate]
    excluded: list[PurgeCandidate]

    @classmethod
    def from_dto(cls, dto: PurgePreviewRead) -> PurgePreview:
        return cls(
            rules=PurgeRules.from_dto(dto.rules),
            candidates=[PurgeCandidate.from_dto(c) for c in dto.candidates],
            excluded=[PurgeCandidate.from_dto(c) for c in dto.excluded],
        )


@strawberry.type(description="A member a run listed: warned, spared, skipped, removed, returned or cancelled.")
class PurgeRunMember:
    member_id: strawberry.ID
    state: str
    reasons: list[PurgeReason]
    warnings_sent: int
    previous_status: str | None
    previous_tier_id: strawberry.ID | None
    note: str | None
    resolved_at: datetime | None
    return_until: datetime | None

    @classmethod
    def from_dto(cls, dto: PurgeRunMemberRead) -> PurgeRunMember:
        return cls(
            member_id=strawberry.ID(dto.member_id),
            state=dto.state,
            reasons=[PurgeReason.from_dto(r) for r in dto.reasons],
            warnings_sent=dto.warnings_sent,
            previous_status=dto.previous_status,
            previous_tier_id=strawberry.ID(dto.previous_tier_id) if dto.previous_tier_id else None,
            note=dto.note,
            resolved_at=dto.resolved_at,
            return_until=dto.return_until,
        )


@strawberry.type(
    description="One purge: who started it, its criteria, its grace period and what became of each member."
)
class PurgeRun:
    id: strawberry.ID
    status: str = strawberry.field(description="warning (grace period running), completed or cancelled.")
    rules: PurgeRules
    started_by: str
    note: str | None
    started_at: datetime
    remove_after: datetime
    warnings_sent: int
    finished_at: datetime | None
    cancelled_by: str | None
    cancel_reason: str | None
    members: list[PurgeRunMember] | None = strawberry.field(description="Null in lists; asked of one run.")

    @classmethod
    def from_dto(cls, dto: PurgeRunSummaryRead) -> PurgeRun:
        return cls(
            id=strawberry.ID(dto.id),
            status=dto.status,
            rules=PurgeRules.from_dto(dto.rules),
            started_by=dto.started_by,
            note=dto.note,
            started_at=dto.started_at,
            remove_after=dto.remove_after,
            warnings_sent=dto.warnings_sent,
            finished_at=dto.finished_at,
            cancelled_by=dto.cancelled_by,
            cancel_reason=dto.cancel_reason,
            # A run's members come only with one run (PurgeRunRead), never in a list (PurgeRunSummaryRead).
            members=[PurgeRunMember.from_dto(m) for m in dto.members] if isinstance(dto, PurgeRunRead) else None,
        )


@strawberry.type
class PurgeExemption:
    member_id: strawberry.ID
    exempt: bool
    actor: str | None
    reason: str | None
    at: datetime | None

    @classmethod
    def from_dto(cls, dto: PurgeExemptionRead) -> PurgeExemption:
        return cls(
            member_id=strawberry.ID(dto.member_id), exempt=dto.exempt, actor=dto.actor, reason=dto.reason, at=dto.at
        )
