"""Mutations of moderation: strikes, warnings and mutes, settings, bans."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from contracts.membership.moderation import BanTarget, StrikeCreate
from gateway.clients import ServiceProblem
from gateway.clients.base import given, wire
from gateway.schema.context import Context
from gateway.schema.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError, user_error_from
from gateway.schema.moderation.types import Ban, ModerationAction, ModerationSettings, Strike, action_of

IDEMPOTENCY = "Retrying with the same key returns the first result instead of acting twice."


@strawberry.input(description="A chat message a strike is for: what it earned is taken back.")
class StrikeMessageInput:
    group_id: strawberry.ID = strawberry.field(description="The group the message was sent in.")
    platform_message_id: str = strawberry.field(description="The platform's id of the message.")


@strawberry.input
class AddStrikeInput:
    community_id: strawberry.ID
    member_id: strawberry.ID
    rule: str = strawberry.field(description="The rule broken: a reference or its text.")
    weight: int = 1
    evidence: str | None = strawberry.field(default=None, description="A message id, a link, ...")
    reason: str | None = None
    expires_in_days: int | None = strawberry.field(default=None, description="Instead of the strike lifetime.")
    acting_member_id: strawberry.ID | None = None
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY)
    message: StrikeMessageInput | None = strawberry.field(
        default=None, description="The message it is for; the evidence defaults to its platform message id."
    )


@strawberry.type
class AddStrikeSuccess:
    strike: Strike
    active_strikes: int
    action: ModerationAction | None = strawberry.field(description="The ladder step carried out, if any.")


@strawberry.input
class RevokeStrikeInput:
    community_id: strawberry.ID
    strike_id: strawberry.ID
    reason: str | None = None
    acting_member_id: strawberry.ID | None = None


@strawberry.type
class RevokeStrikeSuccess:
    strike: Strike


@strawberry.enum
class SanctionAction(Enum):
    WARN = "warn"
    MUTE = "mute"


@strawberry.input
class ModerateMemberInput:
    community_id: strawberry.ID
    member_id: strawberry.ID
    action: SanctionAction
    reason: str | None = None
    duration_hours: int | None = strawberry.field(default=None, description="How long a mute lasts.")
    acting_member_id: strawberry.ID | None = None
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY)


@strawberry.type
class ModerateMemberSuccess:
    action: SanctionAction
    applied: bool


@strawberry.input
class LadderStepInput:
    at: int
    action: ModerationAction
    duration_hours: int | None = None


@strawberry.input(description="Only the fields given change.")
class SpamSettingsInput:
    enabled: bool | None = None
    newcomer_messages: int | None = None
    newcomer_days: int | None = None
    keywords: list[str] | None = None
    flood_messages: int | None = None
    flood_seconds: int | None = None
    repeat_count: int | None = None
    repeat_seconds: int | None = None


@strawberry.input(description="Only the fields given change.")
class UpdateModerationSettingsInput:
    community_id: strawberry.ID
    ladder: list[LadderStepInput] | None = None
    strike_lifetime_days: int | None = None
    spam: SpamSettingsInput | None = None
    acting_member_id: strawberry.ID | None = None


@strawberry.type
class UpdateModerationSettingsSuccess:
    settings: ModerationSettings


@strawberry.input(description="A member by id, or a platform account (which may belong to nobody yet).")
class BanInput:
    community_id: strawberry.ID
    member_id: strawberry.ID | None = None
    platform: str | None = None
    platform_user_id: str | None = None
    reason: str | None = None
    acting_member_id: strawberry.ID | None = None
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY)


@strawberry.type
class BanSuccess:
    member_id: strawberry.ID | None
    entries: list[Ban]


@strawberry.type
class UnbanSuccess:
    cleared: int = strawberry.field(description="Ban list entries removed.")


Errors = InvalidInputError | ForbiddenError | NotFoundError | ConflictError
AddStrikePayload = Annotated[AddStrikeSuccess | Errors, strawberry.union("AddStrikePayload")]
RevokeStrikePayload = Annotated[RevokeStrikeSuccess | Errors, strawberry.union("RevokeStrikePayload")]
ModerateMemberPayload = Annotated[ModerateMemberSuccess | Errors, strawberry.union("ModerateMemberPayload")]
UpdateModerationSettingsPayload = Annotated[
    UpdateModerationSettingsSuccess | Errors, strawberry.union("UpdateModerationSettingsPayload")
]
BanPayload = Annotated[BanSuccess | Errors, strawberry.union("BanPayload")]
UnbanPayload = Annotated[UnbanSuccess | Errors, strawberry.union("UnbanPayload")]


def _id(value: strawberry.ID | None) -> str | None:
    return str(value) if value is not None else None


def _settings_changes(input: UpdateModerationSettingsInput) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if input.ladder is not None:
        changes["ladder"] = [
            {"at": step.at, "action": step.action.value}
            | ({"duration_hours": step.duration_hours} if step.duration_hours is not None else {})
            for step in input.ladder
        ]
    if input.strike_lifetime_days is not None:
        changes["strike_lifetime_days"] = input.strike_lifetime_days
    if input.spam is not None:
        changes["spam"] = {name: value for name, value in vars(input.spam).items() if value is not None}
    if input.acting_member_id is not None:
        changes["acting_member_id"] = str(input.acting_member_id)
    return changes


def _strike_message(message: StrikeMessageInput | None) -> dict[str, str] | None:
    """The message's fields, checked with the strike's (so a refusal names ``message.…``)."""
    if message is None:
        return None
    return {"group_id": str(message.group_id), "platform_message_id": message.platform_message_id}


def _ban_target(input: BanInput) -> BanTarget:
    """Called inside the mutation's ``try``: what the contract refuses is the payload's InvalidInputError."""
    return wire(
        BanTarget,
        **given(
            member_id=_id(input.member_id),
            platform=input.platform,
            platform_user_id=input.platform_user_id,
            reason=input.reason,
            acting_member_id=_id(input.acting_member_id),
        ),
    )


@strawberry.type
class ModerationMutation:
    @strawberry.mutation(description="Record a rule violation; the community's escalation ladder then acts on it.")
    async def add_strike(self, info: Info[Context, None], input: AddStrikeInput) -> AddStrikePayload:
        try:
            data = wire(
                StrikeCreate,
                **given(
                    rule=input.rule,
                    weight=input.weight,
                    evidence=input.evidence,
                    reason=input.reason,
                    expires_in_days=input.expires_in_days,
                    acting_member_id=_id(input.acting_member_id),
                    message=_strike_message(input.message),
                ),
            )
            dto = await info.context.membership.add_strike(
                str(input.community_id), str(input.member_id), data, idempotency_key=input.idempotency_key
            )
        except ServiceProblem as problem:
            return user_error_from(problem)
        return AddStrikeSuccess(
            strike=Strike.from_dto(dto.strike), active_strikes=dto.active_strikes, action=action_of(dto.action)
        )

    @strawberry.mutation(description="Take a strike back: it stops counting; what the ladder did stays done.")
    async def revoke_strike(self, info: Info[Context, None], input: RevokeStrikeInput) -> RevokeStrikePayload:
        try:
            dto = await info.context.membership.revoke_strike(
                str(input.community_id),
                str(input.strike_id),
                reason=input.reason,
                acting_member_id=_id(input.acting_member_id),
            )
        except ServiceProblem as problem:
            return user_error_from(problem)
        return RevokeStrikeSuccess(strike=Strike.from_dto(dto))

    @strawberry.mutation(description="Warn or mute a member outside the ladder.")
    async def moderate_member(self, info: Info[Context, None], input: ModerateMemberInput) -> ModerateMemberPayload:
        body: dict[str, Any] = {"action": input.action.value, "reason": input.reason}
        if input.duration_hours is not None:
            body["duration_hours"] = input.duration_hours
        if input.acting_member_id is not None:
            body["acting_member_id"] = str(input.acting_member_id)
        try:
            dto = await info.context.membership.sanction(
                str(input.community_id), str(input.member_id), body, idempotency_key=input.idempotency_key
            )
        except ServiceProblem as problem:
            return user_error_from(problem)
        return ModerateMemberSuccess(action=SanctionAction(dto.action), applied=dto.applied)

    @strawberry.mutation(description="Change the escalation ladder, the strike lifetime or the spam thresholds.")
    async def update_moderation_settings(
        self, info: Info[Context, None], input: UpdateModerationSettingsInput
    ) -> UpdateModerationSettingsPayload:
        try:
            dto = await info.context.membership.update_moderation_settings(
                str(input.community_id), _settings_changes(input)
            )
        except ServiceProblem as problem:
            return user_error_from(problem)
        return UpdateModerationSettingsSuccess(settings=ModerationSettings.from_dto(dto))

    @strawberry.mutation(description="Ban a member (all their accounts, every group) or a platform account.")
    async def ban_member(self, info: Info[Context, None], input: BanInput) -> BanPayload:
        try:
            dto = await info.context.membership.ban(
                str(input.community_id), _ban_target(input), idempotency_key=input.idempotency_key
            )
        except ServiceProblem as problem:
            return user_error_from(problem)
        return BanSuccess(
            member_id=strawberry.ID(dto.member_id) if dto.member_id else None,
            entries=[Ban.from_dto(entry) for entry in dto.entries],
        )

    @strawberry.mutation(description="Lift a ban: the member is out (removed) and may come back through a gate.")
    async def unban_member(self, info: Info[Context, None], input: BanInput) -> UnbanPayload:
        try:
            dto = await info.context.membership.unban(str(input.community_id), _ban_target(input))
        except ServiceProblem as problem:
            return user_error_from(problem)
        return UnbanSuccess(cleared=dto.cleared)
