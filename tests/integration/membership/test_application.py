"""Applications: answers to a tier's questions, a review queue oldest first, approve or reject."""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI
from sqlmodel import select

from kit.auth import Principal
from kit.tables import outbox
from services.membership.models import Membership
from tests.support.factories import rest_create_community
from tests.support.gate import post_join, rest_join, rest_set_gate
from tests.support.guildhall import service_client
from tests.support.membership import rest_add_member, rest_create_tier

ADMIN = Principal(role="platform_admin", key_id="key_admin")
QUESTIONS = {
    "kind": "application",
    "questions": [
        {"key": "why", "prompt": "Why do you want to join?"},
        {"key": "blog", "prompt": "Your blog?", "required": False},
    ],
}


async def events(app: FastAPI, prefix: str) -> list[dict[str, Any]]:
    async with app.state.sessionmaker() as session:
        rows = (await session.exec(select(outbox.c.envelope).order_by(outbox.c.seq))).all()
    return [e for e in map(json.loads, rows) if e["type"].startswith(prefix)]


async def make_role(app: FastAPI, member_id: str, role: str) -> None:
    async with app.state.sessionmaker() as session:
        row = (await session.exec(select(Membership).where(Membership.member_id == member_id))).one()
        row.role = role
        await session.commit()


async def test_applicants_wait_in_a_queue_oldest_first_and_a_moderator_approves(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        tier = await rest_create_tier(client, cid, key="circle")
        await rest_set_gate(client, cid, tier["id"], QUESTIONS)
        moderator = await rest_add_member(client, cid)
        await make_role(membership, moderator["id"], "moderator")
        first = await rest_join(client, cid, tier["id"], answers={"why": "to learn", "blog": "x.dev"})
        second = await rest_join(client, cid, tier["id"], answers={"why": "friends are here"})
        missing = await post_join(client, cid, tier["id"], answers={"blog": "only this"})
        queue = (await client.get(f"/v1/communities/{cid}/applications", params={"status": "pending"})).json()
        decided = await client.post(
            f"/v1/communities/{cid}/applications/{first['application']['id']}/decision",
            json={"decision": "approve", "acting_member_id": moderator["id"]},
        )
        twice = await client.post(
            f"/v1/communities/{cid}/applications/{first['application']['id']}/decision",
            json={"decision": "reject", "reason": "changed my mind"},
        )
        queue_after = (await client.get(f"/v1/communities/{cid}/applications", params={"status": "pending"})).json()

    assert first["status"] == "applied" and first["member"]["membership"]["status"] == "applied"
    assert first["application"]["answers"] == {"why": "to learn", "blog": "x.dev"}
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "answers.why"
    assert [a["id"] for a in queue["items"]] == [first["application"]["id"], second["application"]["id"]]
    assert decided.status_code == 200
    assert decided.json()["application"]["status"] == "approved"
    assert decided.json()["application"]["reviewer"] == f"member:{moderator['id']}"
    assert decided.json()["member"]["membership"]["status"] == "active"
    assert twice.status_code == 409 and twice.json()["code"] == "application_decided"
    assert [a["id"] for a in queue_after["items"]] == [second["application"]["id"]]
    submitted = await events(membership, "application.")
    assert [(e["type"], e["data"].get("decision")) for e in submitted] == [
        ("application.submitted", None),
        ("application.submitted", None),
        ("application.decided", "approved"),
    ]


async def test_a_rejection_needs_a_reason_and_ends_the_attempt(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        tier = await rest_create_tier(client, cid)
        await rest_set_gate(client, cid, tier["id"], QUESTIONS)
        applied = await rest_join(client, cid, tier["id"], answers={"why": "spam"})
        path = f"/v1/communities/{cid}/applications/{applied['application']['id']}/decision"
        no_reason = await client.post(path, json={"decision": "reject"})
        rejected = await client.post(path, json={"decision": "reject", "reason": "not a fit"})
        again = await rest_join(client, cid, tier["id"], member_id=applied["member"]["id"], answers={"why": "please"})

    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["field"] == "reason"
    assert rejected.json()["application"] == {
        **rejected.json()["application"],
        "status": "rejected",
        "reason": "not a fit",
    }
    assert rejected.json()["member"]["membership"]["status"] == "removed"
    assert again["status"] == "applied"
    decided = await events(membership, "application.decided")
    assert [e["data"]["reason"] for e in decided] == ["not a fit"]


async def test_a_member_without_the_review_permission_cannot_decide(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        tier = await rest_create_tier(client, cid)
        await rest_set_gate(client, cid, tier["id"], QUESTIONS)
        plain = await rest_add_member(client, cid)
        applied = await rest_join(client, cid, tier["id"], answers={"why": "x"})
        refused = await client.post(
            f"/v1/communities/{cid}/applications/{applied['application']['id']}/decision",
            json={"decision": "approve", "acting_member_id": plain["id"]},
        )
        still = (await client.get(f"/v1/communities/{cid}/applications/{applied['application']['id']}")).json()

    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert still["status"] == "pending"


async def test_an_approved_applicant_of_a_paid_tier_waits_for_payment(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        tier = await rest_create_tier(client, cid, price_amount=9_900, currency="CNY")
        await rest_set_gate(client, cid, tier["id"], QUESTIONS, {"kind": "payment"})
        applied = await rest_join(client, cid, tier["id"], answers={"why": "x"})
        approved = await client.post(
            f"/v1/communities/{cid}/applications/{applied['application']['id']}/decision",
            json={"decision": "approve"},
        )
        seats = (await client.get(f"/v1/communities/{cid}/tiers/{tier['id']}")).json()["seats_taken"]

    assert approved.json()["member"]["membership"]["status"] == "pending_payment"
    assert seats == 0
