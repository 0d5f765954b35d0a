"""Mutations of communities."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from contracts.content.welcome import WelcomeTemplateUpdate
from contracts.membership.community import CommunityCreate
from gateway.clients import ServiceProblem
from gateway.clients.base import given, wire
from gateway.schema.community.types import Community, WelcomeTemplate
from gateway.schema.context import Context
from gateway.schema.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError, user_error_from


@strawberry.input
class CreateCommunityInput:
    name: str
    timezone: str = strawberry.field(description="IANA time zone name, e.g. Asia/Shanghai.")
    mission: str | None = None
    rules: str | None = None
    sandbox: bool = strawberry.field(
        default=False, description="Run it on its own test clock, to play out days in seconds; cannot change later."
    )
    test_clock_start: datetime | None = strawberry.field(
        default=None, description="Where a sandbox's clock starts (default: now)."
    )
    idempotency_key: str | None = strawberry.field(
        default=None, description="Retrying with the same key returns the first result instead of a second community."
    )


@strawberry.type
class CreateCommunitySuccess:
    community: Community


CreateCommunityPayload = Annotated[
    CreateCommunitySuccess | InvalidInputError | ForbiddenError | NotFoundError | ConflictError,
    strawberry.union("CreateCommunityPayload"),
]


@strawberry.input(description="Only the fields given change. settings replaces each top-level key it names.")
class UpdateCommunityInput:
    id: strawberry.ID
    name: str | None = strawberry.UNSET
    timezone: str | None = strawberry.UNSET
    mission: str | None = strawberry.UNSET
    rules: str | None = strawberry.UNSET
    settings: JSON | None = strawberry.field(
        default=strawberry.UNSET, description='e.g. {"lifecycle": {"expiring_days_ahead": 5}}; null resets a key.'
    )
    acting_member_id: strawberry.ID | None = None


@strawberry.type
class UpdateCommunitySuccess:
    community: Community


UpdateCommunityPayload = Annotated[
    UpdateCommunitySuccess | InvalidInputError | ForbiddenError | NotFoundError | ConflictError,
    strawberry.union("UpdateCommunityPayload"),
]


@strawberry.input(description="One group's own greeting or batch window; what is left out comes from the community.")
class WelcomeGroupOverrideInput:
    group_id: strawberry.ID
    body: str | None = None
    batch_window_seconds: int | None = None


@strawberry.input(description="The whole welcome: greeting, batch window, and every group's override (replaced).")
class UpdateWelcomeTemplateInput:
    community_id: strawberry.ID
    body: str = strawberry.field(description="Placeholders: {names}, {community}, {rules_link}.")
    batch_window_seconds: int = strawberry.field(description="Joins this close together share one greeting (0-3600).")
    enabled: bool = True
    group_overrides: list[WelcomeGroupOverrideInput] = strawberry.field(
        default_factory=list, description="Replaces the groups' overrides; an empty list removes them all."
    )


@strawberry.type
class UpdateWelcomeTemplateSuccess:
    welcome_template: WelcomeTemplate


UpdateWelcomeTemplatePayload = Annotated[
    UpdateWelcomeTemplateSuccess | InvalidInputError | ForbiddenError | NotFoundError | ConflictError,
    strawberry.union("UpdateWelcomeTemplatePayload"),
]


@strawberry.type
class CommunityMutation:
    @strawberry.mutation(description="Edit the welcome greeting, its batch window and per-group overrides (admins).")
    async def update_welcome_template(
        self, info: Info[Context, None], input: UpdateWelcomeTemplateInput
    ) -> UpdateWelcomeTemplatePayload:
        context = info.context
        context.principal  # noqa: B018 - raises UNAUTHENTICATED when there is no key
        try:
            data = wire(
                WelcomeTemplateUpdate,
                body=input.body,
                batch_window_seconds=input.batch_window_seconds,
                enabled=input.enabled,
                group_overrides=[
                    {"group_id": str(o.group_id), "body": o.body, "batch_window_seconds": o.batch_window_seconds}
                    for o in input.group_overrides
                ],
            )
            dto = await context.content.update_welcome_template(str(input.community_id), data)
        except ServiceProblem as problem:
            return user_error_from(problem)
        return UpdateWelcomeTemplateSuccess(welcome_template=WelcomeTemplate.from_dto(dto))

    @strawberry.mutation(description="Create a community (platform admins). Its defaults appear within moments.")
    async def create_community(self, info: Info[Context, None], input: CreateCommunityInput) -> CreateCommunityPayload:
        context = info.context
        context.principal  # noqa: B018 - raises UNAUTHENTICATED when there is no key
        try:
            data = wire(
                CommunityCreate,
                **given(
                    name=input.name,
                    timezone=input.timezone,
                    mission=input.mission,
                    rules=input.rules,
                    sandbox=input.sandbox,
                    test_clock_start=input.test_clock_start,
                ),
            )
            dto = await context.membership.create_community(data, idempotency_key=input.idempotency_key)
        except ServiceProblem as problem:
            return user_error_from(problem)
        context.loaders.community.prime(dto.id, dto)
        return CreateCommunitySuccess(community=Community.from_dto(dto))

    @strawberry.mutation(description="Change a community's name, mission, rules, time zone or settings (admins).")
    async def update_community(self, info: Info[Context, None], input: UpdateCommunityInput) -> UpdateCommunityPayload:
        context = info.context
        context.principal  # noqa: B018 - raises UNAUTHENTICATED when there is no key
        given = {
            "name": input.name,
            "timezone": input.timezone,
            "mission": input.mission,
            "rules": input.rules,
            "settings": input.settings,
        }
        body: dict[str, Any] = {key: value for key, value in given.items() if value is not strawberry.UNSET}
        if input.acting_member_id is not None:
            body["acting_member_id"] = str(input.acting_member_id)
        try:
            dto = await context.membership.update_community(str(input.id), body)
        except ServiceProblem as problem:
            error = user_error_from(problem)
            if isinstance(error, InvalidInputError):
                for field, raw in zip(error.fields, problem.errors, strict=True):
                    if raw.field.startswith("settings."):
                        field.field = raw.field  # JSON keys as the caller wrote them, not camelCased
            return error
        context.loaders.community.prime(dto.id, dto)
        return UpdateCommunitySuccess(community=Community.from_dto(dto))
