"""Test helpers for standing and purges: a membership app on a manual clock, activity rows, groups."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi import FastAPI
from sqlmodel import col, select

from guildhall.parts import SERVICES
from kit.clock import Clocks, ManualClock
from kit.ids import new_id
from kit.tables import outbox
from services.membership.models import ActivityDay, Group, Membership
from tests.support.backends import Backend
from tests.support.guildhall import service_settings

START = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)  # noon in Asia/Shanghai


@asynccontextmanager
async def membership_on_clock(backend: Backend, clock: ManualClock) -> AsyncIterator[FastAPI]:
    """The membership app with its lifespan entered, every community on ``clock``."""
    app = SERVICES["membership"].build(service_settings(backend, "membership"), clocks=Clocks(clock))
    async with app.router.lifespan_context(app):
        yield app


async def add_activity(
    app: FastAPI,
    community_id: str,
    member_id: str,
    *,
    days: list[date],
    messages: int = 0,
    reactions: int = 0,
    checkins: int = 0,
    characters: int = 0,
    last_at: datetime | None = None,
) -> None:
    """One ActivityDay row per day (the chat consumer of another branch fills these in production)."""
    async with app.state.sessionmaker() as session:
        for day in days:
            session.add(
                ActivityDay(
                    community_id=community_id,
                    member_id=member_id,
                    day=day,
                    messages=messages,
                    characters=characters,
                    reactions=reactions,
                    checkins=checkins,
                    last_at=last_at or datetime(day.year, day.month, day.day, 4, tzinfo=UTC),
                )
            )
        await session.commit()


def days_back(today: date, count: int, *, offset: int = 0) -> list[date]:
    """``count`` days ending ``offset`` days before ``today``."""
    return [today - timedelta(days=offset + n) for n in range(count)]


async def add_group(app: FastAPI, community_id: str, **overrides: Any) -> Group:
    fields: dict[str, Any] = {
        "id": new_id("grp"),
        "community_id": community_id,
        "name": "Main",
        "platform": "telegram",
        "connection_id": "conn_1",
        "platform_chat_id": f"-100{new_id('x')[-8:]}",
        "created_at": START,
        **overrides,
    }
    group = Group(**fields)
    async with app.state.sessionmaker() as session:
        session.add(group)
        await session.commit()
    return group


async def set_membership(app: FastAPI, member_id: str, **fields: Any) -> None:
    """Change a membership row directly (role, standing lock, joined_at) to arrange a test."""
    async with app.state.sessionmaker() as session:
        row = (await session.exec(select(Membership).where(Membership.member_id == member_id))).one()
        for name, value in fields.items():
            setattr(row, name, value)
        await session.commit()


async def events(app: FastAPI, *types: str) -> list[dict[str, Any]]:
    """Envelopes in the outbox, oldest first, of the given types (all when none given)."""
    async with app.state.sessionmaker() as session:
        query = select(outbox.c.envelope).order_by(outbox.c.seq)
        if types:
            query = query.where(col(outbox.c.type).in_(types))
        rows = (await session.exec(query)).all()
    return [json.loads(row) for row in rows]
