"""Mutations of communities."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from contracts.content.welcome import WelcomeTemplateRead, WelcomeTemplateUpdate
from contracts.membership.community import CommunityCreate, CommunityRead
from gateway.clients.base import wire
from gateway.schema.community.types import Community, WelcomeTemplate
from gateway.schema.context import Context
from gateway.schema.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from gateway.schema.payloads import body_of, payload


@strawberry.input
class CreateCommunityInput:
    name: str = strawberry.field(description="The display name, 1 to 100 characters (spaces collapsed).")
    timezone: str = strawberry.field(description="IANA time zone name, e.g. Asia/Shanghai.")
    mission: str | None = strawberry.field(
        default=None, description="What the community is for, up to 2000 characters."
    )
    rules: str | None = strawberry.field(default=None, description="The written rule book, up to 20000 characters.")
    sandbox: bool = strawberry.field(
        default=False, description="Run it on its own test clock, to play out days in seconds; cannot change later."
    )
    test_clock_start: datetime | None = strawberry.field(
        default=None, description="Where a sandbox's clock starts (default: now)."
    )
    idempotency_key: str | None = strawberry.field(
        default=None, description="Retrying with the same key returns the first result instead of a second community."
    )


@strawberry.type(description="The community was created (or, retried with the same key, the one created first).")
class CreateCommunitySuccess:
    community: Community = strawberry.field(description="The new community.")


CreateCommunityPayload = Annotated[
    CreateCommunitySuccess | InvalidInputError | ForbiddenError | NotFoundError | ConflictError,
    strawberry.union("CreateCommunityPayload"),
]


@strawberry.input(description="Only the fields given change. settings replaces each top-level key it names.")
class UpdateCommunityInput:
    id: strawberry.ID = strawberry.field(description="The community to change.")
    name: str | None = strawberry.field(
        default=strawberry.UNSET, description="A new display name, 1 to 100 characters; null is refused."
    )
    timezone: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="A new IANA time zone name (e.g. Asia/Shanghai); days are reckoned there from now on.",
    )
    mission: str | None = strawberry.field(
        default=strawberry.UNSET, description="A new mission, up to 2000 characters; null or empty clears it."
    )
    rules: str | None = strawberry.field(
        default=strawberry.UNSET, description="A new rule book, up to 20000 characters; null or empty clears it."
    )
    settings: JSON | None = strawberry.field(
        default=strawberry.UNSET, description='e.g. {"lifecycle": {"expiring_days_ahead": 5}}; null resets a key.'
    )
    acting_member_id: strawberry.ID | None = None


@strawberry.type(description="The community was changed.")
class UpdateCommunitySuccess:
    community: Community = strawberry.field(description="The community as it is now.")


UpdateCommunityPayload = Annotated[
    UpdateCommunitySuccess | InvalidInputError | ForbiddenError | NotFoundError | ConflictError,
    strawberry.union("UpdateCommunityPayload"),
]


@strawberry.input(description="One group's own greeting or batch window; what is left out comes from the community.")
class WelcomeGroupOverrideInput:
    group_id: strawberry.ID = strawberry.field(description="The group to greet differently.")
    body: str | None = strawberry.field(
        default=None, description="This group's greeting (same placeholders); null: the community's."
    )
    batch_window_seconds: int | None = strawberry.field(
        default=None, description="This group's batch window in seconds (0 to 3600); null: the community's."
    )


@strawberry.input(description="The whole welcome: greeting, batch window, and every group's override (replaced).")
class UpdateWelcomeTemplateInput:
    community_id: strawberry.ID
    body: str = strawberry.field(description="Placeholders: {names}, {community}, {rules_link}.")
    batch_window_seconds: int = strawberry.field(description="Joins this close together share one greeting (0-3600).")
    enabled: bool = strawberry.field(default=True, description="False turns greeting off in every group.")
    group_overrides: list[WelcomeGroupOverrideInput] = strawberry.field(
        default_factory=list, description="Replaces the groups' overrides; an empty list removes them all."
    )


@strawberry.type(description="The welcome was replaced.")
class UpdateWelcomeTemplateSuccess:
    welcome_template: WelcomeTemplate = strawberry.field(description="The welcome as it is now.")


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
        content = info.context.content

        async def update() -> WelcomeTemplateRead:
            return await content.update_welcome_template(
                str(input.community_id), wire(WelcomeTemplateUpdate, **body_of(input))
            )

        return await payload(
            update(), lambda welcome: UpdateWelcomeTemplateSuccess(welcome_template=WelcomeTemplate.from_dto(welcome))
        )

    @strawberry.mutation(description="Create a community (platform admins). Its defaults appear within moments.")
    async def create_community(self, info: Info[Context, None], input: CreateCommunityInput) -> CreateCommunityPayload:
        context = info.context
        membership = context.membership

        async def create() -> CommunityRead:
            body = wire(CommunityCreate, **body_of(input, omit_none=True))
            return await membership.create_community(body, idempotency_key=input.idempotency_key)

        return await payload(create(), lambda community: _created(context, community))

    @strawberry.mutation(description="Change a community's name, mission, rules, time zone or settings (admins).")
    async def update_community(self, info: Info[Context, None], input: UpdateCommunityInput) -> UpdateCommunityPayload:
        context = info.context
        body = body_of(input, leave_out={"id"})
        return await payload(
            context.membership.update_community(str(input.id), body),
            lambda community: UpdateCommunitySuccess(community=_primed(context, community)),
            json_inputs=("settings",),
        )


def _created(context: Context, community: CommunityRead) -> CreateCommunitySuccess:
    return CreateCommunitySuccess(community=_primed(context, community))


def _primed(context: Context, community: CommunityRead) -> Community:
    context.loaders.community.prime(community.id, community)
    return Community.from_dto(community)
