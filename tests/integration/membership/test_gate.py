"""Setting a tier's gate: every requirement kind, refused precisely when malformed or inconsistent."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from sqlmodel import select

from kit.auth import Principal
from services.membership.models import Membership
from tests.support.factories import rest_create_community
from tests.support.gate import rest_set_gate
from tests.support.guildhall import service_client
from tests.support.membership import rest_add_member, rest_create_tier

ADMIN = Principal(role="platform_admin", key_id="key_admin")


async def test_a_gate_with_every_kind_is_stored_on_the_tier(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        trial = await rest_create_tier(client, cid, key="trial")
        tier = await rest_create_tier(client, cid, key="core", price_amount=19_900, currency="CNY", capacity=50)
        requirements: list[dict[str, Any]] = [
            {"kind": "invitation"},
            {"kind": "application", "questions": [{"key": "why", "prompt": "Why join?"}]},
            {"kind": "payment"},
            {
                "kind": "probation",
                "trial_tier_id": trial["id"],
                "promote_when": {"kind": "points", "lifetime_points": 100},
            },
            {"kind": "profile", "criteria": [{"attribute": "industry", "op": "equals", "value": "ai"}]},
            {"kind": "capacity"},
        ]
        stored = await rest_set_gate(client, cid, tier["id"], *requirements)
        read = (await client.get(f"/v1/communities/{cid}/tiers/{tier['id']}")).json()

    assert [r["kind"] for r in stored["requirements"]] == [r["kind"] for r in requirements]
    assert read["requirements"][1] == {
        "kind": "application",
        "questions": [{"key": "why", "prompt": "Why join?", "required": True}],
    }
    assert read["requirements"][3]["promote_when"] == {"kind": "points", "lifetime_points": 100}


async def test_malformed_and_inconsistent_gates_name_the_field_and_change_nothing(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        tier = await rest_create_tier(client, cid)
        paid_trial = await rest_create_tier(client, cid, price_amount=100, currency="USD")
        await rest_set_gate(client, cid, tier["id"], {"kind": "invitation"})
        path = f"/v1/communities/{cid}/tiers/{tier['id']}/gate"

        async def put(*requirements: object) -> dict[str, str]:
            response = await client.put(path, json={"requirements": list(requirements)})
            assert response.status_code == 422, response.text
            return {e["field"]: e["reason"] for e in response.json()["errors"]}

        unknown = await put({"kind": "invitation"}, {"kind": "lottery"})
        bad_op = await put({"kind": "profile", "criteria": [{"attribute": "age", "op": "at_least", "value": "x"}]})
        bad_condition = await put(
            {"kind": "probation", "trial_tier_id": paid_trial["id"], "promote_when": {"kind": "vibes"}}
        )
        free_payment = await put({"kind": "payment"})
        no_capacity = await put({"kind": "capacity"})
        twice = await put({"kind": "invitation"}, {"kind": "invitation"})
        paid_trial_tier = await put(
            {"kind": "probation", "trial_tier_id": paid_trial["id"], "promote_when": {"kind": "clean_days", "days": 7}}
        )
        missing_trial = await put(
            {"kind": "probation", "trial_tier_id": "tier_gone", "promote_when": {"kind": "challenge"}}
        )
        itself = await put({"kind": "probation", "trial_tier_id": tier["id"], "promote_when": {"kind": "challenge"}})
        duplicate_questions = await put(
            {"kind": "application", "questions": [{"key": "a", "prompt": "A"}, {"key": "a", "prompt": "B"}]}
        )
        after = (await client.get(f"/v1/communities/{cid}/tiers/{tier['id']}")).json()

    assert set(unknown) == {"requirements.1.kind"}
    assert "invitation, application, payment, probation, profile, capacity" in unknown["requirements.1.kind"]
    assert bad_op == {"requirements.0.criteria.0": "age: 'at_least' needs a number"}
    assert bad_condition == {"requirements.0.promote_when.kind": "must be one of points, challenge, clean_days"}
    assert "free" in free_payment["requirements.0.kind"]
    assert "capacity" in no_capacity["requirements.0.kind"]
    assert "at most one" in twice["requirements.1.kind"]
    assert "must be free" in paid_trial_tier["requirements.0.trial_tier_id"]
    assert "not found" in missing_trial["requirements.0.trial_tier_id"]
    assert "another tier" in itself["requirements.0.trial_tier_id"]
    assert "unique" in duplicate_questions["requirements.0.questions"]
    assert after["requirements"] == [{"kind": "invitation"}]


async def test_only_admins_set_gates(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        tier = await rest_create_tier(client, cid)
        moderator = await rest_add_member(client, cid)
        async with membership.state.sessionmaker() as session:
            row = (await session.exec(select(Membership).where(Membership.member_id == moderator["id"]))).one()
            row.role = "moderator"
            await session.commit()
        refused = await client.put(
            f"/v1/communities/{cid}/tiers/{tier['id']}/gate",
            json={"requirements": [{"kind": "invitation"}], "acting_member_id": moderator["id"]},
        )
        code = await client.post(
            f"/v1/communities/{cid}/invitation-codes",
            json={"tier_id": tier["id"], "acting_member_id": moderator["id"]},
        )
        after = (await client.get(f"/v1/communities/{cid}/tiers/{tier['id']}")).json()

    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert code.status_code == 403
    assert after["requirements"] == []
