"""Mutations of groups: create, change (archive too), and presence by hand."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from contracts.membership.group import GroupRead
from gateway.schema.context import Context
from gateway.schema.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from gateway.schema.group.types import Group, GroupMember
from gateway.schema.payloads import ADDRESSING, body_of, payload

Errors = InvalidInputError | ForbiddenError | NotFoundError | ConflictError


@strawberry.type(description="The group, as it is after the change.")
class GroupSuccess:
    group: Group = strawberry.field(description="The group.")


GroupPayload = Annotated[GroupSuccess | Errors, strawberry.union("GroupPayload")]


@strawberry.type(description="The member is recorded in the group (or already was).")
class GroupMemberSuccess:
    group_member: GroupMember = strawberry.field(description="The member's presence in the group.")


GroupMemberPayload = Annotated[GroupMemberSuccess | Errors, strawberry.union("GroupMemberPayload")]


@strawberry.type(description="The member is no longer recorded in the group (or never was).")
class RemoveGroupMemberSuccess:
    group_id: strawberry.ID = strawberry.field(description="The group.")
    member_id: strawberry.ID = strawberry.field(description="The member no longer recorded there.")


RemoveGroupMemberPayload = Annotated[RemoveGroupMemberSuccess | Errors, strawberry.union("RemoveGroupMemberPayload")]


_USE_CHAT_ACCOUNT = "Use chatAccountId; removed in 0.3.0."


@strawberry.input
class CreateGroupInput:
    community_id: strawberry.ID
    name: str = strawberry.field(description="A name for people, 1 to 100 characters.")
    platform: str = strawberry.field(description="telegram, slack, discord, feishu, wecom, dingtalk or generic")
    platform_chat_id: str = strawberry.field(
        description="The chat's own id on the platform; one group per chat in the community."
    )
    chat_account_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="The chat account (bot) the group is reached through; none if left out."
    )
    connection_id: str | None = strawberry.field(
        default=None, description="The chat account; use chatAccountId.", deprecation_reason=_USE_CHAT_ACCOUNT
    )
    capacity: int | None = strawberry.field(
        default=None, description="How many members it has room for (1 to 100000); null, the default, no limit."
    )
    tier_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Members of these tiers belong here (at most 50); empty means any member."
    )
    acting_member_id: strawberry.ID | None = None
    idempotency_key: str | None = None


@strawberry.input(description="Only the fields given change; archived: true archives the group.")
class UpdateGroupInput:
    community_id: strawberry.ID
    id: strawberry.ID = strawberry.field(description="The group to change.")
    name: str | None = strawberry.field(
        default=strawberry.UNSET, description="A new name for people, 1 to 100 characters."
    )
    platform: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="A new platform: telegram, slack, discord, feishu, wecom, dingtalk or generic.",
    )
    platform_chat_id: str | None = strawberry.field(
        default=strawberry.UNSET, description="A new chat id on the platform."
    )
    chat_account_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="The chat account (bot) the group is reached through."
    )
    connection_id: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="The chat account; use chatAccountId.",
        deprecation_reason=_USE_CHAT_ACCOUNT,
    )
    capacity: int | None = strawberry.field(
        default=strawberry.UNSET, description="Room for this many members (1 to 100000); null removes the limit."
    )
    tier_ids: list[strawberry.ID] | None = strawberry.field(
        default=strawberry.UNSET, description="Members of these tiers belong here (replaces the list); empty: anyone."
    )
    archived: bool | None = strawberry.field(
        default=strawberry.UNSET, description="True archives the group, false brings it back."
    )
    acting_member_id: strawberry.ID | None = None


@strawberry.input(description="Record that a member is in a group.")
class AddGroupMemberInput:
    community_id: strawberry.ID
    group_id: strawberry.ID = strawberry.field(description="The group; the member needs an account on its platform.")
    member_id: strawberry.ID
    acting_member_id: strawberry.ID | None = None


@strawberry.input(description="Forget that a member is in a group.")
class RemoveGroupMemberInput:
    community_id: strawberry.ID
    group_id: strawberry.ID = strawberry.field(description="The group.")
    member_id: strawberry.ID
    acting_member_id: strawberry.ID | None = None


@strawberry.type
class GroupMutation:
    @strawberry.mutation(description="Bind a chat room on any platform to the community (admins).")
    async def create_group(self, info: Info[Context, None], input: CreateGroupInput) -> GroupPayload:
        membership = info.context.membership
        call = membership.create_group(
            str(input.community_id), _group_body(input, leave_out=ADDRESSING), idempotency_key=input.idempotency_key
        )
        return await payload(call, _group_success)

    @strawberry.mutation(description="Change a group (admins); archive it with archived: true.")
    async def update_group(self, info: Info[Context, None], input: UpdateGroupInput) -> GroupPayload:
        membership = info.context.membership
        call = membership.update_group(str(input.community_id), str(input.id), _group_body(input, leave_out=_ADDRESS))
        return await payload(call, _group_success)

    @strawberry.mutation(
        description=(
            "Record by hand that a member is in a group, within its capacity (admins); nothing is sent to the chat."
        )
    )
    async def add_group_member(self, info: Info[Context, None], input: AddGroupMemberInput) -> GroupMemberPayload:
        community_id = str(input.community_id)
        call = info.context.membership.add_group_member(
            community_id, str(input.group_id), body_of(input, leave_out=_ADDRESS)
        )
        return await payload(
            call, lambda dto: GroupMemberSuccess(group_member=GroupMember.from_dto(dto, community_id=community_id))
        )

    @strawberry.mutation(
        description="Forget that a member is in a group (admins); they are not removed from the chat itself."
    )
    async def remove_group_member(
        self, info: Info[Context, None], input: RemoveGroupMemberInput
    ) -> RemoveGroupMemberPayload:
        call = info.context.membership.remove_group_member(
            str(input.community_id),
            str(input.group_id),
            str(input.member_id),
            acting_member_id=str(input.acting_member_id) if input.acting_member_id else None,
        )
        return await payload(
            call, lambda _: RemoveGroupMemberSuccess(group_id=input.group_id, member_id=input.member_id)
        )


_ADDRESS = ADDRESSING | {"id", "group_id"}


def _group_body(input: CreateGroupInput | UpdateGroupInput, *, leave_out: frozenset[str]) -> dict[str, Any]:
    """The service's body: it still names the chat account ``connection_id``; the deprecated name is taken when
    the new one is not given."""
    body = body_of(input, leave_out=leave_out | {"chat_account_id"})
    if input.chat_account_id is not strawberry.UNSET:
        body["connection_id"] = None if input.chat_account_id is None else str(input.chat_account_id)
    return body


def _group_success(group: GroupRead) -> GroupSuccess:
    return GroupSuccess(group=Group.from_dto(group))
