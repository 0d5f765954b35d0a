"""GraphQL types of communities, built from the services' answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from contracts.content.welcome import WelcomeTemplateRead
from contracts.gamification.level import LevelRead
from contracts.membership.community import CommunityRead
from gateway.schema.clock.types import TestClock
from gateway.schema.context import Context
from gateway.schema.scalars import Int64
from gateway.schema.tier.types import Tier


@strawberry.type(description="A step of the community's level scheme, reached at a number of lifetime points.")
class Level:
    id: strawberry.ID
    rank: int = strawberry.field(description="Its place in the scheme, 1 for the lowest.")
    name: str = strawberry.field(description="What members see, e.g. Apprentice (1 to 60 characters).")
    threshold: Int64 = strawberry.field(description="The lifetime points at which a member reaches it.")
    chat_role: str | None = strawberry.field(description="The chat role members hold while on this level; null: none.")

    @classmethod
    def from_dto(cls, dto: LevelRead) -> Level:
        return cls(
            id=strawberry.ID(dto.id), rank=dto.rank, name=dto.name, threshold=dto.threshold, chat_role=dto.chat_role
        )


@strawberry.type(description="One group's own greeting or batch window; null fields come from the community's.")
class WelcomeGroupOverride:
    group_id: strawberry.ID = strawberry.field(description="The group this override applies to.")
    body: str | None = strawberry.field(description="This group's greeting; null: the community's.")
    batch_window_seconds: int | None = strawberry.field(
        description="This group's batch window in seconds; null: the community's."
    )


@strawberry.type(description="The greeting a group sees when people join; joins close together share one message.")
class WelcomeTemplate:
    id: strawberry.ID
    body: str = strawberry.field(
        description="The greeting, up to 2000 characters; placeholders {names} (who joined), {community}, {rules_link}."
    )
    batch_window_seconds: int = strawberry.field(
        description="Joins within this many seconds of each other share one greeting (0 to 3600)."
    )
    enabled: bool = strawberry.field(description="False: nobody is greeted on joining, in any group.")
    group_overrides: list[WelcomeGroupOverride] = strawberry.field(
        description="Groups with their own greeting or batch window."
    )

    @classmethod
    def from_dto(cls, dto: WelcomeTemplateRead) -> WelcomeTemplate:
        return cls(
            id=strawberry.ID(dto.id),
            body=dto.body,
            batch_window_seconds=dto.batch_window_seconds,
            enabled=dto.enabled,
            group_overrides=[
                WelcomeGroupOverride(
                    group_id=strawberry.ID(o.group_id), body=o.body, batch_window_seconds=o.batch_window_seconds
                )
                for o in dto.group_overrides
            ],
        )


@strawberry.type(description="A community: one mission, one rule book, many groups.")
class Community:
    id: strawberry.ID
    name: str = strawberry.field(description="The community's display name (1 to 100 characters).")
    timezone: str = strawberry.field(description="IANA time zone in which this community's days begin and end.")
    mission: str | None = strawberry.field(description="What the community is for, in its own words; null if unset.")
    rules: str | None = strawberry.field(description="The written rule book (up to 20000 characters); null if unset.")
    settings: JSON = strawberry.field(description="Operator settings; each top-level key belongs to one area.")
    created_at: datetime
    sandbox: bool = strawberry.field(
        default=False, description="A sandbox runs on its own test clock; chosen at creation, never changed."
    )
    test_clock: TestClock | None = strawberry.field(default=None, description="Null unless a sandbox.")

    @classmethod
    def from_dto(cls, dto: CommunityRead) -> Community:
        return cls(
            id=strawberry.ID(dto.id),
            name=dto.name,
            timezone=dto.timezone,
            mission=dto.mission,
            rules=dto.rules,
            settings=cast(Any, dto.settings),
            created_at=dto.created_at,
            sandbox=dto.sandbox,
            test_clock=TestClock(now=dto.test_clock_now) if dto.test_clock_now is not None else None,
        )

    @strawberry.field(description="The level scheme, lowest first.")
    async def levels(self, info: Info[Context, None]) -> list[Level]:
        levels = await info.context.loaders.levels.load(str(self.id))
        return [Level.from_dto(level) for level in levels]

    @strawberry.field(description="The tier ladder, lowest rank first (archived tiers left out).")
    async def tiers(self, info: Info[Context, None]) -> list[Tier]:
        tiers = await info.context.loaders.tiers.load(str(self.id))
        return [Tier.from_dto(tier) for tier in tiers]

    @strawberry.field(description="The welcome greeting; null until the community's defaults are set up.")
    async def welcome_template(self, info: Info[Context, None]) -> WelcomeTemplate | None:
        template = await info.context.loaders.welcome_template.load(str(self.id))
        return WelcomeTemplate.from_dto(template) if template is not None else None
