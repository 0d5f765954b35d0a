"""Group presence arranged directly in the membership database (as the chat consumer would record it)."""

from __future__ import annotations

from fastapi import FastAPI

from services.membership.models import Group
from services.membership.models.group_member import GroupMember
from tests.support.moderation import START


async def add_presence(app: FastAPI, group: Group, member_id: str, platform_user_id: str) -> None:
    async with app.state.sessionmaker() as session:
        session.add(
            GroupMember(
                group_id=group.id,
                member_id=member_id,
                community_id=group.community_id,
                platform_user_id=platform_user_id,
                joined_at=START,
            )
        )
        await session.commit()
