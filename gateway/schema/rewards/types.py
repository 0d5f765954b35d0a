"""GraphQL types of badges, rewards and redemptions, surprise rules and draws, attention probes."""

from __future__ import annotations

from datetime import date, datetime
from typing import cast

import strawberry
from strawberry.scalars import JSON

from contracts.gamification.badge import AwardRead, BadgeRead
from contracts.gamification.probe import ClaimRead, GroupReportRead, ProbeRead, ProbeReportRead
from contracts.gamification.reward import RedemptionRead, RewardRead
from contracts.gamification.surprise import DrawRead, SurpriseRuleRead
from gateway.schema.scalars import Int64


def _id(value: str | None) -> strawberry.ID | None:
    return strawberry.ID(value) if value is not None else None


@strawberry.type(description="A badge and its machine-checkable criteria.")
class Badge:
    id: strawberry.ID
    name: str
    description: str
    image_url: str | None
    criteria: JSON = strawberry.field(description='e.g. {"kind": "streak", "event": "checkin.recorded", "days": 7}')
    repeatable: bool
    enabled: bool

    @classmethod
    def from_dto(cls, dto: BadgeRead) -> Badge:
        return cls(
            id=strawberry.ID(dto.id),
            name=dto.name,
            description=dto.description,
            image_url=dto.image_url,
            criteria=cast(JSON, dto.criteria),
            repeatable=dto.repeatable,
            enabled=dto.enabled,
        )


@strawberry.type(description="A badge a member holds; a repeatable badge has one award per key.")
class BadgeAward:
    id: strawberry.ID
    badge_id: strawberry.ID
    member_id: strawberry.ID
    award_key: str
    source: str = strawberry.field(description="event, backfill or manual")
    reason: str | None
    awarded_at: datetime

    @classmethod
    def from_dto(cls, dto: AwardRead) -> BadgeAward:
        return cls(
            id=strawberry.ID(dto.id),
            badge_id=strawberry.ID(dto.badge_id),
            member_id=strawberry.ID(dto.member_id),
            award_key=dto.award_key,
            source=dto.source,
            reason=dto.reason,
            awarded_at=dto.awarded_at,
        )


@strawberry.type(description="A reward of the catalogue; `stock` null is unlimited.")
class Reward:
    id: strawberry.ID
    name: str
    description: str
    image_url: str | None
    cost: Int64
    stock: int | None
    per_member_limit: int | None
    available_from: datetime | None
    available_until: datetime | None
    active: bool

    @classmethod
    def from_dto(cls, dto: RewardRead) -> Reward:
        return cls(
            id=strawberry.ID(dto.id),
            name=dto.name,
            description=dto.description,
            image_url=dto.image_url,
            cost=dto.cost,
            stock=dto.stock,
            per_member_limit=dto.per_member_limit,
            available_from=dto.available_from,
            available_until=dto.available_until,
            active=dto.active,
        )


@strawberry.type(description="A redemption: requested, then fulfilled or cancelled (points refunded).")
class Redemption:
    id: strawberry.ID
    reward_id: strawberry.ID
    member_id: strawberry.ID
    cost: Int64
    status: str
    entry_id: strawberry.ID
    refund_entry_id: strawberry.ID | None
    note: str | None
    created_at: datetime

    @classmethod
    def from_dto(cls, dto: RedemptionRead) -> Redemption:
        return cls(
            id=strawberry.ID(dto.id),
            reward_id=strawberry.ID(dto.reward_id),
            member_id=strawberry.ID(dto.member_id),
            cost=dto.cost,
            status=dto.status,
            entry_id=strawberry.ID(dto.entry_id),
            refund_entry_id=_id(dto.refund_entry_id),
            note=dto.note,
            created_at=dto.created_at,
        )


@strawberry.type(description="A rule that grants a bonus with a probability on chosen events, within a daily budget.")
class SurpriseRule:
    id: strawberry.ID
    name: str
    events: list[str]
    probability: float
    bonus: Int64
    daily_budget: Int64
    enabled: bool

    @classmethod
    def from_dto(cls, dto: SurpriseRuleRead) -> SurpriseRule:
        return cls(
            id=strawberry.ID(dto.id),
            name=dto.name,
            events=dto.events,
            probability=dto.probability,
            bonus=dto.bonus,
            daily_budget=dto.daily_budget,
            enabled=dto.enabled,
        )


@strawberry.type(description="One recorded draw: value = HMAC-SHA256(rule secret, seed) as a fraction in [0, 1).")
class SurpriseDraw:
    id: strawberry.ID
    rule_id: strawberry.ID
    event_id: strawberry.ID
    member_id: strawberry.ID
    day: date
    seed: str
    digest: str
    value: float
    threshold: float
    bonus: Int64
    budget_left: Int64
    outcome: str = strawberry.field(description="won, lost or budget_exhausted")
    entry_id: strawberry.ID | None
    drawn_at: datetime

    @classmethod
    def from_dto(cls, dto: DrawRead) -> SurpriseDraw:
        return cls(
            id=strawberry.ID(dto.id),
            rule_id=strawberry.ID(dto.rule_id),
            event_id=strawberry.ID(dto.event_id),
            member_id=strawberry.ID(dto.member_id),
            day=dto.day,
            seed=dto.seed,
            digest=dto.digest,
            value=dto.value,
            threshold=dto.threshold,
            bonus=dto.bonus,
            budget_left=dto.budget_left,
            outcome=dto.outcome,
            entry_id=_id(dto.entry_id),
            drawn_at=dto.drawn_at,
        )


@strawberry.type
class ProbeGroup:
    group_id: strawberry.ID
    members_present: int | None


@strawberry.type(description="An attention probe (red-envelope test) dropped into groups.")
class Probe:
    id: strawberry.ID
    keyword: str
    message: str
    points_per_claim: Int64 | None
    max_claims: int
    claims: int
    status: str
    dropped_at: datetime
    expires_at: datetime
    groups: list[ProbeGroup]

    @classmethod
    def from_dto(cls, dto: ProbeRead) -> Probe:
        return cls(
            id=strawberry.ID(dto.id),
            keyword=dto.keyword,
            message=dto.message,
            points_per_claim=dto.points_per_claim,
            max_claims=dto.max_claims,
            claims=dto.claims,
            status=dto.status,
            dropped_at=dto.dropped_at,
            expires_at=dto.expires_at,
            groups=[
                ProbeGroup(group_id=strawberry.ID(g.group_id), members_present=g.members_present) for g in dto.groups
            ],
        )


@strawberry.type
class ProbeClaim:
    id: strawberry.ID
    probe_id: strawberry.ID
    member_id: strawberry.ID
    group_id: strawberry.ID | None
    via: str = strawberry.field(description="chat or api")
    latency_ms: int
    claimed_at: datetime

    @classmethod
    def from_dto(cls, dto: ClaimRead) -> ProbeClaim:
        return cls(
            id=strawberry.ID(dto.id),
            probe_id=strawberry.ID(dto.probe_id),
            member_id=strawberry.ID(dto.member_id),
            group_id=_id(dto.group_id),
            via=dto.via,
            latency_ms=dto.latency_ms,
            claimed_at=dto.claimed_at,
        )


@strawberry.type(description="Claims of one group: ratio to the members present (when known) and latency.")
class ProbeGroupReport:
    group_id: strawberry.ID
    members_present: int | None
    claims: int
    claim_ratio: float | None
    latency_p50_ms: int | None
    latency_p90_ms: int | None
    latency_max_ms: int | None

    @classmethod
    def from_dto(cls, dto: GroupReportRead) -> ProbeGroupReport:
        return cls(
            group_id=strawberry.ID(dto.group_id),
            members_present=dto.members_present,
            claims=dto.claims,
            claim_ratio=dto.claim_ratio,
            latency_p50_ms=dto.latency_p50_ms,
            latency_p90_ms=dto.latency_p90_ms,
            latency_max_ms=dto.latency_max_ms,
        )


@strawberry.type
class ProbeReport:
    probe: Probe
    claims: int
    unattributed_claims: int
    groups: list[ProbeGroupReport]
    claim_list: list[ProbeClaim]

    @classmethod
    def from_dto(cls, dto: ProbeReportRead) -> ProbeReport:
        return cls(
            probe=Probe.from_dto(dto.probe),
            claims=dto.claims,
            unattributed_claims=dto.unattributed_claims,
            groups=[ProbeGroupReport.from_dto(g) for g in dto.groups],
            claim_list=[ProbeClaim.from_dto(c) for c in dto.claim_list],
        )
