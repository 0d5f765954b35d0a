"""GraphQL types of points, levels, ranks, rules and leaderboards, built from the gamification service's answers."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from contracts.gamification.leaderboard import RankedRead
from contracts.gamification.ledger import EntryRead, PointSettingsRead
from contracts.gamification.rule import RuleRead
from gateway.schema.community.types import Level
from gateway.schema.context import Context
from gateway.schema.rewards.types import BadgeAward
from gateway.schema.scalars import Int64


@strawberry.enum
class LeaderboardWindow(Enum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    ALL = "all"


@strawberry.type(description="A posting in the points ledger; never edited, corrected by another entry.")
class PointEntry:
    id: strawberry.ID
    member_id: strawberry.ID
    kind: str
    points: Int64
    reason: str
    rule_version_id: strawberry.ID | None
    corrects_entry_id: strawberry.ID | None
    occurred_at: datetime

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


@strawberry.type
class Rank:
    window: LeaderboardWindow
    rank: int
    score: Int64


@strawberry.type
class RankedMember:
    member_id: strawberry.ID
    rank: int
    score: Int64

    @classmethod
    def from_dto(cls, dto: RankedRead) -> RankedMember:
        return cls(member_id=strawberry.ID(dto.member_id), rank=dto.rank, score=dto.score)


@strawberry.type
class Leaderboard:
    window: LeaderboardWindow
    period: str
    top: list[RankedMember]
    me: RankedMember | None
    around: list[RankedMember]


@strawberry.type(description="A point rule's current version; changing a rule adds a version.")
class PointRule:
    id: strawberry.ID = strawberry.field(description="This version's id; ledger entries reference it.")
    rule_id: strawberry.ID = strawberry.field(description="The rule, the same across its versions.")
    version: int = strawberry.field(description="1 for the rule as created, one more per change.")
    name: str
    event: str = strawberry.field(description="The occurrence the rule answers (see CreatePointRuleInput.event).")
    points: Int64 = strawberry.field(description="Points per occurrence, before a tier multiplier.")
    daily_cap: Int64 | None = strawberry.field(description="Most points per member per local day; null: no cap.")
    cooldown_seconds: int = strawberry.field(description="Seconds between a member's awards by it; 0: none.")
    conditions: JSON = strawberry.field(
        description='The conditions given, as the service keeps them: snake_case keys (`{"min_amount": 10000, '
        '"currency": "CNY"}`; see PointRuleConditionsInput for each); `{}` when there are none.'
    )
    tier_multipliers: JSON = strawberry.field(
        description='Factor per tier id (`{"tier_…": 1.5}`), as given in tierMultipliers; `{}` when there are none.'
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
            conditions=cast(JSON, dto.conditions),
            tier_multipliers=cast(JSON, dto.tier_multipliers),
            enabled=dto.enabled,
        )


@strawberry.type(description="A community's gamification settings: its time zone and decay of inactive balances.")
class GamificationSettings:
    community_id: strawberry.ID
    timezone: str
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
    community_id: strawberry.ID
    member_id: strawberry.ID

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

    @strawberry.field
    async def level(self, info: Info[Context, None]) -> Level | None:
        return (await self._levels(info))[0]

    @strawberry.field
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

    @strawberry.field
    async def recent_entries(self, info: Info[Context, None], limit: int = 10) -> list[PointEntry]:
        page = await info.context.gamification.entries(str(self.community_id), str(self.member_id), limit=limit)
        return [PointEntry.from_dto(entry) for entry in page.items]
