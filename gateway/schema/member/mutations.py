"""Mutations of members: adding, status, roles, ownership, renewal, link codes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from contracts.membership.member import MemberRead
from gateway.clients import MembershipClient, ServiceProblem
from gateway.schema.context import Context
from gateway.schema.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError, user_error_from
from gateway.schema.member.types import LinkCode, Member, MemberRole, MemberStatus

Errors = InvalidInputError | ForbiddenError | NotFoundError | ConflictError


@strawberry.type(description="The member as the change left them.")
class MemberSuccess:
    member: Member


MemberPayload = Annotated[MemberSuccess | Errors, strawberry.union("MemberPayload")]


@strawberry.type
class CreateLinkCodeSuccess:
    link_code: LinkCode


CreateLinkCodePayload = Annotated[CreateLinkCodeSuccess | Errors, strawberry.union("CreateLinkCodePayload")]


@strawberry.input
class IdentityInput:
    platform: str
    platform_user_id: str
    display_name: str | None = None


@strawberry.input(description="Add a person directly, active at once (no gate).")
class AddMemberInput:
    community_id: strawberry.ID
    display_name: str
    external_ref: str | None = None
    attributes: JSON | None = None
    tier_id: strawberry.ID | None = None
    identities: list[IdentityInput] = strawberry.field(default_factory=list)
    acting_member_id: strawberry.ID | None = None
    idempotency_key: str | None = None


@strawberry.input
class ChangeMemberStatusInput:
    community_id: strawberry.ID
    member_id: strawberry.ID
    to: MemberStatus
    reason: str | None = None
    acting_member_id: strawberry.ID | None = None


@strawberry.input(description="Make a member an admin or a moderator, or a plain member again.")
class AssignRoleInput:
    community_id: strawberry.ID
    member_id: strawberry.ID
    role: MemberRole
    reason: str | None = None
    acting_member_id: strawberry.ID | None = None


@strawberry.input(description="Make a member the owner; the old owner stays on as an admin.")
class TransferOwnershipInput:
    community_id: strawberry.ID
    member_id: strawberry.ID
    reason: str | None = None
    acting_member_id: strawberry.ID | None = None


@strawberry.input(description="One more tier period, from the later of now and the current expiry.")
class RenewMembershipInput:
    community_id: strawberry.ID
    member_id: strawberry.ID
    tier_id: strawberry.ID | None = strawberry.field(default=None, description="Defaults to the member's tier.")
    reason: str | None = None
    acting_member_id: strawberry.ID | None = None
    idempotency_key: str | None = strawberry.field(
        default=None, description="Retrying with the same key renews once, not twice."
    )


@strawberry.input(description="Present a link code from another platform account.")
class RedeemLinkCodeInput:
    community_id: strawberry.ID
    code: str
    platform: str
    platform_user_id: str
    display_name: str | None = None


def _body(**fields: Any) -> dict[str, Any]:
    """A REST body from GraphQL input: ids as text, unset optionals left out."""
    return {key: str(value) if isinstance(value, str) else value for key, value in fields.items() if value is not None}


async def _member_payload(
    info: Info[Context, None], call: Callable[[MembershipClient], Awaitable[MemberRead]]
) -> MemberSuccess | Errors:
    info.context.principal  # noqa: B018 - raises UNAUTHENTICATED when there is no key
    try:
        dto = await call(info.context.membership)
    except ServiceProblem as problem:
        return user_error_from(problem)
    info.context.loaders.member.prime((dto.community_id, dto.id), dto)
    return MemberSuccess(member=Member.from_dto(dto))


@strawberry.type
class MemberMutation:
    @strawberry.mutation(description="Add a person directly (admins): active at once on the tier given.")
    async def add_member(self, info: Info[Context, None], input: AddMemberInput) -> MemberPayload:
        body = _body(
            display_name=input.display_name,
            external_ref=input.external_ref,
            attributes=input.attributes,
            tier_id=input.tier_id,
            acting_member_id=input.acting_member_id,
        )
        body["identities"] = [
            _body(platform=i.platform, platform_user_id=i.platform_user_id, display_name=i.display_name)
            for i in input.identities
        ]
        return await _member_payload(
            info,
            lambda membership: membership.add_member(
                str(input.community_id), body, idempotency_key=input.idempotency_key
            ),
        )

    @strawberry.mutation(description="Move a membership to another status, if the lifecycle allows it.")
    async def change_member_status(self, info: Info[Context, None], input: ChangeMemberStatusInput) -> MemberPayload:
        body = _body(to=input.to.value, reason=input.reason, acting_member_id=input.acting_member_id)
        return await _member_payload(
            info, lambda membership: membership.set_member_status(str(input.community_id), str(input.member_id), body)
        )

    @strawberry.mutation(description="Assign or revoke admin and moderator (owners assign admins, admins moderators).")
    async def assign_role(self, info: Info[Context, None], input: AssignRoleInput) -> MemberPayload:
        body = _body(role=input.role.value, reason=input.reason, acting_member_id=input.acting_member_id)
        return await _member_payload(
            info, lambda membership: membership.set_role(str(input.community_id), str(input.member_id), body)
        )

    @strawberry.mutation(description="Hand ownership to an active member, or set the first owner (the key).")
    async def transfer_ownership(self, info: Info[Context, None], input: TransferOwnershipInput) -> MemberPayload:
        body = _body(member_id=input.member_id, reason=input.reason, acting_member_id=input.acting_member_id)
        return await _member_payload(
            info, lambda membership: membership.transfer_ownership(str(input.community_id), body)
        )

    @strawberry.mutation(description="Renew a membership by one tier period (admins, or the integrator).")
    async def renew_membership(self, info: Info[Context, None], input: RenewMembershipInput) -> MemberPayload:
        body = _body(tier_id=input.tier_id, reason=input.reason, acting_member_id=input.acting_member_id)
        return await _member_payload(
            info,
            lambda membership: membership.renew(
                str(input.community_id), str(input.member_id), body, idempotency_key=input.idempotency_key
            ),
        )

    @strawberry.mutation(description="A code the member presents from another platform account, within ten minutes.")
    async def create_link_code(
        self, info: Info[Context, None], community_id: strawberry.ID, member_id: strawberry.ID
    ) -> CreateLinkCodePayload:
        info.context.principal  # noqa: B018
        try:
            dto = await info.context.membership.issue_link_code(str(community_id), str(member_id))
        except ServiceProblem as problem:
            return user_error_from(problem)
        return CreateLinkCodeSuccess(link_code=LinkCode.from_dto(dto))

    @strawberry.mutation(description="Link the presenting platform account to the member who asked for the code.")
    async def redeem_link_code(self, info: Info[Context, None], input: RedeemLinkCodeInput) -> MemberPayload:
        body = _body(
            code=input.code,
            platform=input.platform,
            platform_user_id=input.platform_user_id,
            display_name=input.display_name,
        )
        return await _member_payload(
            info, lambda membership: membership.redeem_link_code(str(input.community_id), body)
        )
