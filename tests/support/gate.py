"""Builders for gates, joins and payments through the membership REST API."""

from __future__ import annotations

import itertools
from typing import Any

import httpx

_numbers = itertools.count(1)


async def rest_set_gate(
    client: httpx.AsyncClient, community_id: str, tier_id: str, *requirements: dict[str, Any]
) -> dict[str, Any]:
    response = await client.put(
        f"/v1/communities/{community_id}/tiers/{tier_id}/gate", json={"requirements": list(requirements)}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def rest_create_invitation_code(
    client: httpx.AsyncClient, community_id: str, tier_id: str, **overrides: Any
) -> dict[str, Any]:
    response = await client.post(
        f"/v1/communities/{community_id}/invitation-codes", json={"tier_id": tier_id, **overrides}
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def person(**overrides: Any) -> dict[str, Any]:
    return {"display_name": f"Newcomer {next(_numbers)}", **overrides}


async def post_join(client: httpx.AsyncClient, community_id: str, tier_id: str, **body: Any) -> httpx.Response:
    if "member_id" not in body and "person" not in body:
        body["person"] = person()
    return await client.post(f"/v1/communities/{community_id}/joins", json={"tier_id": tier_id, **body})


async def rest_join(client: httpx.AsyncClient, community_id: str, tier_id: str, **body: Any) -> dict[str, Any]:
    response = await post_join(client, community_id, tier_id, **body)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def post_payment(
    client: httpx.AsyncClient, community_id: str, *, key: str | None = None, **body: Any
) -> httpx.Response:
    number = next(_numbers)
    data = {"provider": "wechat_pay", "provider_ref": f"wx-{number}", **body}
    headers = {"Idempotency-Key": key or f"pay-{number}"}
    return await client.post(f"/v1/communities/{community_id}/payments", json=data, headers=headers)
