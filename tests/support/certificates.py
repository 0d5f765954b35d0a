"""REST builders for certificate templates and certificates in the gamification service's tests."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support.gamification import COMMUNITY

CHINESE_NAME = "张三丰"
CHINESE_ACHIEVEMENT = "完成了 21 天早起挑战"


async def create_template(client: httpx.AsyncClient, community_id: str = COMMUNITY, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Early riser",
        "achievement_name": CHINESE_ACHIEVEMENT,
        "description": "21 days up before 6:30, checked in every morning",
        "issuer_name": "晨读会 Morning Readers",
        "trigger_kind": "challenge",
        "trigger_ref": "chl_early",
    }
    body.update(overrides)
    response = await client.post(f"/v1/communities/{community_id}/certificate-templates", json=body)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def issue(
    client: httpx.AsyncClient,
    template_id: str,
    member_id: str,
    *,
    community_id: str = COMMUNITY,
    key: str | None = None,
    recipient_name: str | None = None,
) -> httpx.Response:
    headers = {"Idempotency-Key": key} if key else {}
    body: dict[str, Any] = {"template_id": template_id, "member_id": member_id}
    if recipient_name is not None:
        body["recipient_name"] = recipient_name
    return await client.post(f"/v1/communities/{community_id}/certificates", json=body, headers=headers)


async def certificates_of(
    client: httpx.AsyncClient, member_id: str, *, community_id: str = COMMUNITY, **params: Any
) -> dict[str, Any]:
    response = await client.get(
        f"/v1/communities/{community_id}/certificates", params={"member_id": member_id, **params}
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result
