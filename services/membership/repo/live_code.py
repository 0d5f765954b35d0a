"""Statements over live codes, their routings and the groups they fill."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.membership.models import Group
from services.membership.models.live_code import LiveCode, LiveCodeRouting


class LiveCodeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, row: LiveCode | LiveCodeRouting) -> None:
        self.session.add(row)

    async def get(self, community_id: str, live_code_id: str) -> LiveCode | None:
        row = await self.session.get(LiveCode, live_code_id)
        return row if row is not None and row.community_id == community_id else None

    async def by_code(self, code: str) -> LiveCode | None:
        """The live code behind a public join link; codes are unique across communities."""
        return (await self.session.exec(select(LiveCode).where(LiveCode.code == code))).first()

    async def list(self, community_id: str, *, after: str | None, limit: int) -> Sequence[LiveCode]:
        query = select(LiveCode).where(LiveCode.community_id == community_id).order_by(col(LiveCode.id)).limit(limit)
        if after is not None:
            query = query.where(col(LiveCode.id) > after)
        return (await self.session.exec(query)).all()

    async def groups(self, community_id: str, group_ids: Sequence[str]) -> dict[str, Group]:
        query = select(Group).where(Group.community_id == community_id, col(Group.id).in_(group_ids))
        return {group.id: group for group in (await self.session.exec(query)).all()}

    async def lock_group(self, group_id: str) -> Group | None:
        """The group's row, locked until commit (PostgreSQL; SQLite already has one writer at a time),
        so two routings counting its room one after the other see each other."""
        query = select(Group).where(Group.id == group_id).with_for_update().execution_options(populate_existing=True)
        return (await self.session.exec(query)).first()

    async def holds(self, group_id: str, *, now: datetime) -> int:
        query = select(func.count()).where(
            LiveCodeRouting.group_id == group_id,
            LiveCodeRouting.status == "pending",
            col(LiveCodeRouting.held_until) > now,
        )
        return (await self.session.exec(query)).one()

    async def pending_for(
        self, live_code_id: str, *, member_id: str | None, newcomer_ref: str | None, now: datetime
    ) -> LiveCodeRouting | None:
        """The newcomer's routing that still holds a place: scanning twice does not take two places."""
        if member_id is None and newcomer_ref is None:
            return None
        query = select(LiveCodeRouting).where(
            LiveCodeRouting.live_code_id == live_code_id,
            LiveCodeRouting.status == "pending",
            col(LiveCodeRouting.held_until) > now,
        )
        if member_id is not None:
            query = query.where(LiveCodeRouting.member_id == member_id)
        else:
            query = query.where(LiveCodeRouting.newcomer_ref == newcomer_ref)
        return (await self.session.exec(query.order_by(col(LiveCodeRouting.id).desc()))).first()

    async def hold_of(
        self, group_id: str, *, member_id: str, identity_ref: str, now: datetime
    ) -> LiveCodeRouting | None:
        """The unexpired hold in the group that names this person: by member, or by ``<platform>:<user id>``."""
        query = (
            select(LiveCodeRouting)
            .where(
                LiveCodeRouting.group_id == group_id,
                LiveCodeRouting.status == "pending",
                col(LiveCodeRouting.held_until) > now,
                or_(col(LiveCodeRouting.member_id) == member_id, col(LiveCodeRouting.newcomer_ref) == identity_ref),
            )
            .order_by(col(LiveCodeRouting.created_at), col(LiveCodeRouting.id))
            .with_for_update(skip_locked=True)
        )
        return (await self.session.exec(query)).first()

    async def oldest_anonymous_hold(self, group_id: str, *, platform: str, now: datetime) -> LiveCodeRouting | None:
        """The oldest unexpired hold in the group that names nobody (no member, no account on this platform)."""
        query = (
            select(LiveCodeRouting)
            .where(
                LiveCodeRouting.group_id == group_id,
                LiveCodeRouting.status == "pending",
                col(LiveCodeRouting.held_until) > now,
                col(LiveCodeRouting.member_id).is_(None),
                or_(
                    col(LiveCodeRouting.newcomer_ref).is_(None),
                    col(LiveCodeRouting.newcomer_ref).not_like(f"{platform}:%"),
                ),
            )
            .order_by(col(LiveCodeRouting.created_at), col(LiveCodeRouting.id))
            .with_for_update(skip_locked=True)
        )
        return (await self.session.exec(query)).first()
