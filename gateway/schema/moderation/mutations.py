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
    weight: int = strawberry.field(default=1, description="How many strikes this one counts for, 1 to 10.")
    evidence: str | None = strawberry.field(default=None, description="A message id, a link, ...")
    reason: str | None = strawberry.field(default=None, description="Why, up to 500 characters; kept in the audit log.")
    expires_in_days: int | None = strawberry.field(default=None, description="Instead of the strike lifetime.")
    acting_member_id: strawberry.ID | None = None
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY)
    message: StrikeMessageInput | None = strawberry.field(
        default=None, description="The message it is for; the evidence defaults to its platform message id."
    )


@strawberry.type(description="The strike is recorded, and the ladder acted if a step was reached.")
class AddStrikeSuccess:
    strike: Strike = strawberry.field(description="The new strike.")
    active_strikes: int = strawberry.field(description="The member's active strikes now, counted by weight.")
    action: ModerationAction | None = strawberry.field(description="The ladder step carried out, if any.")


@strawberry.input
class RevokeStrikeInput:
    community_id: strawberry.ID
    strike_id: strawberry.ID = strawberry.field(description="The strike to take back.")
    reason: str | None = strawberry.field(default=None, description="Why, up to 500 characters; kept in the audit log.")
    acting_member_id: strawberry.ID | None = None


@strawberry.type(description="The strike was taken back and no longer counts.")
class RevokeStrikeSuccess:
    strike: Strike = strawberry.field(description="The strike, now revoked.")


@strawberry.enum(description="What a moderator may do to a member outside the ladder.")
class SanctionAction(Enum):
    _value_: str  # what each enum_value below holds, for type checkers
    WARN = strawberry.enum_value("warn", description="Post a warning that mentions the member, in their groups.")
    MUTE = strawberry.enum_value("mute", description="Mute them in their groups for durationHours (default 24).")


@strawberry.input
class ModerateMemberInput:
    community_id: strawberry.ID
    member_id: strawberry.ID
    action: SanctionAction = strawberry.field(description="Warn or mute.")
    reason: str | None = strawberry.field(default=None, description="Why, up to 500 characters; kept in the audit log.")
    duration_hours: int | None = strawberry.field(default=None, description="How long a mute lasts.")
    acting_member_id: strawberry.ID | None = None
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY)


@strawberry.type(description="The sanction was taken (or found not to apply).")
class ModerateMemberSuccess:
    action: SanctionAction = strawberry.field(description="The sanction asked for.")
    applied: bool = strawberry.field(description="False when it did not apply to this member; nothing was done.")


@strawberry.input(description="One step of the escalation ladder.")
class LadderStepInput:
    at: int = strawberry.field(description="Active strikes at which it applies, 1 to 100; rising from step to step.")
    action: ModerationAction = strawberry.field(description="What happens to the member.")
    duration_hours: int | None = strawberry.field(default=None, description="How long a mute lasts; mutes need it.")


@strawberry.input(description="Only the fields given change.")
class SpamSettingsInput:
    enabled: bool | None = strawberry.field(default=None, description="True checks messages for spam; false stops it.")
    newcomer_messages: int | None = strawberry.field(
        default=None, description="Fewer earlier messages than this make a newcomer (default 5)."
    )
    newcomer_days: int | None = strawberry.field(
        default=None, description="Joined fewer days ago than this makes a newcomer (default 3)."
    )
    keywords: list[str] | None = strawberry.field(
        default=None, description="Ad keywords a newcomer may not post (replaces the list; at most 200)."
    )
    flood_messages: int | None = strawberry.field(
        default=None, description="More messages than this within floodSeconds is a flood (default 8)."
    )
    flood_seconds: int | None = strawberry.field(
        default=None, description="The window of the flood check, in seconds (default 10)."
    )
    repeat_count: int | None = strawberry.field(
        default=None, description="The same text this many times within repeatSeconds is spam (default 3)."
    )
    repeat_seconds: int | None = strawberry.field(
        default=None, description="The window of the repeat check, in seconds (default 600)."
    )


@strawberry.input(description="Only the fields given change.")
class UpdateModerationSettingsInput:
    community_id: strawberry.ID
    ladder: list[LadderStepInput] | None = strawberry.field(
        default=None, description="The whole ladder, at most 10 steps (replaces the current one)."
    )
    strike_lifetime_days: int | None = strawberry.field(
        default=None, description="How many days a strike counts, 1 to 3650."
    )
    spam: SpamSettingsInput | None = strawberry.field(default=None, description="Changes to the spam thresholds.")
    acting_member_id: strawberry.ID | None = None


@strawberry.type(description="The moderation settings were changed.")
class UpdateModerationSettingsSuccess:
    settings: ModerationSettings = strawberry.field(description="The settings as they are now.")


@strawberry.input(description="A member by id, or a platform account (which may belong to nobody yet).")
class BanMemberInput:
    community_id: strawberry.ID
    member_id: strawberry.ID | None = strawberry.field(
        default=None, description="The member to ban: every account of theirs, in every group; or give an account."
    )
    platform: str | None = strawberry.field(
        default=None, description="The account's platform (telegram, slack, ...), with platformUserId."
    )
    platform_user_id: str | None = strawberry.field(
        default=None, description="The account's user id on that platform, with platform."
    )
    reason: str | None = strawberry.field(default=None, description="Why, up to 500 characters; kept in the audit log.")
    acting_member_id: strawberry.ID | None = None
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY)


@strawberry.input(description="A banned member by id, or a banned platform account.")
class UnbanMemberInput:
    community_id: strawberry.ID
    member_id: strawberry.ID | None = strawberry.field(
        default=None, description="The banned member: every ban list entry of theirs is lifted; or give an account."
    )
    platform: str | None = strawberry.field(
        default=None, description="The banned account's platform (telegram, slack, ...), with platformUserId."
    )
    platform_user_id: str | None = strawberry.field(
        default=None, description="The banned account's user id on that platform, with platform."
    )
    reason: str | None = strawberry.field(default=None, description="Why, up to 500 characters; kept in the audit log.")
    acting_member_id: strawberry.ID | None = None


@strawberry.type(description="The ban is in place and enforced in every group.")
class BanSuccess:
    member_id: strawberry.ID | None = strawberry.field(
        description="The member banned; null for an account that belongs to nobody yet."
    )
    entries: list[Ban] = strawberry.field(description="The ban list entries now in place for this ban.")


@strawberry.type(description="The ban was lifted.")
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
    @strawberry.mutation(
        description="Record a rule violation (moderators and up); the escalation ladder then acts on it."
    )
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

    @strawberry.mutation(
        description="Take a strike back (moderators and up): it stops counting; what the ladder did stays done."
    )
    async def revoke_strike(self, info: Info[Context, None], input: RevokeStrikeInput) -> RevokeStrikePayload:
        call = info.context.membership.revoke_strike(
            str(input.community_id), str(input.strike_id), reason=input.reason, acting_member_id=input.acting_member_id
        )
        return await payload(call, lambda strike: RevokeStrikeSuccess(strike=Strike.from_dto(strike)))

    @strawberry.mutation(description="Warn or mute a member outside the ladder (moderators and up).")
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

    @strawberry.mutation(
        description="Change the escalation ladder, the strike lifetime or the spam thresholds (admins)."
    )
    async def update_moderation_settings(
        self, info: Info[Context, None], input: UpdateModerationSettingsInput
    ) -> UpdateModerationSettingsPayload:
        call = info.context.membership.update_moderation_settings(
            str(input.community_id), body_of(input, omit_none=True)
        )
        return await payload(
            call, lambda settings: UpdateModerationSettingsSuccess(settings=ModerationSettings.from_dto(settings))
        )

    @strawberry.mutation(description="Ban a member (all their accounts, every group) or a platform account (admins).")
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

    @strawberry.mutation(
        description="Lift a ban (admins): the member is out (removed) and may come back through a gate."
    )
    async def unban_member(self, info: Info[Context, None], input: UnbanMemberInput) -> UnbanPayload:
        membership = info.context.membership

        async def unban() -> UnbanRead:
            return await membership.unban(str(input.community_id), wire(BanTarget, **body_of(input, omit_none=True)))

        return await payload(unban(), lambda unbanned: UnbanSuccess(cleared=unbanned.cleared))


_ADDRESS = ADDRESSING | {"member_id"}
