"""GraphQL types of groups and who is in them."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from contracts.membership.group import GroupMemberRead, GroupRead
from gateway.schema.context import Context
from gateway.schema.member.types import Member, load_member
from gateway.schema.relay import Connection


@strawberry.type(description="A member's presence in a group, with the platform account that is there.")
class GroupMember:
    community_id: strawberry.Private[str]
    member_id: strawberry.ID
    platform_user_id: str = strawberry.field(description="The member's account in the group, in the platform's id.")
    source: str = strawberry.field(description="chat (seen joining or talking) or admin (added by hand)")
    joined_at: datetime = strawberry.field(description="When they were first seen in the group, or added by hand.")

    @classmethod
    def from_dto(cls, dto: GroupMemberRead, *, community_id: str) -> GroupMember:
        return cls(
            community_id=community_id,
            member_id=strawberry.ID(dto.member_id),
            platform_user_id=dto.platform_user_id,
            source=dto.source,
            joined_at=dto.joined_at,
        )

    @strawberry.field(description="The member; null if they no longer exist.")
    async def member(self, info: Info[Context, None]) -> Member | None:
        return await load_member(info, self.community_id, str(self.member_id))


@strawberry.type(description="One chat room on one platform, reached through one of the community's chat accounts.")
class Group:
    id: strawberry.ID
    community_id: strawberry.ID
    name: str = strawberry.field(description="The group's name for people, 1 to 100 characters.")
    platform: str = strawberry.field(
        description="The platform the chat is on: telegram, slack, discord, feishu, wecom, dingtalk or generic."
    )
    chat_account_id: strawberry.ID | None = strawberry.field(
        description="The chat account (bot) the group is reached through; null for none yet."
    )
    connection_id: str | None = strawberry.field(
        description="The chat account (bot) the group is reached through.",
        deprecation_reason="Use chatAccountId; removed in 0.3.0.",
    )
    platform_chat_id: str = strawberry.field(description="The chat's own id on the platform.")
    capacity: int | None = strawberry.field(
        description="How many members the group has room for; null for no limit. Live codes route past a full group."
    )
    tier_ids: list[strawberry.ID] = strawberry.field(
        description="Members of these tiers belong here; empty means any member."
    )
    member_count: int = strawberry.field(description="How many members are in the group now.")
    archived: bool = strawberry.field(
        description="Archived: no one is added or routed to it, and lists leave it out unless asked."
    )
    created_at: datetime

    @classmethod
    def from_dto(cls, dto: GroupRead) -> Group:
        return cls(
            id=strawberry.ID(dto.id),
            community_id=strawberry.ID(dto.community_id),
            name=dto.name,
            platform=dto.platform,
            chat_account_id=strawberry.ID(dto.connection_id) if dto.connection_id else None,
            connection_id=dto.connection_id,
            platform_chat_id=dto.platform_chat_id,
            capacity=dto.capacity,
            tier_ids=[strawberry.ID(t) for t in dto.tier_ids],
            member_count=dto.member_count,
            archived=dto.archived,
            created_at=dto.created_at,
        )

    @strawberry.field(description="Who is in the group, a page at a time.")
    async def members(
        self, info: Info[Context, None], first: int = 50, after: str | None = None
    ) -> Connection[GroupMember]:
        community_id = str(self.community_id)
        page = await info.context.membership.group_members(community_id, str(self.id), limit=first, cursor=after)
        members = [GroupMember.from_dto(row, community_id=community_id) for row in page.items]
        return Connection.of(
            members, next_cursor=page.next_cursor, after=after, key=lambda member: str(member.member_id)
        )
