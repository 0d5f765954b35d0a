"""The membership service's community API, called as the gateway calls it."""

from __future__ import annotations

import asyncio
import json

from fastapi import FastAPI
from sqlmodel import select

from kit.auth import PRINCIPAL_HEADER, SYSTEM, Principal, sign_principal
from kit.tables import outbox
from tests.support.factories import community_input, rest_create_community
from tests.support.guildhall import service_client

ADMIN = Principal(role="platform_admin", key_id="key_admin")


async def outbox_types(app: FastAPI) -> list[str]:
    async with app.state.sessionmaker() as session:
        return list((await session.exec(select(outbox.c.type))).all())


async def test_creating_a_community_stores_it_and_emits_community_created(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        created = await rest_create_community(client, name="Early  Risers ", timezone=" Asia/Shanghai", rules="Be kind")
        fetched = await client.get(f"/v1/communities/{created['id']}")

    assert created["name"] == "Early Risers"
    assert created["timezone"] == "Asia/Shanghai"
    assert fetched.json() == created
    async with membership.state.sessionmaker() as session:
        envelope = json.loads((await session.exec(select(outbox.c.envelope))).one())
    assert envelope["type"] == "community.created"
    assert envelope["community_id"] == created["id"]
    assert envelope["producer"] == "membership"
    assert envelope["data"] == {"community_id": created["id"], "name": "Early Risers", "timezone": "Asia/Shanghai"}


async def test_bad_input_is_a_problem_naming_each_field_and_changes_nothing(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        response = await client.post(
            "/v1/communities", json={"name": "", "timezone": "Asia/Nowhere", "mission": "x" * 2001, "colour": "red"}
        )
        listed = await client.get("/v1/communities")

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "invalid_input"
    reasons = {error["field"]: error["reason"] for error in problem["errors"]}
    assert reasons["name"] == "must not be empty"
    assert "'Asia/Nowhere' is not an IANA time zone name" in reasons["timezone"]
    assert reasons["mission"] == "must be at most 2000 characters"
    assert "colour" in reasons
    assert listed.json()["items"] == []
    assert await outbox_types(membership) == []


async def test_requests_without_a_valid_internal_principal_are_refused(membership: FastAPI) -> None:
    forged = sign_principal(ADMIN, "not-the-secret")
    async with service_client(membership, None) as client:
        missing = await client.post("/v1/communities", json=community_input())
        wrong = await client.post("/v1/communities", json=community_input(), headers={PRINCIPAL_HEADER: forged})
        listed = await client.get("/v1/communities", headers={PRINCIPAL_HEADER: sign_principal(SYSTEM, "x")})

    assert [missing.status_code, wrong.status_code, listed.status_code] == [401, 401, 401]
    assert missing.json()["code"] == "unauthenticated"
    assert await outbox_types(membership) == []


async def test_a_community_key_sees_only_its_own_community(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as admin:
        mine = await rest_create_community(admin)
        other = await rest_create_community(admin)
    me = Principal(role="community_admin", key_id="key_me", community_id=mine["id"])

    async with service_client(membership, me) as client:
        own = await client.get(f"/v1/communities/{mine['id']}")
        foreign = await client.get(f"/v1/communities/{other['id']}")
        listed = await client.get("/v1/communities", params={"ids": [mine["id"], other["id"]]})
        create = await client.post("/v1/communities", json=community_input())

    assert own.status_code == 200
    assert foreign.status_code == 404
    assert foreign.json()["code"] == "community_not_found"
    assert [c["id"] for c in listed.json()["items"]] == [mine["id"]]
    assert create.status_code == 403
    assert create.json()["code"] == "platform_admin_required"


async def test_listing_pages_through_communities_in_creation_order(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        ids = [(await rest_create_community(client))["id"] for _ in range(5)]
        seen: list[str] = []
        cursor = None
        while True:
            params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
            page = (await client.get("/v1/communities", params=params)).json()
            seen += [c["id"] for c in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        bad_cursor = await client.get("/v1/communities", params={"cursor": "%%%"})

    assert seen == ids
    assert bad_cursor.status_code == 422
    assert bad_cursor.json()["errors"][0]["field"] == "cursor"


async def test_a_retried_create_with_the_same_idempotency_key_returns_the_first_community(membership: FastAPI) -> None:
    body = community_input(name="Once")
    async with service_client(membership, ADMIN) as client:
        first = await client.post("/v1/communities", json=body, headers={"Idempotency-Key": "k1"})
        again = await client.post("/v1/communities", json=body, headers={"Idempotency-Key": "k1"})
        changed = await client.post(
            "/v1/communities", json={**body, "name": "Twice"}, headers={"Idempotency-Key": "k1"}
        )
        listed = await client.get("/v1/communities")

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert changed.status_code == 422
    assert changed.json()["code"] == "idempotency_key_reused"
    assert [c["id"] for c in listed.json()["items"]] == [first.json()["id"]]
    assert await outbox_types(membership) == ["community.created"]


async def test_concurrent_creates_with_one_idempotency_key_make_one_community(membership: FastAPI) -> None:
    body = community_input(name="Stampede")
    async with service_client(membership, ADMIN) as client:
        responses = await asyncio.gather(
            *(client.post("/v1/communities", json=body, headers={"Idempotency-Key": "same"}) for _ in range(8))
        )
        listed = await client.get("/v1/communities")

    ids = {r.json()["id"] for r in responses if r.status_code == 201}
    refused = [r.json()["code"] for r in responses if r.status_code != 201]
    assert len(ids) == 1
    assert set(refused) <= {"idempotency_key_in_use"}
    assert [c["id"] for c in listed.json()["items"]] == list(ids)
    assert await outbox_types(membership) == ["community.created"]
