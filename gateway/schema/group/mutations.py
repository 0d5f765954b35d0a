"""Mutations of groups: create, change (archive too), and presence by hand."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from gateway.clients import ServiceProblem
from gateway.schema.context import Context
from gateway.schema.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError, user_error_from
from gateway.schema.group.types import Group, GroupMember

Errors = InvalidInputError | ForbiddenError | NotFoundError | ConflictError


@strawberry.type
class GroupSuccess:
    group: Group


GroupPayload = Annotated[GroupSuccess | Errors, strawberry.union("GroupPayload")]


@strawberry.type
class GroupMemberSuccess:
    group_member: GroupMember


GroupMemberPayload = Annotated[GroupMemberSuccess | Errors, strawberry.union("GroupMemberPayload")]


@strawberry.type
class RemoveGroupMemberSuccess:
    group_id: strawberry.ID
    member_id: strawberry.ID


RemoveGroupMemberPayload = Annotated[RemoveGroupMemberSuccess | Errors, strawberry.union("RemoveGroupMemberPayload")]


@strawberry.input
class CreateGroupInput:
    community_id: strawberry.ID
    name: str
    platform: str = strawberry.field(description="telegram, slack, discord, feishu, wecom, dingtalk or generic")
    platform_chat_id: str
    connection_id: str | None = None
    capacity: int | None = None
    tier_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    acting_member_id: strawberry.ID | None = None
    idempotency_key: str | None = None


@strawberry.input(description="Only the fields given change; archived: true archives the group.")
class UpdateGroupInput:
    community_id: strawberry.ID
    id: strawberry.ID
    name: str | None = strawberry.UNSET
    platform: str | None = strawberry.UNSET
    platform_chat_id: str | None = strawberry.UNSET
    connection_id: str | None = strawberry.UNSET
    capacity: int | None = strawberry.UNSET
    tier_ids: list[strawberry.ID] | None = strawberry.UNSET
    archived: bool | None = strawberry.UNSET
    acting_member_id: strawberry.ID | None = None


@strawberry.input
class GroupMemberInput:
    community_id: strawberry.ID
    group_id: strawberry.ID
    member_id: strawberry.ID
    acting_member_id: strawberry.ID | None = None


def _given(**fields: Any) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if value is not strawberry.UNSET}


@strawberry.type
class GroupMutation:
    @strawberry.mutation(description="Bind a chat room on any platform to the community.")
    async def create_group(self, info: Info[Context, None], input: CreateGroupInput) -> GroupPayload:
        info.context.principal  # noqa: B018 - raises UNAUTHENTICATED when there is no key
        body: dict[str, Any] = {
            "name": input.name,
            "platform": input.platform,
            "platform_chat_id": input.platform_chat_id,
            "connection_id": input.connection_id,
            "capacity": input.capacity,
            "tier_ids": [str(t) for t in input.tier_ids],
            "acting_member_id": input.acting_member_id,
        }
        try:
            dto = await info.context.membership.create_group(
                str(input.community_id), body, idempotency_key=input.idempotency_key
            )
        except ServiceProblem as problem:
            return user_error_from(problem)
        return GroupSuccess(group=Group.from_dto(dto))

    @strawberry.mutation(description="Change a group; archive it with archived: true.")
    async def update_group(self, info: Info[Context, None], input: UpdateGroupInput) -> GroupPayload:
        info.context.principal  # noqa: B018
        body = _given(
            name=input.name,
            platform=input.platform,
            platform_chat_id=input.platform_chat_id,
            connection_id=input.connection_id,
            capacity=input.capacity,
            tier_ids=[str(t) for t in input.tier_ids] if isinstance(input.tier_ids, list) else input.tier_ids,
            archived=input.archived,
        )
        if input.acting_member_id is not None:
            body["acting_member_id"] = str(input.acting_member_id)
        try:
            dto = await info.context.membership.update_group(str(input.community_id), str(input.id), body)
        except ServiceProblem as problem:
            return user_error_from(problem)
        return GroupSuccess(group=Group.from_dto(dto))

    @strawberry.mutation(description="Record by hand that a member is in a group (within its capacity).")
    async def add_group_member(self, info: Info[Context, None], input: GroupMemberInput) -> GroupMemberPayload:
        info.context.principal  # noqa: B018
        body: dict[str, Any] = {"member_id": str(input.member_id)}
        if input.acting_member_id is not None:
            body["acting_member_id"] = str(input.acting_member_id)
        community_id = str(input.community_id)
        try:
            dto = await info.context.membership.add_group_member(community_id, str(input.group_id), body)
        except ServiceProblem as problem:
            return user_error_from(problem)
        return GroupMemberSuccess(group_member=GroupMember.from_dto(dto, community_id=community_id))

    @strawberry.mutation(description="Forget that a member is in a group.")
    async def remove_group_member(self, info: Info[Context, None], input: GroupMemberInput) -> RemoveGroupMemberPayload:
        info.context.principal  # noqa: B018
        try:
            await info.context.membership.remove_group_member(
                str(input.community_id),
                str(input.group_id),
                str(input.member_id),
                acting_member_id=str(input.acting_member_id) if input.acting_member_id else None,
            )
        except ServiceProblem as problem:
            return user_error_from(problem)
        return RemoveGroupMemberSuccess(group_id=input.group_id, member_id=input.member_id)
