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
from gateway.schema.rewards.criteria import BadgeCriteria
from gateway.schema.scalars import Int64


def _id(value: str | None) -> strawberry.ID | None:
    return strawberry.ID(value) if value is not None else None


@strawberry.type(description="A badge and its machine-checkable criteria.")
class Badge:
    id: strawberry.ID
    name: str = strawberry.field(description="Shown to members: 1 to 100 characters.")
    description: str = strawberry.field(description="Text for members, up to 1000 characters; empty when none.")
    image_url: str | None = strawberry.field(description="The badge's picture, a URL; null: none.")
    earned_by: BadgeCriteria = strawberry.field(description="What earns it, in the names BadgeCriteriaInput takes.")
    criteria: JSON = strawberry.field(
        description="What earns it, as the service keeps it in snake_case: e.g. "
        '`{"kind": "streak", "event": "checkin.recorded", "days": 7}` or `{"kind": "manual"}`.',
        deprecation_reason="Use earnedBy, in this schema's names; removed in 0.3.0.",
    )
    repeatable: bool = strawberry.field(
        description="false: a member holds it once; true: earned again per threshold multiple, window, streak "
        "stretch or challenge, one award per `awardKey`."
    )
    enabled: bool = strawberry.field(description="Whether events earn it; `awardBadge` can award it either way.")

    @classmethod
    def from_dto(cls, dto: BadgeRead) -> Badge:
        return cls(
            id=strawberry.ID(dto.id),
            name=dto.name,
            description=dto.description,
            image_url=dto.image_url,
            earned_by=BadgeCriteria.from_wire(dto.criteria),
            criteria=cast(JSON, dto.criteria),
            repeatable=dto.repeatable,
            enabled=dto.enabled,
        )


@strawberry.type(description="A badge a member holds; a repeatable badge has one award per key.")
class BadgeAward:
    id: strawberry.ID
    badge_id: strawberry.ID = strawberry.field(description="The badge held.")
    member_id: strawberry.ID = strawberry.field(description="The member who holds it.")
    award_key: str = strawberry.field(
        description="What this award is for, unique per badge and member: `once` for a badge that is not "
        "repeatable; for a repeatable one e.g. `count:200`, `points:1000`, `window:<n>`, `streak:<first day>:<k>`, "
        "`challenge:<id>` or `manual:<key>`."
    )
    source: str = strawberry.field(
        description="`event` (earned on an event), `backfill` (found when criteria were re-checked over past "
        "activity) or `manual` (by `awardBadge`)."
    )
    reason: str | None = strawberry.field(description="As given to `awardBadge`; null for earned awards.")
    awarded_at: datetime = strawberry.field(description="When the member received it.")

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
    name: str = strawberry.field(description="Shown to members: 1 to 100 characters.")
    description: str = strawberry.field(description="Text for members, up to 1000 characters; empty when none.")
    image_url: str | None = strawberry.field(description="The reward's picture, a URL; null: none.")
    cost: Int64 = strawberry.field(description="Points one redemption takes from the member's balance, at least 1.")
    stock: int | None = strawberry.field(
        description="Units left to give out: a redemption takes one, a cancellation puts it back; null: unlimited."
    )
    per_member_limit: int | None = strawberry.field(
        description="Most redemptions one member may hold (cancelled ones do not count); null: no limit."
    )
    available_from: datetime | None = strawberry.field(description="Redeemable from this instant; null: no start.")
    available_until: datetime | None = strawberry.field(
        description="Redeemable until this instant (excluded); null: no end."
    )
    active: bool = strawberry.field(description="false: withdrawn, it cannot be redeemed.")

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
    reward_id: strawberry.ID = strawberry.field(description="The reward redeemed.")
    member_id: strawberry.ID = strawberry.field(description="The member who redeemed; their points paid.")
    cost: Int64 = strawberry.field(description="Points paid: the reward's cost at the time.")
    status: str = strawberry.field(
        description="`requested` (paid, waiting to be handed over), then `fulfilled` or `cancelled` (refunded); "
        "both are final."
    )
    entry_id: strawberry.ID = strawberry.field(description="The `spend` ledger entry that paid for it.")
    refund_entry_id: strawberry.ID | None = strawberry.field(
        description="The `refund` ledger entry of a cancellation; null unless cancelled."
    )
    note: str | None = strawberry.field(
        description="As given when it was fulfilled or cancelled (up to 500 characters); null: none."
    )
    created_at: datetime = strawberry.field(description="When it was redeemed.")

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
    name: str = strawberry.field(description="What operators call the rule: 1 to 100 characters.")
    events: list[str] = strawberry.field(
        description="The events that draw, as a point rule's `event` (not `manual`), e.g. member.activity.message."
    )
    probability: float = strawberry.field(description="Chance of a bonus per event: above 0, at most 1.")
    bonus: Int64 = strawberry.field(description="Points one win posts, as a `bonus` ledger entry.")
    daily_budget: Int64 = strawberry.field(
        description="Most points the rule gives away per community-local day; a win past it is `budget_exhausted`."
    )
    enabled: bool = strawberry.field(description="Whether events draw by it.")

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


@strawberry.type(
    description="One recorded draw of a surprise rule for a member's event, verifiable afterwards: `digest` is "
    "HMAC-SHA256 of `seed` under the rule's secret, `value` its first 52 bits as a fraction in [0, 1), and the "
    "draw won when value < threshold and the day's budget had room. The same event always draws the same value; "
    "`verifySurpriseDraw` re-derives it."
)
class SurpriseDraw:
    id: strawberry.ID
    rule_id: strawberry.ID = strawberry.field(description="The surprise rule that drew.")
    event_id: strawberry.ID = strawberry.field(
        description="The event that drew, by its event id; a redelivered event draws nothing new."
    )
    member_id: strawberry.ID = strawberry.field(description="The member whose event drew, who gets any bonus.")
    day: date = strawberry.field(description="The community-local day whose budget the draw counts against.")
    seed: str = strawberry.field(description="The message the HMAC signs: `<eventId>:<memberId>`.")
    digest: str = strawberry.field(description="HMAC-SHA256(rule secret, seed), 64 hexadecimal characters.")
    value: float = strawberry.field(description="The digest's first 52 bits as a fraction in [0, 1).")
    threshold: float = strawberry.field(description="The rule's probability at the draw: a value below it wins.")
    bonus: Int64 = strawberry.field(description="Points a win posts: the rule's bonus at the draw.")
    budget_left: Int64 = strawberry.field(description="Points left in the day's budget before this draw.")
    outcome: str = strawberry.field(
        description="`won` (bonus posted), `lost` (value not below threshold) or `budget_exhausted` (it would "
        "have won, but the day's budget had no room for the bonus)."
    )
    entry_id: strawberry.ID | None = strawberry.field(
        description="The `bonus` ledger entry of a win; null unless `won`."
    )
    drawn_at: datetime = strawberry.field(description="When the event that drew happened.")

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


@strawberry.type(description="A group a probe was dropped into.")
class ProbeGroup:
    group_id: strawberry.ID = strawberry.field(description="The group.")
    members_present: int | None = strawberry.field(
        description="Members present at the drop, as given or the group's member count then; null: unknown."
    )


@strawberry.type(
    description="An attention probe (a 红包 or red-envelope test): a message dropped into groups that members claim "
    "by replying with its keyword, showing who is present and how fast they react."
)
class Probe:
    id: strawberry.ID
    keyword: str = strawberry.field(description="A chat message containing it (case-insensitive) claims the probe.")
    message: str = strawberry.field(description="What the groups were sent.")
    points_per_claim: Int64 | None = strawberry.field(
        description="Points each claim earns, as a `bonus` ledger entry; null: claims earn no points."
    )
    max_claims: int = strawberry.field(description="How many members can claim it; one claim per member.")
    claims: int = strawberry.field(description="Claims taken so far.")
    status: str = strawberry.field(
        description="`open` or `closed` (by `closeProbe`); an open probe takes no claims after `expiresAt` or "
        "once `maxClaims` are taken."
    )
    dropped_at: datetime = strawberry.field(description="When it was dropped; claim latencies count from here.")
    expires_at: datetime = strawberry.field(description="When claims stop.")
    groups: list[ProbeGroup] = strawberry.field(description="The groups it was dropped into.")

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


@strawberry.type(description="A member's claim of a probe: the proof they were present, and how fast.")
class ProbeClaim:
    id: strawberry.ID
    probe_id: strawberry.ID = strawberry.field(description="The probe claimed.")
    member_id: strawberry.ID = strawberry.field(description="The member who claimed.")
    group_id: strawberry.ID | None = strawberry.field(
        description="The group it counts for; null: unattributed (an API claim naming no group, or a one-to-one "
        "message)."
    )
    via: str = strawberry.field(description="`chat` (a message with the keyword) or `api` (`claimProbe`).")
    latency_ms: int = strawberry.field(description="Milliseconds from the drop to the claim.")
    claimed_at: datetime = strawberry.field(description="When it was claimed.")

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
    group_id: strawberry.ID = strawberry.field(description="The group.")
    members_present: int | None = strawberry.field(description="Members present at the drop; null: unknown.")
    claims: int = strawberry.field(description="Claims counted for this group.")
    claim_ratio: float | None = strawberry.field(
        description="claims / membersPresent, to 4 decimals; null when members present is unknown or 0."
    )
    latency_p50_ms: int | None = strawberry.field(
        description="Median milliseconds from drop to claim (nearest rank); null without claims."
    )
    latency_p90_ms: int | None = strawberry.field(
        description="90th percentile milliseconds from drop to claim (nearest rank); null without claims."
    )
    latency_max_ms: int | None = strawberry.field(
        description="The slowest claim's milliseconds from the drop; null without claims."
    )

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


@strawberry.type(description="How a probe went: its claims in all, per group, and one by one.")
class ProbeReport:
    probe: Probe = strawberry.field(description="The probe reported on.")
    claims: int = strawberry.field(description="Claims in all, unattributed ones included.")
    unattributed_claims: int = strawberry.field(
        description="Claims counted for no group: API claims naming none, and one-to-one messages."
    )
    groups: list[ProbeGroupReport] = strawberry.field(description="One report per group the probe was dropped into.")
    claim_list: list[ProbeClaim] = strawberry.field(description="Every claim, earliest first.")

    @classmethod
    def from_dto(cls, dto: ProbeReportRead) -> ProbeReport:
        return cls(
            probe=Probe.from_dto(dto.probe),
            claims=dto.claims,
            unattributed_claims=dto.unattributed_claims,
            groups=[ProbeGroupReport.from_dto(g) for g in dto.groups],
            claim_list=[ProbeClaim.from_dto(c) for c in dto.claim_list],
        )
