"""The points ledger through the REST API: grants, spends, corrections, idempotency, never below zero."""

from __future__ import annotations

from kit.auth import Principal
from tests.support.backends import Backend
from tests.support.gamification import COMMUNITY, OTHER_COMMUNITY, balance, grant
from tests.support.guildhall import running_service, service_client

MINE = Principal(role="community_admin", key_id="key_mine", community_id=COMMUNITY)
POINTS = f"/v1/communities/{COMMUNITY}/points"


async def test_a_grant_credits_the_balance_and_a_retry_with_its_key_awards_nothing_twice(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        first = await grant(client, "mbr_a", 30, key="grant-1")
        again = await grant(client, "mbr_a", 30, key="grant-1")
        totals = await balance(client, "mbr_a")
        entries = (await client.get(f"/v1/communities/{COMMUNITY}/members/mbr_a/points/entries")).json()

    assert first.status_code == 201
    assert again.json() == first.json()
    assert (totals["balance"], totals["lifetime"]) == (30, 30)
    assert [(e["kind"], e["points"]) for e in entries["items"]] == [("grant", 30)]


async def test_spending_more_than_the_balance_is_refused_and_changes_nothing(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        await grant(client, "mbr_a", 10)
        refused = await client.post(f"{POINTS}/spends", json={"member_id": "mbr_a", "points": 11, "reason": "mug"})
        spent = await client.post(f"{POINTS}/spends", json={"member_id": "mbr_a", "points": 10, "reason": "mug"})
        totals = await balance(client, "mbr_a")
        entries = (await client.get(f"/v1/communities/{COMMUNITY}/members/mbr_a/points/entries")).json()

    assert refused.status_code == 409
    assert refused.json()["code"] == "insufficient_points"
    assert spent.status_code == 201
    assert (totals["balance"], totals["lifetime"]) == (0, 10)
    assert [e["points"] for e in entries["items"]] == [-10, 10]


async def test_bad_amounts_are_refused_naming_the_field(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        negative = await grant(client, "mbr_a", -5)
        totals = await balance(client, "mbr_a")

    assert negative.status_code == 422
    assert negative.json()["errors"][0]["field"] == "points"
    assert totals["balance"] == 0


async def test_a_correction_is_an_offsetting_entry(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        granted = (await grant(client, "mbr_a", 25)).json()
        corrected = await client.post(
            f"{POINTS}/corrections", json={"entry_id": granted["entry"]["id"], "reason": "granted by mistake"}
        )
        totals = await balance(client, "mbr_a")
        entries = (await client.get(f"/v1/communities/{COMMUNITY}/members/mbr_a/points/entries")).json()

    assert corrected.status_code == 201
    assert corrected.json()["entry"]["corrects_entry_id"] == granted["entry"]["id"]
    assert (totals["balance"], totals["lifetime"]) == (0, 0)
    assert [e["points"] for e in entries["items"]] == [-25, 25]


async def test_balances_answer_in_a_batch_and_another_community_sees_nothing(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app:
        async with service_client(app, MINE) as client:
            await grant(client, "mbr_a", 5)
            batch = (await client.get(f"{POINTS}/balances", params={"member_id": ["mbr_a", "mbr_b"]})).json()
        other = Principal(role="community_admin", key_id="key_other", community_id=OTHER_COMMUNITY)
        async with service_client(app, other) as client:
            foreign = await client.get(f"/v1/communities/{COMMUNITY}/members/mbr_a/points")
            foreign_grant = await grant(client, "mbr_a", 5)

    assert [(b["member_id"], b["balance"]) for b in batch["items"]] == [("mbr_a", 5), ("mbr_b", 0)]
    assert foreign.status_code == 404
    assert foreign_grant.status_code == 404
