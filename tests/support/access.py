"""Builders and probes for entitlements, live codes and imports (membership access)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi import FastAPI
from sqlmodel import select

from kit.ids import new_id
from services.membership.models import Group, Membership

_numbers = itertools.count(1)


async def check(client: httpx.AsyncClient, community_id: str, member_id: str, key: str) -> dict[str, Any]:
    """One entitlement check; the body with the cache header added as ``cache``."""
    response = await client.get(f"/v1/communities/{community_id}/members/{member_id}/entitlements/{key}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return {**body, "cache": response.headers["X-Entitlement-Cache"]}


async def allowed(client: httpx.AsyncClient, community_id: str, member_id: str, key: str) -> tuple[bool, str]:
    body = await check(client, community_id, member_id, key)
    return body["allowed"], body["reason"]


async def create_group(app: FastAPI, community_id: str, **overrides: Any) -> Group:
    """Groups have no REST API yet (issue #3, capability 1): written straight to the service's database."""
    number = next(_numbers)
    group = Group(
        id=new_id("grp"),
        community_id=community_id,
        name=f"Group {number}",
        platform="telegram",
        platform_chat_id=f"-100{number:06d}",
        created_at=datetime.now(UTC),
        **overrides,
    )
    async with app.state.sessionmaker() as session:
        session.add(group)
        await session.commit()
    return group


async def update_group(app: FastAPI, group_id: str, **changes: Any) -> None:
    async with app.state.sessionmaker() as session:
        group = await session.get(Group, group_id)
        assert group is not None
        for name, value in changes.items():
            setattr(group, name, value)
        await session.commit()


async def update_membership(app: FastAPI, member_id: str, **changes: Any) -> None:
    """Role and standing have no REST API in this branch: changed on the row, as their use cases would."""
    async with app.state.sessionmaker() as session:
        membership = (await session.exec(select(Membership).where(Membership.member_id == member_id))).one()
        for name, value in changes.items():
            setattr(membership, name, value)
        await session.commit()


async def rest_create_live_code(
    client: httpx.AsyncClient, community_id: str, group_ids: list[str], **overrides: Any
) -> dict[str, Any]:
    body = {"name": f"Live code {next(_numbers)}", "routes": [{"group_id": gid} for gid in group_ids], **overrides}
    response = await client.post(f"/v1/communities/{community_id}/live-codes", json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def route(client: httpx.AsyncClient, community_id: str, live_code_id: str, **newcomer: Any) -> httpx.Response:
    return await client.post(f"/v1/communities/{community_id}/live-codes/{live_code_id}/routings", json=newcomer)


async def rest_import(
    client: httpx.AsyncClient, community_id: str, records: list[dict[str, str]], **options: Any
) -> httpx.Response:
    """Rows numbered from 2, as a spreadsheet under its header row shows them."""
    rows = [{"row": number, "fields": cells} for number, cells in enumerate(records, start=2)]
    return await client.post(f"/v1/communities/{community_id}/members:import", json={"rows": rows, **options})
