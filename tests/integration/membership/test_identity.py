"""Link codes: one person, several platform accounts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi import FastAPI

from kit.auth import Principal
from kit.clock import ManualClock
from tests.support.factories import rest_create_community
from tests.support.guildhall import service_client
from tests.support.membership import rest_add_member

ADMIN = Principal(role="platform_admin", key_id="key_admin")
START = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


async def test_a_code_links_another_platform_account_once(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        community = await rest_create_community(client)
        cid = community["id"]
        member = await rest_add_member(client, cid, identities=[{"platform": "telegram", "platform_user_id": "1"}])
        issued = await client.post(f"/v1/communities/{cid}/members/{member['id']}/link-codes")
        code = issued.json()["code"]
        typed = f"{code[:4].lower()}-{code[4:]}"
        redeemed = await client.post(
            f"/v1/communities/{cid}/link-codes/redeem",
            json={"code": typed, "platform": "slack", "platform_user_id": "U77", "display_name": "lei"},
        )
        twice = await client.post(
            f"/v1/communities/{cid}/link-codes/redeem",
            json={"code": code, "platform": "discord", "platform_user_id": "d1"},
        )

    assert issued.status_code == 201 and len(code) == 8
    assert redeemed.status_code == 200, redeemed.text
    assert [(i["platform"], i["platform_user_id"]) for i in redeemed.json()["identities"]] == [
        ("slack", "U77"),
        ("telegram", "1"),
    ]
    assert twice.status_code == 422 and twice.json()["code"] == "link_code_invalid"
    assert twice.json()["errors"][0] == {"field": "code", "reason": "was used already"}


async def test_an_expired_wrong_or_foreign_code_and_a_taken_account_are_refused(membership: FastAPI) -> None:
    clock = ManualClock(START)
    membership.state.clocks.default = clock
    async with service_client(membership, ADMIN) as client:
        community = await rest_create_community(client)
        other = await rest_create_community(client)
        cid = community["id"]
        member = await rest_add_member(client, cid)
        await rest_add_member(client, cid, identities=[{"platform": "slack", "platform_user_id": "taken"}])
        old = (await client.post(f"/v1/communities/{cid}/members/{member['id']}/link-codes")).json()["code"]
        clock.advance(timedelta(minutes=11))
        fresh = (await client.post(f"/v1/communities/{cid}/members/{member['id']}/link-codes")).json()["code"]
        redeem = f"/v1/communities/{cid}/link-codes/redeem"
        expired = await client.post(redeem, json={"code": old, "platform": "slack", "platform_user_id": "U1"})
        wrong = await client.post(redeem, json={"code": "ABCD", "platform": "slack", "platform_user_id": "U1"})
        foreign = await client.post(
            f"/v1/communities/{other['id']}/link-codes/redeem",
            json={"code": fresh, "platform": "slack", "platform_user_id": "U1"},
        )
        taken = await client.post(redeem, json={"code": fresh, "platform": "slack", "platform_user_id": "taken"})
        still_good = await client.post(redeem, json={"code": fresh, "platform": "slack", "platform_user_id": "U1"})

    assert expired.status_code == 422 and "expired" in expired.json()["errors"][0]["reason"]
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "code"
    assert foreign.status_code == 422
    assert taken.status_code == 409 and taken.json()["code"] == "identity_taken"
    assert still_good.status_code == 200  # the refusals used nothing up
    assert [i["platform_user_id"] for i in still_good.json()["identities"]] == ["U1"]
