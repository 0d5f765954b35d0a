"""Entitlement checks through the REST API: decisions with reasons, served from Redis, and correct on
the very next request after any change (status, tier, benefits, role, standing, groups, time)."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI

from kit.auth import Principal
from kit.clock import ManualClock
from services.membership.domain.entitlement import Snapshot
from services.membership.repo.entitlement_cache import EntitlementCache
from tests.support.access import allowed, check, create_group, update_group, update_membership
from tests.support.factories import rest_create_community
from tests.support.guildhall import service_client
from tests.support.membership import rest_add_member, rest_create_tier

ADMIN = Principal(role="platform_admin", key_id="key_admin")


async def test_a_tier_benefit_is_allowed_and_anything_else_denied_with_the_reason(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        tier = await rest_create_tier(client, cid, benefits=["content:premium"])
        member = await rest_add_member(client, cid, tier_id=tier["id"])
        first = await check(client, cid, member["id"], "content:premium")
        second = await check(client, cid, member["id"], "content:premium")
        other = await allowed(client, cid, member["id"], "event:offline")
        stranger = await allowed(client, cid, "mbr_nobody", "content:premium")
        untiered = await rest_add_member(client, cid)
        no_tier = await allowed(client, cid, untiered["id"], "content:premium")

    assert (first["allowed"], first["reason"], first["cache"]) == (True, "tier_benefit", "miss")
    assert (second["allowed"], second["cache"]) == (True, "hit")
    assert other == (False, "tier_lacks_benefit")
    assert stranger == (False, "not_a_member")
    assert no_tier == (False, "no_tier")


async def test_a_status_change_is_seen_by_the_next_check_not_after_the_ttl(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        tier = await rest_create_tier(client, cid, benefits=["content:premium"])
        member = await rest_add_member(client, cid, tier_id=tier["id"])
        path = f"/v1/communities/{cid}/members/{member['id']}/status"
        before = await allowed(client, cid, member["id"], "content:premium")
        await client.post(path, json={"to": "banned"})
        banned = await check(client, cid, member["id"], "content:premium")
        await client.post(path, json={"to": "removed"})
        removed = await allowed(client, cid, member["id"], "content:premium")
        await client.post(path, json={"to": "active"})
        back = await allowed(client, cid, member["id"], "content:premium")

    assert before == (True, "tier_benefit")
    assert (banned["allowed"], banned["reason"], banned["cache"]) == (False, "banned", "miss")
    assert removed == (False, "removed")
    assert back == (True, "tier_benefit")


async def test_changing_a_tiers_benefits_changes_every_member_of_it_at_once(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        tier = await rest_create_tier(client, cid, benefits=["content:premium"])
        members = [await rest_add_member(client, cid, tier_id=tier["id"]) for _ in range(3)]
        before = [await allowed(client, cid, m["id"], "event:offline") for m in members]
        response = await client.patch(f"/v1/communities/{cid}/tiers/{tier['id']}", json={"benefits": ["event:offline"]})
        after = [await allowed(client, cid, m["id"], "event:offline") for m in members]
        premium = await allowed(client, cid, members[0]["id"], "content:premium")

    assert response.status_code == 200, response.text
    assert before == [(False, "tier_lacks_benefit")] * 3
    assert after == [(True, "tier_benefit")] * 3
    assert premium == (False, "tier_lacks_benefit")


async def test_tier_role_and_standing_changes_are_seen_at_once(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        basic = await rest_create_tier(client, cid)
        premium = await rest_create_tier(client, cid, benefits=["content:premium"])
        member = await rest_add_member(client, cid, tier_id=basic["id"])
        mid = member["id"]
        keys = ["content:premium", "moderation:strikes", "standing:contributor", "event:offline"]
        before = [await allowed(client, cid, mid, key) for key in keys]
        await update_membership(membership, mid, tier_id=premium["id"])
        tiered = await allowed(client, cid, mid, "content:premium")
        await update_membership(membership, mid, role="moderator", standing="core")
        staff = [await allowed(client, cid, mid, key) for key in keys]
        await update_membership(membership, mid, role="admin")
        admin = await allowed(client, cid, mid, "event:offline")

    assert before == [
        (False, "tier_lacks_benefit"),
        (False, "role_required"),
        (False, "standing_too_low"),
        (False, "tier_lacks_benefit"),
    ]
    assert tiered == (True, "tier_benefit")
    assert staff == [(True, "role"), (True, "role"), (True, "standing"), (False, "tier_lacks_benefit")]
    assert admin == (True, "role")


async def test_a_group_opens_to_the_tiers_it_lists(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        lead = await rest_create_tier(client, cid)
        paid = await rest_create_tier(client, cid)
        group = await create_group(membership, cid, tier_ids=[paid["id"]])
        open_group = await create_group(membership, cid)
        member = await rest_add_member(client, cid, tier_id=lead["id"])
        before = await allowed(client, cid, member["id"], f"group:{group.id}")
        everyone = await allowed(client, cid, member["id"], f"group:{open_group.id}")
        await update_group(membership, group.id, tier_ids=[paid["id"], lead["id"]])
        after = await allowed(client, cid, member["id"], f"group:{group.id}")

    assert before == (False, "tier_lacks_benefit")
    assert everyone == (True, "group")
    assert after == (True, "group")


async def test_a_membership_past_its_end_holds_nothing_even_before_the_expiry_job(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        tier = await rest_create_tier(client, cid, benefits=["content:premium"], period="days", period_days=30)
        member = await rest_add_member(client, cid, tier_id=tier["id"])
        clock = ManualClock(membership.state.clocks.now(cid))
        membership.state.clocks.set(cid, clock)
        within = await allowed(client, cid, member["id"], "content:premium")
        clock.advance(timedelta(days=31))
        after = await check(client, cid, member["id"], "content:premium")

    assert within == (True, "tier_benefit")
    assert (after["allowed"], after["reason"], after["cache"]) == (False, "expired", "hit")


async def test_the_batch_checks_many_keys_and_many_members(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        tier = await rest_create_tier(client, cid, benefits=["content:premium", "event:offline"])
        a = await rest_add_member(client, cid, tier_id=tier["id"])
        b = await rest_add_member(client, cid)
        await check(client, cid, a["id"], "content:premium")  # one snapshot cached, one not
        response = await client.post(
            f"/v1/communities/{cid}/entitlements:check",
            json={"member_ids": [a["id"], b["id"]], "keys": ["content:premium", "event:offline"]},
        )

    assert response.status_code == 200, response.text
    assert [(r["member_id"], r["key"], r["allowed"], r["reason"]) for r in response.json()["results"]] == [
        (a["id"], "content:premium", True, "tier_benefit"),
        (a["id"], "event:offline", True, "tier_benefit"),
        (b["id"], "content:premium", False, "no_tier"),
        (b["id"], "event:offline", False, "no_tier"),
    ]


async def test_bad_keys_are_named_and_other_communities_are_not_found(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        other = (await rest_create_community(client))["id"]
        member = await rest_add_member(client, cid)
        bad = await client.get(f"/v1/communities/{cid}/members/{member['id']}/entitlements/premium")
        bad_standing = await client.get(f"/v1/communities/{cid}/members/{member['id']}/entitlements/standing:guru")
        bad_batch = await client.post(
            f"/v1/communities/{cid}/entitlements:check", json={"member_ids": [member["id"]], "keys": ["nope"]}
        )
    async with service_client(membership, Principal(role="community_admin", community_id=other)) as client:
        foreign = await client.get(f"/v1/communities/{cid}/members/{member['id']}/entitlements/content:x")

    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "key"
    assert bad_standing.status_code == 422 and "contributor" in bad_standing.json()["errors"][0]["reason"]
    assert bad_batch.status_code == 422 and bad_batch.json()["errors"][0]["field"] == "keys"
    assert foreign.status_code == 404 and foreign.json()["code"] == "community_not_found"


async def test_a_snapshot_read_before_a_change_and_written_after_it_is_never_used(membership: FastAPI) -> None:
    cache: EntitlementCache = membership.state.entitlement_cache
    [before] = await cache.read("cmty_race", ["mbr_race"])
    await cache.invalidate(members=[("cmty_race", "mbr_race")], communities=[])
    await cache.write("cmty_race", [("mbr_race", before.generations, Snapshot(status="active"))])
    [after] = await cache.read("cmty_race", ["mbr_race"])
    await cache.write("cmty_race", [("mbr_race", after.generations, Snapshot(status="banned"))])
    [fresh] = await cache.read("cmty_race", ["mbr_race"])

    assert before.snapshot is None
    assert after.snapshot is None
    assert fresh.snapshot == Snapshot(status="banned")
