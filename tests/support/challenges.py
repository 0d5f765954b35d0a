"""REST builders for challenge tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx

from tests.support.gamification import COMMUNITY

# A 3-day early-rising challenge in Shanghai: check-ins 05:00-08:00 local (21:00-24:00 UTC the day before).
START_DATE = "2026-03-01"
DAY1_OPEN = datetime(2026, 2, 28, 21, 0, tzinfo=UTC)
BEFORE_START = datetime(2026, 2, 20, 12, 0, tzinfo=UTC)


def base(community_id: str = COMMUNITY) -> str:
    return f"/v1/communities/{community_id}"


async def create_challenge(
    client: httpx.AsyncClient, community_id: str = COMMUNITY, **overrides: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Early risers",
        "start_date": START_DATE,
        "days": 3,
        "timezone": "Asia/Shanghai",
        "window_start": "05:00",
        "window_end": "08:00",
    }
    body.update(overrides)
    response = await client.post(f"{base(community_id)}/challenges", json=body)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def enroll(
    client: httpx.AsyncClient, challenge_id: str, member_id: str, community_id: str = COMMUNITY
) -> httpx.Response:
    return await client.post(
        f"{base(community_id)}/challenges/{challenge_id}/enrollments", json={"member_id": member_id}
    )


async def check_in(
    client: httpx.AsyncClient,
    challenge_id: str,
    member_id: str,
    *,
    text: str = "打卡",
    key: str | None = None,
    community_id: str = COMMUNITY,
    **extra: Any,
) -> httpx.Response:
    headers = {"Idempotency-Key": key} if key else {}
    return await client.post(
        f"{base(community_id)}/challenges/{challenge_id}/checkins",
        json={"member_id": member_id, "text": text, **extra},
        headers=headers,
    )


async def enrollment(
    client: httpx.AsyncClient, challenge_id: str, member_id: str, community_id: str = COMMUNITY
) -> dict[str, Any]:
    response = await client.get(f"{base(community_id)}/challenges/{challenge_id}/enrollments/{member_id}")
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result
