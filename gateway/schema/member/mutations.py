"""Mutations of members: adding, status, roles, ownership, renewal, link codes."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from contracts.membership.member import MemberRead
from gateway.schema.context import Context
from gateway.schema.errors import (
    ConflictError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    missing_input,
)
from gateway.schema.loaders import Loaders
from gateway.schema.member.types import LinkCode, Member, MemberRole, MemberStatus
from gateway.schema.payloads import ADDRESSING, body_of, payload

Errors = InvalidInputError | ForbiddenError | NotFoundError | ConflictError


@strawberry.type(description="The member as the change left them.")
class MemberSuccess:
    member: Member = strawberry.field(description="The member, with their membership as it is now.")


MemberPayload = Annotated[MemberSuccess | Errors, strawberry.union("MemberPayload")]


@strawberry.type(description="A link code was issued; hand it to the member to present from the other account.")
class CreateLinkCodeSuccess:
    link_code: LinkCode = strawberry.field(description="The code, valid for ten minutes and one use.")


CreateLinkCodePayload = Annotated[CreateLinkCodeSuccess | Errors, strawberry.union("CreateLinkCodePayload")]


@strawberry.input(description="A platform account that is this person.")
class IdentityInput:
    platform: str = strawberry.field(
        description="telegram, slack, discord, feishu, wecom, dingtalk or generic (case does not matter)."
    )
    platform_user_id: str = strawberry.field(description="The account's user id on that platform, 1 to 200 characters.")
    display_name: str | None = strawberry.field(
        default=None, description="The name the account shows there, up to 100 characters."
    )


@strawberry.input(description="Add a person directly, active at once (no gate).")
class AddMemberInput:
    community_id: strawberry.ID
    display_name: str = strawberry.field(description="The name shown for them, 1 to 100 characters.")
    external_ref: str | None = strawberry.field(
        default=None, description="Your own id for this person, up to 200 characters."
    )
    attributes: JSON | None = strawberry.field(
        default=None,
        description="Profile attributes that gates compare: up to 50 names (letters, digits, _) to text, a number, "
        'a boolean or a list of text, e.g. {"city": "Shanghai", "tags": ["design"]}.',
    )
    tier_id: strawberry.ID | None = strawberry.field(
        default=None, description="The tier they hold from now on (its period starts now); left out, no tier."
    )
    identities: list[IdentityInput] = strawberry.field(
        default_factory=list, description="Their platform accounts, at most 10, so chat events resolve to them."
    )
    acting_member_id: strawberry.ID | None = None
    idempotency_key: str | None = None


@strawberry.input
class ChangeMemberStatusInput:
    community_id: strawberry.ID
    member_id: strawberry.ID
    to: MemberStatus = strawberry.field(
        description="The status to move to; the lifecycle decides which may follow the current one."
    )
    reason: str | None = strawberry.field(
        default=None, description="Why, up to 500 characters; kept in the transition log."
    )
    acting_member_id: strawberry.ID | None = None


@strawberry.input(description="Make a member an admin or a moderator, or a plain member again.")
class AssignRoleInput:
    community_id: strawberry.ID
    member_id: strawberry.ID
    role: MemberRole = strawberry.field(description="admin, moderator or member; owner only by transfer.")
    reason: str | None = strawberry.field(
        default=None, description="Why, up to 500 characters; kept in the transition log."
    )
    acting_member_id: strawberry.ID | None = None


@strawberry.input(description="Make a member the owner; the old owner stays on as an admin.")
class TransferOwnershipInput:
    community_id: strawberry.ID
    member_id: strawberry.ID = strawberry.field(description="The member who becomes the owner.")
    reason: str | None = strawberry.field(
        default=None, description="Why, up to 500 characters; kept in the transition log."
    )
    acting_member_id: strawberry.ID | None = None


@strawberry.input(description="One more tier period, from the later of now and the current expiry.")
class RenewMembershipInput:
    community_id: strawberry.ID
    member_id: strawberry.ID
    tier_id: strawberry.ID | None = strawberry.field(default=None, description="Defaults to the member's tier.")
    reason: str | None = strawberry.field(
        default=None, description="Why, up to 500 characters; kept in the transition log."
    )
    acting_member_id: strawberry.ID | None = None
    idempotency_key: str | None = strawberry.field(
        default=None, description="Retrying with the same key renews once, not twice."
    )


@strawberry.input(description="Present a link code from another platform account.")
class RedeemLinkCodeInput:
    community_id: strawberry.ID
    code: str = strawberry.field(description="The link code the member was given (`createLinkCode`).")
    platform: str = strawberry.field(
        description="The presenting account's platform: telegram, slack, discord, feishu, wecom, dingtalk or generic."
    )
    platform_user_id: str = strawberry.field(description="The presenting account's user id on that platform.")
    display_name: str | None = strawberry.field(
        default=None, description="The name the account shows there, up to 100 characters."
    )


@strawberry.input(description="The member who asks for a link code.")
class CreateLinkCodeInput:
    community_id: strawberry.ID
    member_id: strawberry.ID


async def _member_payload(info: Info[Context, None], call: Awaitable[MemberRead]) -> MemberSuccess | Errors:
    loaders = info.context.loaders
    return await payload(call, lambda member: MemberSuccess(member=_primed(loaders, member)))


def _primed(loaders: Loaders, member: MemberRead) -> Member:
    loaders.member.prime((member.community_id, member.id), member)
    return Member.from_dto(member)


def _body(input: object) -> dict[str, Any]:
    """The body of a membership change: what was given, so a null never overrides the service's default."""
    return body_of(input, leave_out=ADDRESSING | {"member_id"}, omit_none=True)


@strawberry.type
class MemberMutation:
    @strawberry.mutation(description="Add a person directly (admins): active at once on the tier given.")
    async def add_member(self, info: Info[Context, None], input: AddMemberInput) -> MemberPayload:
        body = _body(input)
        membership = info.context.membership
        return await _member_payload(
            info, membership.add_member(str(input.community_id), body, idempotency_key=input.idempotency_key)
        )

    @strawberry.mutation(
        description="Move a membership to another status if the lifecycle allows it (admins); publishes "
        "member.joined, member.left, member.removed or membership.expired as fits, and a ban keeps them out."
    )
    async def change_member_status(self, info: Info[Context, None], input: ChangeMemberStatusInput) -> MemberPayload:
        call = info.context.membership.set_member_status(str(input.community_id), str(input.member_id), _body(input))
        return await _member_payload(info, call)

    @strawberry.mutation(description="Assign or revoke admin and moderator (owners assign admins, admins moderators).")
    async def assign_role(self, info: Info[Context, None], input: AssignRoleInput) -> MemberPayload:
        call = info.context.membership.set_role(str(input.community_id), str(input.member_id), _body(input))
        return await _member_payload(info, call)

    @strawberry.mutation(description="Hand ownership to an active member, or set the first owner (the key).")
    async def transfer_ownership(self, info: Info[Context, None], input: TransferOwnershipInput) -> MemberPayload:
        body = {**_body(input), "member_id": str(input.member_id)}
        return await _member_payload(info, info.context.membership.transfer_ownership(str(input.community_id), body))

    @strawberry.mutation(description="Renew a membership by one tier period (admins, or the integrator).")
    async def renew_membership(self, info: Info[Context, None], input: RenewMembershipInput) -> MemberPayload:
        call = info.context.membership.renew(
            str(input.community_id), str(input.member_id), _body(input), idempotency_key=input.idempotency_key
        )
        return await _member_payload(info, call)

    @strawberry.mutation(description="A code the member presents from another platform account, within ten minutes.")
    async def create_link_code(
        self,
        info: Info[Context, None],
        input: CreateLinkCodeInput | None = None,
        community_id: Annotated[
            strawberry.ID | None, strawberry.argument(deprecation_reason="Use input.communityId; removed in 0.3.0.")
        ] = None,
        member_id: Annotated[
            strawberry.ID | None, strawberry.argument(deprecation_reason="Use input.memberId; removed in 0.3.0.")
        ] = None,
    ) -> CreateLinkCodePayload:
        if input is None:
            if community_id is None or member_id is None:
                return missing_input("give input { communityId memberId }")
            input = CreateLinkCodeInput(community_id=community_id, member_id=member_id)
        call = info.context.membership.issue_link_code(str(input.community_id), str(input.member_id))
        return await payload(call, lambda code: CreateLinkCodeSuccess(link_code=LinkCode.from_dto(code)))

    @strawberry.mutation(description="Link the presenting platform account to the member who asked for the code.")
    async def redeem_link_code(self, info: Info[Context, None], input: RedeemLinkCodeInput) -> MemberPayload:
        return await _member_payload(
            info, info.context.membership.redeem_link_code(str(input.community_id), _body(input))
        )
