"""REST builders for deposit challenge tests."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support.challenges import base
from tests.support.gamification import COMMUNITY

STAKE = 10_000
CURRENCY = "CNY"


async def confirm_stake(
    client: httpx.AsyncClient,
    challenge_id: str,
    member_id: str,
    *,
    reference: str | None = None,
    amount: int = STAKE,
    currency: str = CURRENCY,
    community_id: str = COMMUNITY,
) -> httpx.Response:
    body = {"amount": amount, "currency": currency, "reference": reference or f"pay-{member_id}"}
    return await client.post(f"{base(community_id)}/challenges/{challenge_id}/enrollments/{member_id}/stake", json=body)


async def pay_out(
    client: httpx.AsyncClient,
    challenge_id: str,
    member_id: str,
    amount: int,
    *,
    reference: str,
    currency: str = CURRENCY,
    community_id: str = COMMUNITY,
) -> httpx.Response:
    body = {"amount": amount, "currency": currency, "reference": reference}
    return await client.post(
        f"{base(community_id)}/challenges/{challenge_id}/enrollments/{member_id}/payouts", json=body
    )


async def deposit(
    client: httpx.AsyncClient, challenge_id: str, member_id: str, community_id: str = COMMUNITY
) -> dict[str, Any]:
    response = await client.get(f"{base(community_id)}/challenges/{challenge_id}/enrollments/{member_id}/deposit")
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def challenge_deposits(
    client: httpx.AsyncClient, challenge_id: str, community_id: str = COMMUNITY
) -> dict[str, Any]:
    response = await client.get(f"{base(community_id)}/challenges/{challenge_id}/deposits")
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result
