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
    code: str = strawberry.field(description="inactive or missed_assignments.")
    detail: str = strawberry.field(description="The reason in words, e.g. how long they have been silent.")

    @classmethod
    def from_dto(cls, dto: ReasonRead) -> PurgeReason:
        return cls(code=dto.code, detail=dto.detail)


@strawberry.type(description="The criteria a preview or run used.")
class PurgeRules:
    inactive_days: int = strawberry.field(
        description="Members silent this many days (no message, reaction, check-in or other participation) are listed."
    )
    missed_assignments: int | None = strawberry.field(
        description="Members who missed this many assignments due in that window are listed; null: not a criterion."
    )
    grace_days: int = strawberry.field(description="Days between the warning and the removals (0 to 30).")
    return_days: int = strawberry.field(
        description="Days a removed member may come back without passing the gate again (0 to 365)."
    )
    warning_text: str = strawberry.field(
        description="The warning posted in the groups; {mentions} and {grace_days} are filled in."
    )

    @classmethod
    def from_dto(cls, dto: PurgeRulesRead) -> PurgeRules:
        return cls(
            inactive_days=dto.inactive_days,
            missed_assignments=dto.missed_assignments,
            grace_days=dto.grace_days,
            return_days=dto.return_days,
            warning_text=dto.warning_text,
        )


@strawberry.type(description="A member the purge criteria match, with why (and, if kept off, what keeps them).")
class PurgeCandidate:
    member_id: strawberry.ID
    display_name: str = strawberry.field(description="The member's display name.")
    status: str = strawberry.field(description="Their membership status, e.g. active or probation.")
    role: str = strawberry.field(description="Their role: owner, admin, moderator or member.")
    joined_at: datetime | None = strawberry.field(description="When they last came inside.")
    reasons: list[PurgeReason] = strawberry.field(description="Why the criteria match them.")
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


@strawberry.type(description="Who a purge now would list; nothing is sent or changed.")
class PurgePreview:
    rules: PurgeRules = strawberry.field(description="The criteria used: the community's settings and any overrides.")
    candidates: list[PurgeCandidate] = strawberry.field(description="Who a purge would warn and then remove.")
    excluded: list[PurgeCandidate] = strawberry.field(
        description="Members the criteria match but an exclusion keeps off the list."
    )

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
    state: str = strawberry.field(
        description="warned (grace running), spared (active again), skipped (no longer listed at the end), removed, "
        "returned (came back in) or cancelled (the run was)."
    )
    reasons: list[PurgeReason] = strawberry.field(description="Why they were listed.")
    warnings_sent: int = strawberry.field(description="How many warnings went to groups they are in.")
    previous_status: str | None = strawberry.field(
        description="Their status before removal, restored if they return; null until removed."
    )
    previous_tier_id: strawberry.ID | None = strawberry.field(
        description="Their tier before removal, restored if they return; null if none."
    )
    note: str | None = strawberry.field(description="What happened, in words, e.g. why they were skipped.")
    resolved_at: datetime | None = strawberry.field(
        description="When their outcome was settled (for a removal, when removed); null while warned."
    )
    return_until: datetime | None = strawberry.field(
        description="Until when a removed member may come back without the gate; null unless removed."
    )

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
    rules: PurgeRules = strawberry.field(description="The criteria the run used.")
    started_by: str = strawberry.field(description="Who started it: member:<id> or key:<id>.")
    note: str | None = strawberry.field(description="The note given when starting it.")
    started_at: datetime = strawberry.field(description="When it started and the warnings went out.")
    remove_after: datetime = strawberry.field(description="When the grace period ends and removals happen.")
    warnings_sent: int = strawberry.field(description="How many warning messages went out, all groups together.")
    finished_at: datetime | None = strawberry.field(
        description="When it completed or was cancelled; null while running."
    )
    cancelled_by: str | None = strawberry.field(description="Who cancelled it; null unless cancelled.")
    cancel_reason: str | None = strawberry.field(description="Why it was cancelled, as given.")
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


@strawberry.type(description="Whether a member is kept off every purge list, and who decided so.")
class PurgeExemption:
    member_id: strawberry.ID
    exempt: bool = strawberry.field(description="True: never listed by a purge.")
    actor: str | None = strawberry.field(description="Who set it (member:<id> or key:<id>); null if never set.")
    reason: str | None = strawberry.field(description="Why, as given.")
    at: datetime | None = strawberry.field(description="When it was set; null if never.")

    @classmethod
    def from_dto(cls, dto: PurgeExemptionRead) -> PurgeExemption:
        return cls(
            member_id=strawberry.ID(dto.member_id), exempt=dto.exempt, actor=dto.actor, reason=dto.reason, at=dto.at
        )
