"""Mutations of moderation: strikes, warnings and mutes, settings, bans."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import strawberry
from strawberry.types import Info

from contracts.membership.moderation import BanResultRead, BanTarget, StrikeAddedRead, StrikeCreate, UnbanRead
from gateway.clients.base import wire
from gateway.schema.context import Context
from gateway.schema.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from gateway.schema.moderation.types import Ban, ModerationAction, ModerationSettings, Strike, action_of
from gateway.schema.payloads import ADDRESSING, body_of, payload

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
class BanMemberInput:
    community_id: strawberry.ID
    member_id: strawberry.ID | None = None
    platform: str | None = None
    platform_user_id: str | None = None
    reason: str | None = None
    acting_member_id: strawberry.ID | None = None
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY)


@strawberry.input(description="A banned member by id, or a banned platform account.")
class UnbanMemberInput:
    community_id: strawberry.ID
    member_id: strawberry.ID | None = None
    platform: str | None = None
    platform_user_id: str | None = None
    reason: str | None = None
    acting_member_id: strawberry.ID | None = None


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


@strawberry.type
class ModerationMutation:
    @strawberry.mutation(description="Record a rule violation; the community's escalation ladder then acts on it.")
    async def add_strike(self, info: Info[Context, None], input: AddStrikeInput) -> AddStrikePayload:
        membership = info.context.membership

        async def add() -> StrikeAddedRead:
            body = wire(StrikeCreate, **body_of(input, leave_out=_ADDRESS, omit_none=True))
            return await membership.add_strike(
                str(input.community_id), str(input.member_id), body, idempotency_key=input.idempotency_key
            )

        return await payload(
            add(),
            lambda added: AddStrikeSuccess(
                strike=Strike.from_dto(added.strike),
                active_strikes=added.active_strikes,
                action=action_of(added.action),
            ),
        )

    @strawberry.mutation(description="Take a strike back: it stops counting; what the ladder did stays done.")
    async def revoke_strike(self, info: Info[Context, None], input: RevokeStrikeInput) -> RevokeStrikePayload:
        call = info.context.membership.revoke_strike(
            str(input.community_id), str(input.strike_id), reason=input.reason, acting_member_id=input.acting_member_id
        )
        return await payload(call, lambda strike: RevokeStrikeSuccess(strike=Strike.from_dto(strike)))

    @strawberry.mutation(description="Warn or mute a member outside the ladder.")
    async def moderate_member(self, info: Info[Context, None], input: ModerateMemberInput) -> ModerateMemberPayload:
        call = info.context.membership.sanction(
            str(input.community_id),
            str(input.member_id),
            body_of(input, leave_out=_ADDRESS, omit_none=True),
            idempotency_key=input.idempotency_key,
        )
        return await payload(
            call,
            lambda sanction: ModerateMemberSuccess(action=SanctionAction(sanction.action), applied=sanction.applied),
        )

    @strawberry.mutation(description="Change the escalation ladder, the strike lifetime or the spam thresholds.")
    async def update_moderation_settings(
        self, info: Info[Context, None], input: UpdateModerationSettingsInput
    ) -> UpdateModerationSettingsPayload:
        call = info.context.membership.update_moderation_settings(
            str(input.community_id), body_of(input, omit_none=True)
        )
        return await payload(
            call, lambda settings: UpdateModerationSettingsSuccess(settings=ModerationSettings.from_dto(settings))
        )

    @strawberry.mutation(description="Ban a member (all their accounts, every group) or a platform account.")
    async def ban_member(self, info: Info[Context, None], input: BanMemberInput) -> BanPayload:
        membership = info.context.membership

        async def ban() -> BanResultRead:
            target = wire(BanTarget, **body_of(input, omit_none=True))
            return await membership.ban(str(input.community_id), target, idempotency_key=input.idempotency_key)

        return await payload(
            ban(),
            lambda banned: BanSuccess(
                member_id=strawberry.ID(banned.member_id) if banned.member_id else None,
                entries=[Ban.from_dto(entry) for entry in banned.entries],
            ),
        )

    @strawberry.mutation(description="Lift a ban: the member is out (removed) and may come back through a gate.")
    async def unban_member(self, info: Info[Context, None], input: UnbanMemberInput) -> UnbanPayload:
        membership = info.context.membership

        async def unban() -> UnbanRead:
            return await membership.unban(str(input.community_id), wire(BanTarget, **body_of(input, omit_none=True)))

        return await payload(unban(), lambda unbanned: UnbanSuccess(cleared=unbanned.cleared))


_ADDRESS = ADDRESSING | {"member_id"}
