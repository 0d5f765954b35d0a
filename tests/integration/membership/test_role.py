"""Roles: who may make whom an admin or a moderator, and how ownership moves."""

from __future__ import annotations

from fastapi import FastAPI

from kit.auth import Principal
from tests.support.factories import rest_create_community
from tests.support.guildhall import service_client
from tests.support.lifecycle import outbox_events, rest_make_owner, rest_set_role
from tests.support.membership import rest_add_member

ADMIN = Principal(role="platform_admin", key_id="key_admin")


async def test_the_key_sets_the_first_owner_who_makes_admins_and_admins_make_moderators(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        community = await rest_create_community(client)
        cid = community["id"]
        owner, admin, mod, member = [await rest_add_member(client, cid) for _ in range(4)]
        crowned = await rest_make_owner(client, cid, owner["id"])
        base = f"/v1/communities/{cid}/members"
        by_owner = await client.post(
            f"{base}/{admin['id']}/role", json={"role": "admin", "acting_member_id": owner["id"]}
        )
        by_admin = await client.post(
            f"{base}/{mod['id']}/role", json={"role": "moderator", "acting_member_id": admin["id"]}
        )
        admin_makes_admin = await client.post(
            f"{base}/{member['id']}/role", json={"role": "admin", "acting_member_id": admin["id"]}
        )
        mod_makes_mod = await client.post(
            f"{base}/{member['id']}/role", json={"role": "moderator", "acting_member_id": mod["id"]}
        )
        revoked = await client.post(
            f"{base}/{mod['id']}/role", json={"role": "member", "acting_member_id": admin["id"]}
        )
        member_now = (await client.get(f"{base}/{member['id']}")).json()

    assert crowned["membership"]["role"] == "owner"
    assert by_owner.json()["membership"]["role"] == "admin"
    assert by_admin.json()["membership"]["role"] == "moderator"
    assert admin_makes_admin.status_code == 403 and admin_makes_admin.json()["code"] == "permission_denied"
    assert mod_makes_mod.status_code == 403
    assert revoked.json()["membership"]["role"] == "member"
    assert member_now["membership"]["role"] == "member"
    changes = [
        (e["data"]["from_role"], e["data"]["to_role"]) for e in await outbox_events(membership, "member.role_changed")
    ]
    assert changes == [("member", "owner"), ("member", "admin"), ("member", "moderator"), ("moderator", "member")]


async def test_the_owner_cannot_be_demoted_removed_or_crowned_by_a_role_change(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        community = await rest_create_community(client)
        cid = community["id"]
        owner = await rest_add_member(client, cid)
        other = await rest_add_member(client, cid)
        await rest_make_owner(client, cid, owner["id"])
        demoted = await rest_set_role(client, cid, owner["id"], "admin")
        crowned = await rest_set_role(client, cid, other["id"], "owner")
        removed = await client.post(f"/v1/communities/{cid}/members/{owner['id']}/status", json={"to": "removed"})
        read = (await client.get(f"/v1/communities/{cid}/members/{owner['id']}")).json()

    assert demoted.status_code == 409 and demoted.json()["code"] == "owner_required"
    assert crowned.status_code == 422 and crowned.json()["errors"][0]["field"] == "role"
    assert removed.status_code == 409 and removed.json()["code"] == "owner_required"
    assert read["membership"]["role"] == "owner" and read["membership"]["status"] == "active"


async def test_ownership_moves_to_an_active_member_and_the_old_owner_becomes_admin(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        community = await rest_create_community(client)
        cid = community["id"]
        owner, heir, admin, gone = [await rest_add_member(client, cid) for _ in range(4)]
        await rest_make_owner(client, cid, owner["id"])
        await rest_set_role(client, cid, admin["id"], "admin")
        await client.post(f"/v1/communities/{cid}/members/{gone['id']}/status", json={"to": "left"})
        by_admin = await client.post(
            f"/v1/communities/{cid}/ownership", json={"member_id": admin["id"], "acting_member_id": admin["id"]}
        )
        to_gone = await client.post(f"/v1/communities/{cid}/ownership", json={"member_id": gone["id"]})
        moved = await client.post(
            f"/v1/communities/{cid}/ownership", json={"member_id": heir["id"], "acting_member_id": owner["id"]}
        )
        old = (await client.get(f"/v1/communities/{cid}/members/{owner['id']}")).json()
        owners = (await client.get(f"/v1/communities/{cid}/members")).json()["items"]

    assert by_admin.status_code == 403
    assert to_gone.status_code == 409 and to_gone.json()["code"] == "member_not_active"
    assert moved.status_code == 200 and moved.json()["membership"]["role"] == "owner"
    assert old["membership"]["role"] == "admin"
    assert [m["id"] for m in owners if m["membership"]["role"] == "owner"] == [heir["id"]]


async def test_a_member_cannot_make_themselves_the_first_owner(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        community = await rest_create_community(client)
        cid = community["id"]
        member = await rest_add_member(client, cid)
        refused = await client.post(
            f"/v1/communities/{cid}/ownership", json={"member_id": member["id"], "acting_member_id": member["id"]}
        )
    key = Principal(role="community_admin", key_id="key_c", community_id=cid)
    async with service_client(membership, key) as client:
        by_key = await client.post(f"/v1/communities/{cid}/ownership", json={"member_id": member["id"]})

    assert refused.status_code == 403
    assert by_key.status_code == 200 and by_key.json()["membership"]["role"] == "owner"


async def test_two_first_owners_set_at_once_leave_exactly_one_owner(membership: FastAPI) -> None:
    import asyncio

    async with service_client(membership, ADMIN) as client:
        community = await rest_create_community(client)
        cid = community["id"]
        ann, bob = [await rest_add_member(client, cid) for _ in range(2)]
        responses = await asyncio.gather(
            *(client.post(f"/v1/communities/{cid}/ownership", json={"member_id": m["id"]}) for m in (ann, bob))
        )
        members = (await client.get(f"/v1/communities/{cid}/members")).json()["items"]

    # Either the second request saw the first owner and handed ownership on, or it lost the race (409).
    assert all(r.status_code in (200, 409) for r in responses), [r.text for r in responses]
    assert [r.json()["code"] for r in responses if r.status_code == 409] in ([], ["owner_exists"])
    assert len([m for m in members if m["membership"]["role"] == "owner"]) == 1
