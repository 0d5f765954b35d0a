"""Importing existing members in batches: a result per row, bad rows change nothing, re-runs skip."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI

from kit.auth import Principal
from tests.support.access import rest_import
from tests.support.factories import rest_create_community
from tests.support.guildhall import service_client
from tests.support.membership import rest_create_tier

ADMIN = Principal(role="platform_admin", key_id="key_admin")

GOOD = [
    {
        "display_name": "Li Lei",
        "external_ref": "crm-1",
        "tier": "premium",
        "role": "moderator",
        "telegram": "1001",
        "attr.region": "Shanghai",
        "tags": "ai;founder",
        "joined_at": "2024-03-01",
        "expires_at": "2099-01-01T00:00:00+08:00",
    },
    {"display_name": "Han Meimei", "wecom": "hanmm"},
]
BAD = [
    {"display_name": " ", "external_ref": "crm-2"},
    {"display_name": "Nobody Knows"},
    {"display_name": "Wrong Role", "external_ref": "crm-3", "role": "owner"},
    {"display_name": "Bad Date", "external_ref": "crm-4", "joined_at": "yesterday"},
    {"display_name": "No Such Tier", "external_ref": "crm-5", "tier": "gold"},
    {"display_name": "Taken", "external_ref": "crm-6", "telegram": "1001"},
]


async def members(client: httpx.AsyncClient, cid: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = (await client.get(f"/v1/communities/{cid}/members")).json()["items"]
    return items


async def test_good_rows_go_in_and_bad_rows_are_reported_with_field_and_reason(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        premium = await rest_create_tier(client, cid, key="premium")
        response = await rest_import(client, cid, [GOOD[0], *BAD, GOOD[1]])
        imported = await members(client, cid)

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["created"], body["skipped"], body["failed"]) == (2, 0, 6)
    by_row = {row["row"]: row for row in body["results"]}
    assert [by_row[n]["status"] for n in range(2, 10)] == ["created", *["failed"] * 6, "created"]
    assert {n: [(e["field"], e["reason"]) for e in by_row[n]["errors"]] for n in range(3, 9)} == {
        3: [("display_name", "must not be empty")],
        4: [("external_ref", "needed, or a platform identity, so a re-run can recognise this person")],
        5: [("role", "must be one of member, moderator, admin (ownership moves only by transfer)")],
        6: [
            (
                "joined_at",
                "must be an ISO 8601 date or time, like 2026-03-01 or 2026-03-01T08:00:00+08:00",
            )
        ],
        7: [("tier", "no tier with key 'gold' in this community")],
        8: [("telegram", f"account 1001 already belongs to member {by_row[2]['member_id']}")],
    }
    assert sorted(m["display_name"] for m in imported) == ["Han Meimei", "Li Lei"]
    li = next(m for m in imported if m["display_name"] == "Li Lei")
    assert li["attributes"] == {"region": "Shanghai", "tags": ["ai", "founder"]}
    assert li["identities"] == [{"platform": "telegram", "platform_user_id": "1001", "display_name": None}]
    membership_row = li["membership"]
    assert (membership_row["status"], membership_row["role"], membership_row["tier_id"]) == (
        "active",
        "moderator",
        premium["id"],
    )
    assert membership_row["joined_at"].startswith("2024-03-01T00:00:00")
    assert membership_row["expires_at"].startswith("2098-12-31T16:00:00")
    assert membership_row["source"] == "import"


async def test_importing_the_same_rows_again_skips_everyone_already_here(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        await rest_create_tier(client, cid, key="premium")
        first = (await rest_import(client, cid, GOOD)).json()
        again = (await rest_import(client, cid, GOOD)).json()
        imported = await members(client, cid)

    assert (again["created"], again["skipped"], again["failed"]) == (0, 2, 0)
    assert [row["member_id"] for row in again["results"]] == [row["member_id"] for row in first["results"]]
    assert len(imported) == 2


async def test_a_dry_run_checks_every_row_and_keeps_nothing(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        await rest_create_tier(client, cid, key="premium")
        response = await rest_import(client, cid, [*GOOD, BAD[0]], dry_run=True)
        imported = await members(client, cid)

    body = response.json()
    assert (body["valid"], body["created"], body["failed"]) == (2, 0, 1)
    assert imported == []


async def test_a_default_tier_applies_to_rows_without_one_and_an_unknown_one_refuses_the_batch(
    membership: FastAPI,
) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        lead = await rest_create_tier(client, cid, key="lead")
        unknown = await rest_import(client, cid, [GOOD[1]], tier="gold")
        nothing = await members(client, cid)
        done = (await rest_import(client, cid, [GOOD[1]], tier="lead")).json()
        imported = await members(client, cid)

    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "tier"
    assert nothing == []
    assert done["created"] == 1
    assert imported[0]["membership"]["tier_id"] == lead["id"]


async def test_another_communitys_key_cannot_import_and_a_batch_is_bounded(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        other = (await rest_create_community(client))["id"]
        too_many = await rest_import(client, cid, [GOOD[1]] * 501)
    async with service_client(membership, Principal(role="community_admin", community_id=other)) as client:
        foreign = await rest_import(client, cid, [GOOD[1]])

    assert too_many.status_code == 422 and too_many.json()["errors"][0]["field"] == "rows"
    assert foreign.status_code == 404
