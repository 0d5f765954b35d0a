"""GraphQL types of points, levels, ranks, rules and leaderboards, built from the gamification service's answers."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Annotated, cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from contracts.gamification.leaderboard import RankedRead
from contracts.gamification.ledger import EntryRead, PointSettingsRead
from contracts.gamification.rule import RuleRead
from gateway.schema.community.types import Level
from gateway.schema.context import Context
from gateway.schema.gamification.rules import PointRuleConditions, TierMultiplier, multipliers_of
from gateway.schema.rewards.types import BadgeAward
from gateway.schema.scalars import Int64


@strawberry.enum(
    description="The span a leaderboard sums earned points over, its periods turning in the community's time zone."
)
class LeaderboardWindow(Enum):
    _value_: str  # what each enum_value below holds, for type checkers
    DAY = strawberry.enum_value("day", description="One local day, from midnight; its period reads e.g. 2026-03-02.")
    WEEK = strawberry.enum_value("week", description="One ISO week, from Monday; its period reads e.g. 2026-W10.")
    MONTH = strawberry.enum_value("month", description="One calendar month; its period reads e.g. 2026-03.")
    ALL = strawberry.enum_value("all", description="All time: lifetime points; its period reads all.")


@strawberry.type(description="A posting in the points ledger; never edited, corrected by another entry.")
class PointEntry:
    id: strawberry.ID
    member_id: strawberry.ID = strawberry.field(description="The member whose balance it changes.")
    kind: str = strawberry.field(
        description="`award` (by a point rule), `grant` (by hand), `bonus` (a surprise draw won or a probe "
        "claimed), `correction` (offsets an earlier entry), `spend` (a redemption or a manual spend), `refund` "
        "(a cancelled redemption's points back) or `decay` (an inactive balance shrinking). Award, grant, bonus "
        "and correction count toward lifetime points, levels and leaderboards; the others only move the balance."
    )
    points: Int64 = strawberry.field(
        description="Signed: positive adds to the balance, negative takes from it (spend, decay, most corrections)."
    )
    reason: str = strawberry.field(
        description="Why, as given by the operator or written by the service (e.g. `redeemed Mug`)."
    )
    rule_version_id: strawberry.ID | None = strawberry.field(
        description="The point rule version (`PointRule.id`) that awarded it; null for entries of other kinds."
    )
    corrects_entry_id: strawberry.ID | None = strawberry.field(
        description="The entry this correction offsets or this refund gives back; null otherwise."
    )
    occurred_at: datetime = strawberry.field(
        description="When what it is for happened; leaderboard periods and daily caps count by this instant."
    )

    @classmethod
    def from_dto(cls, dto: EntryRead) -> PointEntry:
        return cls(
            id=strawberry.ID(dto.id),
            member_id=strawberry.ID(dto.member_id),
            kind=dto.kind,
            points=dto.points,
            reason=dto.reason,
            rule_version_id=strawberry.ID(dto.rule_version_id) if dto.rule_version_id else None,
            corrects_entry_id=strawberry.ID(dto.corrects_entry_id) if dto.corrects_entry_id else None,
            occurred_at=dto.occurred_at,
        )


@strawberry.type(description="A member's place on one window's leaderboard, in the window's current period.")
class Rank:
    window: LeaderboardWindow = strawberry.field(description="The leaderboard this place is on.")
    rank: int = strawberry.field(
        description="1 for the most points; equal scores take consecutive ranks, not a shared one."
    )
    score: Int64 = strawberry.field(description="Points earned in the current period (lifetime points for ALL).")


@strawberry.type(description="One line of a leaderboard: a member, their place and their points in the period.")
class RankedMember:
    member_id: strawberry.ID = strawberry.field(description="The member ranked.")
    rank: int = strawberry.field(
        description="1 for the most points; equal scores take consecutive ranks, not a shared one."
    )
    score: Int64 = strawberry.field(description="Points earned in the period (lifetime points for ALL).")

    @classmethod
    def from_dto(cls, dto: RankedRead) -> RankedMember:
        return cls(member_id=strawberry.ID(dto.member_id), rank=dto.rank, score=dto.score)


@strawberry.type(
    description="The members who earned most points (awards, grants, bonuses and corrections; spending does not "
    "lower a score) in one window's current period."
)
class Leaderboard:
    window: LeaderboardWindow = strawberry.field(description="The window asked for.")
    period: str = strawberry.field(
        description="The current period of the window, in the community's time zone: e.g. 2026-03-02 (DAY), "
        "2026-W10 (WEEK, ISO week), 2026-03 (MONTH) or all (ALL)."
    )
    top: list[RankedMember] = strawberry.field(description="The first `limit` members, highest score first.")
    me: RankedMember | None = strawberry.field(
        description="The place of the `memberId` asked about; null when none was given or they have no points in "
        "the period."
    )
    around: list[RankedMember] = strawberry.field(
        description="`radius` places above and below `memberId`, them included, in rank order; empty when radius "
        "is 0 or `me` is null."
    )


@strawberry.type(description="A point rule's current version; changing a rule adds a version.")
class PointRule:
    id: strawberry.ID = strawberry.field(description="This version's id; ledger entries reference it.")
    rule_id: strawberry.ID = strawberry.field(description="The rule, the same across its versions.")
    version: int = strawberry.field(description="1 for the rule as created, one more per change.")
    name: str = strawberry.field(description="What operators call the rule: 1 to 100 characters.")
    event: str = strawberry.field(description="The occurrence the rule answers (see CreatePointRuleInput.event).")
    points: Int64 = strawberry.field(description="Points per occurrence, before a tier multiplier.")
    daily_cap: Int64 | None = strawberry.field(description="Most points per member per local day; null: no cap.")
    cooldown_seconds: int = strawberry.field(description="Seconds between a member's awards by it; 0: none.")
    applies_when: PointRuleConditions = strawberry.field(
        description="When it awards, in the names PointRuleConditionsInput takes; all null when it always does."
    )
    multipliers: list[TierMultiplier] = strawberry.field(
        description="Factors per tier, as tierMultipliers wrote them; empty when every member gets the points."
    )
    conditions: JSON = strawberry.field(
        description='The conditions given, as the service keeps them: snake_case keys (`{"min_amount": 10000, '
        '"currency": "CNY"}`); `{}` when there are none.',
        deprecation_reason="Use appliesWhen, in this schema's names; removed in 0.3.0.",
    )
    tier_multipliers: JSON = strawberry.field(
        description='Factor per tier id (`{"tier_…": 1.5}`); `{}` when there are none.',
        deprecation_reason="Use multipliers, a list in this schema's names; removed in 0.3.0.",
    )
    enabled: bool = strawberry.field(description="Whether it awards.")

    @classmethod
    def from_dto(cls, dto: RuleRead) -> PointRule:
        return cls(
            id=strawberry.ID(dto.id),
            rule_id=strawberry.ID(dto.rule_id),
            version=dto.version,
            name=dto.name,
            event=dto.event,
            points=dto.points,
            daily_cap=dto.daily_cap,
            cooldown_seconds=dto.cooldown_seconds,
            applies_when=PointRuleConditions.from_wire(dto.conditions),
            multipliers=multipliers_of(dto.tier_multipliers),
            conditions=cast(JSON, dto.conditions),
            tier_multipliers=cast(JSON, dto.tier_multipliers),
            enabled=dto.enabled,
        )


@strawberry.type(description="A community's gamification settings: its time zone and decay of inactive balances.")
class GamificationSettings:
    community_id: strawberry.ID = strawberry.field(description="The community these settings are of.")
    timezone: str = strawberry.field(
        description="IANA time zone (e.g. Asia/Shanghai): where days, daily caps and leaderboard periods turn."
    )
    decay_after_days: int | None = strawberry.field(description="Days without activity before decay; null: off.")
    decay_percent: int | None = strawberry.field(description="Share of the balance taken per day; null: off.")
    decayed_on: date | None = strawberry.field(description="The community-local day decay last ran for.")

    @classmethod
    def from_dto(cls, community_id: str, dto: PointSettingsRead) -> GamificationSettings:
        return cls(
            community_id=strawberry.ID(community_id),
            timezone=dto.timezone,
            decay_after_days=dto.decay_after_days,
            decay_percent=dto.decay_percent,
            decayed_on=dto.decayed_on,
        )


@strawberry.type(description="A member's points, level, progress, ranks and recent ledger entries.")
class MemberGamification:
    community_id: strawberry.ID = strawberry.field(description="The community the points are counted in.")
    member_id: strawberry.ID = strawberry.field(description="The member whose points these are.")

    async def _balance(self, info: Info[Context, None]) -> tuple[int, int]:
        dto = await info.context.loaders.member_points.load((str(self.community_id), str(self.member_id)))
        return dto.balance, dto.lifetime

    @strawberry.field(description="Points that can be spent.")
    async def points(self, info: Info[Context, None]) -> Int64:
        return (await self._balance(info))[0]

    @strawberry.field(description="Points ever earned (levels and the all-time board count these).")
    async def lifetime_points(self, info: Info[Context, None]) -> Int64:
        return (await self._balance(info))[1]

    async def _levels(self, info: Info[Context, None]) -> tuple[Level | None, Level | None, float]:
        lifetime = (await self._balance(info))[1]
        levels = sorted(await info.context.loaders.levels.load(str(self.community_id)), key=lambda lvl: lvl.rank)
        reached = [lvl for lvl in levels if lifetime >= lvl.threshold]
        if not reached:
            return None, None, 0.0
        current = reached[-1]
        following = next((lvl for lvl in levels if lvl.rank == current.rank + 1), None)
        if following is None:
            return Level.from_dto(current), None, 1.0
        progress = (lifetime - current.threshold) / (following.threshold - current.threshold)
        return Level.from_dto(current), Level.from_dto(following), round(progress, 4)

    @strawberry.field(
        description="The highest level whose threshold the lifetime points reach; null below the first level or "
        "when the community has no level scheme."
    )
    async def level(self, info: Info[Context, None]) -> Level | None:
        return (await self._levels(info))[0]

    @strawberry.field(description="The level after the current one; null at the top level or without a current one.")
    async def next_level(self, info: Info[Context, None]) -> Level | None:
        return (await self._levels(info))[1]

    @strawberry.field(description="From the current level's threshold (0) to the next one's (1).")
    async def progress_to_next_level(self, info: Info[Context, None]) -> float:
        return (await self._levels(info))[2]

    @strawberry.field(description="Rank in each window's current period where the member has points.")
    async def ranks(self, info: Info[Context, None]) -> list[Rank]:
        found = await info.context.loaders.member_ranks.load((str(self.community_id), str(self.member_id)))
        return [
            Rank(window=LeaderboardWindow(window), rank=ranked.rank, score=ranked.score)
            for window, ranked in found.items()
        ]

    @strawberry.field(description="Badges the member holds, batched per community.")
    async def badges(self, info: Info[Context, None]) -> list[BadgeAward]:
        awards = await info.context.loaders.member_badges.load((str(self.community_id), str(self.member_id)))
        return [BadgeAward.from_dto(award) for award in awards]

    @strawberry.field(description="The member's latest ledger entries, newest first.")
    async def recent_entries(
        self,
        info: Info[Context, None],
        limit: Annotated[int, strawberry.argument(description="How many entries, 1 to 200.")] = 10,
    ) -> list[PointEntry]:
        page = await info.context.gamification.entries(str(self.community_id), str(self.member_id), limit=limit)
        return [PointEntry.from_dto(entry) for entry in page.items]
