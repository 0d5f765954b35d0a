"""Members added by hand and moved through the lifecycle, with a log of every change."""

from __future__ import annotations

import json

from fastapi import FastAPI
from sqlmodel import select

from kit.auth import Principal
from kit.tables import outbox
from services.membership.models import Membership
from tests.support.factories import rest_create_community
from tests.support.guildhall import service_client
from tests.support.lifecycle import outbox_events
from tests.support.membership import rest_add_member, rest_create_tier

ADMIN = Principal(role="platform_admin", key_id="key_admin")


async def event_types(app: FastAPI) -> list[str]:
    async with app.state.sessionmaker() as session:
        rows = (await session.exec(select(outbox.c.envelope).order_by(outbox.c.seq))).all()
    return [json.loads(row)["type"] for row in rows]


async def test_an_added_member_is_active_and_joined_with_identities(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        community = await rest_create_community(client)
        tier = await rest_create_tier(client, community["id"], period="days", period_days=30)
        member = await rest_add_member(
            client,
            community["id"],
            display_name="Li Lei",
            tier_id=tier["id"],
            attributes={"region": "Shanghai", "tags": ["founder", "founder", "ai"]},
            identities=[{"platform": "Telegram", "platform_user_id": "1111111"}],
        )

    assert member["membership"]["status"] == "active"
    assert member["membership"]["role"] == "member"
    assert member["membership"]["tier_id"] == tier["id"]
    assert member["membership"]["expires_at"] is not None
    assert member["attributes"] == {"region": "Shanghai", "tags": ["ai", "founder"]}
    assert member["identities"] == [{"platform": "telegram", "platform_user_id": "1111111", "display_name": None}]
    assert await event_types(membership) == ["community.created", "member.joined"]
    (joined,) = await outbox_events(membership, "member.joined")
    assert joined["data"]["display_name"] == "Li Lei"  # gamification issues certificates in it


async def test_transitions_follow_the_state_machine_and_are_logged(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        community = await rest_create_community(client)
        cid = community["id"]
        member = await rest_add_member(client, cid)
        path = f"/v1/communities/{cid}/members/{member['id']}"
        banned = await client.post(f"{path}/status", json={"to": "banned", "reason": "spam"})
        refused = await client.post(f"{path}/status", json={"to": "active"})
        lifted = await client.post(f"{path}/status", json={"to": "removed", "reason": "appeal accepted"})
        log = (await client.get(f"{path}/transitions")).json()["items"]

    assert banned.json()["membership"]["status"] == "banned"
    assert refused.status_code == 409 and refused.json()["code"] == "transition_not_allowed"
    assert lifted.json()["membership"]["status"] == "removed"
    assert [(row["from_value"], row["to_value"], row["reason"]) for row in log] == [
        ("left", "active", "added by an admin"),
        ("active", "banned", "spam"),
        ("banned", "removed", "appeal accepted"),
    ]
    assert all(row["actor"] == "platform:key_admin" for row in log)
    assert await event_types(membership) == ["community.created", "member.joined", "member.removed"]


async def test_a_moderator_may_not_ban_and_nothing_changes(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        community = await rest_create_community(client)
        cid = community["id"]
        target = await rest_add_member(client, cid)
        moderator = await rest_add_member(client, cid)
        async with membership.state.sessionmaker() as session:
            row = (await session.exec(select(Membership).where(Membership.member_id == moderator["id"]))).one()
            row.role = "moderator"
            await session.commit()
        response = await client.post(
            f"/v1/communities/{cid}/members/{target['id']}/status",
            json={"to": "banned", "acting_member_id": moderator["id"]},
        )
        after = (await client.get(f"/v1/communities/{cid}/members/{target['id']}")).json()

    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert after["membership"]["status"] == "active"


async def test_another_communitys_key_sees_no_members(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        mine = await rest_create_community(client)
        theirs = await rest_create_community(client)
        member = await rest_add_member(client, theirs["id"])
    outsider = Principal(role="community_admin", key_id="key_x", community_id=mine["id"])
    async with service_client(membership, outsider) as client:
        read = await client.get(f"/v1/communities/{theirs['id']}/members/{member['id']}")
        listed = await client.get(f"/v1/communities/{theirs['id']}/members")
        added = await client.post(f"/v1/communities/{theirs['id']}/members", json={"display_name": "X"})

    assert {read.status_code, listed.status_code, added.status_code} == {404}


async def test_writes_under_a_community_that_does_not_exist_are_community_not_found_and_change_nothing(
    membership: FastAPI,
) -> None:
    async with service_client(membership, ADMIN) as client:
        member = await client.post("/v1/communities/cmty_nope/members", json={"display_name": "Li Lei"})
        tier = await client.post("/v1/communities/cmty_nope/tiers", json={"key": "lead", "name": "Lead", "rank": 1})
        group = await client.post(
            "/v1/communities/cmty_nope/groups", json={"platform": "telegram", "platform_chat_id": "-100", "name": "g"}
        )
        lookup = await client.get("/v1/communities/cmty_nope/members/mbr_nope")
        real = await rest_create_community(client)
        unknown_member = await client.get(f"/v1/communities/{real['id']}/members/mbr_nope")
    async with membership.state.sessionmaker() as session:
        rows = (await session.exec(select(Membership))).all()

    for refused in (member, tier, group, lookup):
        assert (refused.status_code, refused.json()["code"]) == (404, "community_not_found"), refused.text
    assert (unknown_member.status_code, unknown_member.json()["code"]) == (404, "member_not_found")
    assert rows == []
