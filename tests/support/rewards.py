"""REST builders for badges, rewards, surprises and probes in the gamification service's tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx

from contracts.events import MemberActivity
from tests.support.gamification import COMMUNITY


async def _created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def create_badge(client: httpx.AsyncClient, community_id: str = COMMUNITY, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Chatty",
        "description": "Three messages",
        "image_url": "https://img.example/chatty.png",
        "criteria": {"kind": "count", "event": "member.activity.message", "n": 3},
    }
    body.update(overrides)
    return await _created(await client.post(f"/v1/communities/{community_id}/badges", json=body))


async def create_reward(client: httpx.AsyncClient, community_id: str = COMMUNITY, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"name": "Mug", "cost": 30, "stock": 5}
    body.update(overrides)
    return await _created(await client.post(f"/v1/communities/{community_id}/rewards", json=body))


async def redeem(
    client: httpx.AsyncClient, reward_id: str, member_id: str, *, key: str | None = None, community_id: str = COMMUNITY
) -> httpx.Response:
    headers = {"Idempotency-Key": key} if key else {}
    return await client.post(
        f"/v1/communities/{community_id}/rewards/{reward_id}/redemptions",
        json={"member_id": member_id},
        headers=headers,
    )


async def member_badges(client: httpx.AsyncClient, member_id: str, community_id: str = COMMUNITY) -> list[str]:
    response = await client.get(f"/v1/communities/{community_id}/badges-of-members", params={"member_id": member_id})
    assert response.status_code == 200, response.text
    return [f"{a['badge_id']}:{a['award_key']}" for a in response.json()["items"][0]["awards"]]


def message(
    member_id: str, at: datetime | None = None, *, text: str = "hello there", group_id: str = "grp_1"
) -> MemberActivity:
    return MemberActivity(
        member_id=member_id,
        kind="message",
        group_id=group_id,
        platform="telegram",
        text=text,
        text_length=len(text),
        occurred_at=at or datetime.now(UTC),
    )
