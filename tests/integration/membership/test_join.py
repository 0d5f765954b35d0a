"""The join flow: every requirement of a tier's gate, and where the person ends up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi import FastAPI

from kit.auth import Principal
from kit.clock import ManualClock
from tests.support.factories import rest_create_community
from tests.support.gate import person, post_join, rest_create_invitation_code, rest_join, rest_set_gate
from tests.support.guildhall import service_client
from tests.support.membership import rest_add_member, rest_create_tier

ADMIN = Principal(role="platform_admin", key_id="key_admin")


async def test_an_open_free_tier_admits_a_new_person_at_once(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        community = await rest_create_community(client)
        cid = community["id"]
        tier = await rest_create_tier(client, cid, key="lead")
        joined = await rest_join(
            client,
            cid,
            tier["id"],
            person=person(display_name="Han Meimei", identities=[{"platform": "wecom", "platform_user_id": "hm"}]),
        )
        after = (await client.get(f"/v1/communities/{cid}/tiers/{tier['id']}")).json()

    assert joined["status"] == "active"
    assert joined["member"]["display_name"] == "Han Meimei"
    assert joined["member"]["membership"]["tier_id"] == tier["id"]
    assert joined["member"]["membership"]["source"] == "join"
    assert joined["member"]["identities"][0]["platform_user_id"] == "hm"
    assert after["seats_taken"] == 1


async def test_profile_criteria_name_the_unmet_attribute_and_change_nothing(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        tier = await rest_create_tier(client, cid)
        await rest_set_gate(
            client,
            cid,
            tier["id"],
            {
                "kind": "profile",
                "criteria": [
                    {"attribute": "region", "op": "one_of", "value": ["Shanghai", "Beijing"]},
                    {"attribute": "age", "op": "at_least", "value": 18},
                    {"attribute": "tags", "op": "has_tag", "value": "founder"},
                ],
            },
        )
        refused = await post_join(
            client, cid, tier["id"], person=person(attributes={"region": "Shenzhen", "age": 30, "tags": ["founder"]})
        )
        admitted = await post_join(
            client, cid, tier["id"], person=person(attributes={"region": "Beijing", "age": 18, "tags": ["founder"]})
        )
        members = (await client.get(f"/v1/communities/{cid}/members")).json()["items"]

    assert refused.status_code == 409
    assert refused.json()["code"] == "profile_criteria_not_met"
    assert refused.json()["errors"] == [
        {"field": "attributes.region", "reason": "region must be one of ['Shanghai', 'Beijing']"}
    ]
    assert admitted.status_code == 201 and admitted.json()["status"] == "active"
    assert len(members) == 1


async def test_an_invitation_tier_needs_a_live_code_for_that_tier(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        tier = await rest_create_tier(client, cid)
        other = await rest_create_tier(client, cid)
        await rest_set_gate(client, cid, tier["id"], {"kind": "invitation"})
        code = await rest_create_invitation_code(client, cid, tier["id"], max_uses=2, code="spring-2025")
        foreign = await rest_create_invitation_code(client, cid, other["id"])
        missing = await post_join(client, cid, tier["id"])
        wrong_tier = await post_join(client, cid, tier["id"], invitation_code=foreign["code"])
        unknown = await post_join(client, cid, tier["id"], invitation_code="NOPE1234")
        first = await post_join(client, cid, tier["id"], invitation_code="Spring-2025")
        second = await post_join(client, cid, tier["id"], invitation_code=code["code"])
        used_up = await post_join(client, cid, tier["id"], invitation_code=code["code"])
        codes = (await client.get(f"/v1/communities/{cid}/invitation-codes", params={"tier_id": tier["id"]})).json()

    assert missing.status_code == 422 and missing.json()["code"] == "invitation_code_required"
    assert missing.json()["errors"][0]["field"] == "invitation_code"
    assert wrong_tier.json()["code"] == "invitation_code_wrong_tier"
    assert unknown.json()["code"] == "invitation_code_unknown"
    assert code["code"] == "SPRING-2025"
    assert first.status_code == 201 and first.json()["member"]["membership"]["source"] == "invitation"
    assert second.status_code == 201
    assert used_up.status_code == 422 and used_up.json()["code"] == "invitation_code_used_up"
    assert [(c["code"], c["uses"]) for c in codes["items"]] == [("SPRING-2025", 2)]


async def test_expired_and_revoked_codes_are_refused_and_not_counted(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        clock = ManualClock(datetime(2025, 3, 1, tzinfo=UTC))
        membership.state.clocks.set(cid, clock)
        tier = await rest_create_tier(client, cid)
        await rest_set_gate(client, cid, tier["id"], {"kind": "invitation"})
        tomorrow = (clock.now() + timedelta(days=1)).isoformat()
        expiring = await rest_create_invitation_code(client, cid, tier["id"], expires_at=tomorrow)
        revoked = await rest_create_invitation_code(client, cid, tier["id"])
        revoke = await client.post(f"/v1/communities/{cid}/invitation-codes/{revoked['id']}/revoke")
        clock.advance(timedelta(days=2))
        expired = await post_join(client, cid, tier["id"], invitation_code=expiring["code"])
        refused = await post_join(client, cid, tier["id"], invitation_code=revoked["code"])
        past = await client.post(
            f"/v1/communities/{cid}/invitation-codes", json={"tier_id": tier["id"], "expires_at": tomorrow}
        )
        naive = await client.post(
            f"/v1/communities/{cid}/invitation-codes", json={"tier_id": tier["id"], "expires_at": "2030-01-01T00:00"}
        )
        codes = (await client.get(f"/v1/communities/{cid}/invitation-codes")).json()["items"]
        members = (await client.get(f"/v1/communities/{cid}/members")).json()["items"]

    assert revoke.status_code == 200 and revoke.json()["revoked_at"] is not None
    assert expired.status_code == 422 and expired.json()["code"] == "invitation_code_expired"
    assert expired.json()["errors"][0]["reason"] == "expired at 2025-03-02T00:00:00+00:00"
    assert refused.json()["code"] == "invitation_code_revoked"
    assert past.status_code == 422 and past.json()["errors"][0]["field"] == "expires_at"
    assert naive.status_code == 422 and naive.json()["errors"][0]["field"] == "expires_at"
    assert [c["uses"] for c in codes] == [0, 0]
    assert members == []


async def test_a_full_tier_refuses_the_join_and_leaves_no_member(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        tier = await rest_create_tier(client, cid, capacity=1)
        await rest_set_gate(client, cid, tier["id"], {"kind": "capacity"})
        await rest_join(client, cid, tier["id"])
        full = await post_join(client, cid, tier["id"])
        members = (await client.get(f"/v1/communities/{cid}/members")).json()["items"]

    assert full.status_code == 409 and full.json()["code"] == "tier_full"
    assert len(members) == 1


async def test_a_banned_member_is_refused_and_a_member_who_left_comes_back_through_the_gate(
    membership: FastAPI,
) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        lead = await rest_create_tier(client, cid)
        inner = await rest_create_tier(client, cid)
        await rest_set_gate(client, cid, inner["id"], {"kind": "invitation"})
        banned = await rest_add_member(client, cid, tier_id=lead["id"])
        leaver = await rest_add_member(client, cid, tier_id=lead["id"])
        members = f"/v1/communities/{cid}/members"
        await client.post(f"{members}/{banned['id']}/status", json={"to": "banned", "reason": "spam"})
        await client.post(f"{members}/{leaver['id']}/status", json={"to": "left"})
        refused = await post_join(client, cid, lead["id"], member_id=banned["id"])
        no_code = await post_join(client, cid, inner["id"], member_id=leaver["id"])
        code = await rest_create_invitation_code(client, cid, inner["id"])
        back = await post_join(client, cid, inner["id"], member_id=leaver["id"], invitation_code=code["code"])
        again = await post_join(client, cid, inner["id"], member_id=leaver["id"])

    assert refused.status_code == 403 and refused.json()["code"] == "member_banned"
    assert no_code.status_code == 422 and no_code.json()["code"] == "invitation_code_required"
    assert back.status_code == 201
    assert back.json()["member"]["membership"]["status"] == "active"
    assert back.json()["member"]["membership"]["tier_id"] == inner["id"]
    assert again.status_code == 409 and again.json()["code"] == "already_member"


async def test_a_member_inside_moves_to_a_free_tier_through_its_gate(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        lead = await rest_create_tier(client, cid)
        core = await rest_create_tier(client, cid)
        paid = await rest_create_tier(client, cid, price_amount=9900, currency="CNY")
        await rest_set_gate(client, cid, core["id"], {"kind": "invitation"})
        member = await rest_add_member(client, cid, tier_id=lead["id"])
        code = await rest_create_invitation_code(client, cid, core["id"])
        moved = await post_join(client, cid, core["id"], member_id=member["id"], invitation_code=code["code"])
        to_paid = await post_join(client, cid, paid["id"], member_id=member["id"])
        tiers = {t["id"]: t["seats_taken"] for t in (await client.get(f"/v1/communities/{cid}/tiers")).json()}

    assert moved.status_code == 201 and moved.json()["member"]["membership"]["tier_id"] == core["id"]
    assert to_paid.status_code == 409 and to_paid.json()["code"] == "payment_required"
    assert tiers == {lead["id"]: 0, core["id"]: 1, paid["id"]: 0}


async def test_a_join_needs_exactly_one_of_member_and_person_and_a_known_tier(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        tier = await rest_create_tier(client, cid)
        member = await rest_add_member(client, cid)
        both = await post_join(client, cid, tier["id"], member_id=member["id"], person=person())
        unknown_tier = await post_join(client, cid, "tier_nope")
        bad_name = await post_join(client, cid, tier["id"], person={"display_name": "  "})
        answers = await post_join(client, cid, tier["id"], answers={"why": "because"})

    assert both.status_code == 422 and both.json()["errors"][0]["field"] == "member_id"
    assert unknown_tier.status_code == 404 and unknown_tier.json()["code"] == "tier_not_found"
    assert bad_name.status_code == 422 and bad_name.json()["errors"][0]["field"] == "person.display_name"
    assert answers.status_code == 422 and answers.json()["errors"][0]["field"] == "answers"


async def test_another_communitys_key_cannot_join_or_list_codes(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        mine = (await rest_create_community(client))["id"]
        theirs = (await rest_create_community(client))["id"]
        tier = await rest_create_tier(client, theirs)
    outsider = Principal(role="community_admin", key_id="key_x", community_id=mine)
    async with service_client(membership, outsider) as client:
        joined = await post_join(client, theirs, tier["id"])
        codes = await client.get(f"/v1/communities/{theirs}/invitation-codes")
        gate = await client.put(f"/v1/communities/{theirs}/tiers/{tier['id']}/gate", json={"requirements": []})

    assert {joined.status_code, codes.status_code, gate.status_code} == {404}


async def test_a_new_person_bringing_a_banned_platform_account_is_refused(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        tier = await rest_create_tier(client, cid)
        banned = await client.post(
            f"/v1/communities/{cid}/bans", json={"platform": "telegram", "platform_user_id": "666", "reason": "spam"}
        )
        accounts = [
            {"platform": "telegram", "platform_user_id": "1"},
            {"platform": "telegram", "platform_user_id": "666"},
        ]
        refused = await post_join(client, cid, tier["id"], person=person(identities=accounts))
        members_after_refusal = (await client.get(f"/v1/communities/{cid}/members")).json()["items"]
        clean = await post_join(
            client, cid, tier["id"], person=person(identities=[{"platform": "telegram", "platform_user_id": "1"}])
        )
        other_platform = await post_join(
            client, cid, tier["id"], person=person(identities=[{"platform": "slack", "platform_user_id": "666"}])
        )

    assert banned.status_code == 201, banned.text
    assert refused.status_code == 403 and refused.json()["code"] == "member_banned"
    assert refused.json()["errors"][0]["field"] == "person.identities.1"
    assert members_after_refusal == [], "a refused join writes nothing"
    assert clean.status_code == 201 and other_platform.status_code == 201
