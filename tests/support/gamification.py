"""REST builders for the gamification service's tests."""

from __future__ import annotations

from typing import Any

import httpx

COMMUNITY = "cmty_01m7y9wvft4hdrkcg2h0vakzsr"
OTHER_COMMUNITY = "cmty_01m7y9wvft4hdrkcg2h0vakzs9"


async def create_rule(client: httpx.AsyncClient, community_id: str = COMMUNITY, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"name": "Messages", "event": "member.activity.message", "points": 2}
    body.update(overrides)
    response = await client.post(f"/v1/communities/{community_id}/rules", json=body)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def grant(
    client: httpx.AsyncClient,
    member_id: str,
    points: int,
    *,
    community_id: str = COMMUNITY,
    key: str | None = None,
    reason: str = "thanks",
) -> httpx.Response:
    headers = {"Idempotency-Key": key} if key else {}
    return await client.post(
        f"/v1/communities/{community_id}/points/grants",
        json={"member_id": member_id, "points": points, "reason": reason},
        headers=headers,
    )


async def balance(client: httpx.AsyncClient, member_id: str, *, community_id: str = COMMUNITY) -> dict[str, Any]:
    response = await client.get(f"/v1/communities/{community_id}/members/{member_id}/points")
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def change_point_settings(
    client: httpx.AsyncClient, community_id: str = COMMUNITY, **body: Any
) -> httpx.Response:
    return await client.put(f"/v1/communities/{community_id}/points/settings", json=body)
