"""Groups on any platform: create, change, archive, and who is in them."""

from __future__ import annotations

from fastapi import FastAPI

from kit.auth import Principal
from tests.support.factories import rest_create_community
from tests.support.guildhall import service_client
from tests.support.lifecycle import group_input, rest_create_group
from tests.support.membership import rest_add_member, rest_create_tier

ADMIN = Principal(role="platform_admin", key_id="key_admin")


async def test_groups_on_several_platforms_are_created_listed_changed_and_archived(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        community = await rest_create_community(client)
        cid = community["id"]
        premium = await rest_create_tier(client, cid)
        telegram = await rest_create_group(client, cid, capacity=200, tier_ids=[premium["id"], premium["id"]])
        wecom = await rest_create_group(client, cid, platform="WeCom", platform_chat_id="wrOgAAA", capacity=500)
        changed = await client.patch(f"/v1/communities/{cid}/groups/{telegram['id']}", json={"name": "Premium room"})
        archived = await client.patch(f"/v1/communities/{cid}/groups/{wecom['id']}", json={"archived": True})
        listed = (await client.get(f"/v1/communities/{cid}/groups")).json()
        everything = (await client.get(f"/v1/communities/{cid}/groups", params={"include_archived": True})).json()
        wecom_only = (
            await client.get(f"/v1/communities/{cid}/groups", params={"include_archived": True, "platform": "wecom"})
        ).json()

    assert telegram["tier_ids"] == [premium["id"]] and telegram["capacity"] == 200
    assert wecom["platform"] == "wecom" and wecom["member_count"] == 0
    assert changed.json()["name"] == "Premium room"
    assert archived.json()["archived"] is True
    assert [g["id"] for g in listed] == [telegram["id"]]
    assert {g["id"] for g in everything} == {telegram["id"], wecom["id"]}
    assert [g["id"] for g in wecom_only] == [wecom["id"]]


async def test_the_same_chat_twice_is_a_conflict_and_bad_input_is_named(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        community = await rest_create_community(client)
        cid = community["id"]
        first = await rest_create_group(client, cid, platform_chat_id="-42")
        twice = await client.post(f"/v1/communities/{cid}/groups", json=group_input(platform_chat_id="-42"))
        other = await rest_create_group(client, cid, platform_chat_id="-43")
        moved = await client.patch(f"/v1/communities/{cid}/groups/{other['id']}", json={"platform_chat_id": "-42"})
        unknown_tier = await client.post(f"/v1/communities/{cid}/groups", json=group_input(tier_ids=["tier_nope"]))
        bad_platform = await client.post(f"/v1/communities/{cid}/groups", json=group_input(platform="myspace"))
        zero = await client.post(f"/v1/communities/{cid}/groups", json=group_input(capacity=0))
        listed = (await client.get(f"/v1/communities/{cid}/groups")).json()

    assert twice.status_code == 409 and twice.json()["code"] == "group_chat_taken"
    assert moved.status_code == 409 and moved.json()["code"] == "group_chat_taken"
    assert unknown_tier.status_code == 404 and unknown_tier.json()["code"] == "tier_not_found"
    assert "tier_ids.0" in unknown_tier.json()["detail"]
    assert bad_platform.status_code == 422 and bad_platform.json()["errors"][0]["field"] == "platform"
    assert zero.status_code == 422 and zero.json()["errors"][0]["field"] == "capacity"
    assert sorted(g["id"] for g in listed) == sorted([first["id"], other["id"]])
    assert next(g for g in listed if g["id"] == other["id"])["platform_chat_id"] == "-43"


async def test_an_admin_adds_a_member_to_a_group_up_to_its_capacity(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        community = await rest_create_community(client)
        cid = community["id"]
        group = await rest_create_group(client, cid, capacity=1)
        path = f"/v1/communities/{cid}/groups/{group['id']}/members"
        ann = await rest_add_member(client, cid, identities=[{"platform": "telegram", "platform_user_id": "100"}])
        bob = await rest_add_member(client, cid, identities=[{"platform": "telegram", "platform_user_id": "200"}])
        slack_only = await rest_add_member(client, cid, identities=[{"platform": "slack", "platform_user_id": "U1"}])
        added = await client.post(path, json={"member_id": ann["id"]}, headers={"Idempotency-Key": "add-ann"})
        replayed = await client.post(path, json={"member_id": ann["id"]}, headers={"Idempotency-Key": "add-ann"})
        full = await client.post(path, json={"member_id": bob["id"]})
        no_account = await client.post(path, json={"member_id": slack_only["id"]})
        members = (await client.get(path)).json()["items"]
        count = (await client.get(f"/v1/communities/{cid}/groups/{group['id']}")).json()["member_count"]
        removed = await client.delete(f"{path}/{ann['id']}")
        after = (await client.get(f"/v1/communities/{cid}/groups/{group['id']}")).json()["member_count"]

    assert added.status_code == 201 and added.json()["platform_user_id"] == "100"
    assert replayed.json() == added.json()
    assert full.status_code == 409 and full.json()["code"] == "group_full"
    assert no_account.status_code == 422 and no_account.json()["errors"][0]["field"] == "member_id"
    assert [m["member_id"] for m in members] == [ann["id"]]
    assert count == 1
    assert removed.status_code == 204 and after == 0


async def test_another_communitys_key_cannot_see_or_touch_groups(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        mine = await rest_create_community(client)
        theirs = await rest_create_community(client)
        group = await rest_create_group(client, theirs["id"])
    outsider = Principal(role="community_admin", key_id="key_x", community_id=mine["id"])
    async with service_client(membership, outsider) as client:
        read = await client.get(f"/v1/communities/{theirs['id']}/groups/{group['id']}")
        listed = await client.get(f"/v1/communities/{theirs['id']}/groups")
        changed = await client.patch(f"/v1/communities/{theirs['id']}/groups/{group['id']}", json={"name": "x"})
        created = await client.post(f"/v1/communities/{theirs['id']}/groups", json=group_input())
        wrong = await client.get(f"/v1/communities/{mine['id']}/groups/{group['id']}")

    assert {read.status_code, listed.status_code, changed.status_code, created.status_code, wrong.status_code} == {404}
