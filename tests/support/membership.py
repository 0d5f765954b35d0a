"""Builders of membership data through the service's REST API: ``rest_<verb>_<noun>(client, ...)``."""

from __future__ import annotations

import itertools
from typing import Any

import httpx

_numbers = itertools.count(1)


def tier_input(**overrides: Any) -> dict[str, Any]:
    number = next(_numbers)
    return {"key": f"tier-{number}", "name": f"Tier {number}", "rank": number, **overrides}


async def rest_create_tier(client: httpx.AsyncClient, community_id: str, **overrides: Any) -> dict[str, Any]:
    response = await client.post(f"/v1/communities/{community_id}/tiers", json=tier_input(**overrides))
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def member_input(**overrides: Any) -> dict[str, Any]:
    return {"display_name": f"Member {next(_numbers)}", **overrides}


async def rest_add_member(client: httpx.AsyncClient, community_id: str, **overrides: Any) -> dict[str, Any]:
    response = await client.post(f"/v1/communities/{community_id}/members", json=member_input(**overrides))
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body
