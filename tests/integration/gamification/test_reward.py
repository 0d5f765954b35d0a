"""Rewards through the REST API: redeeming takes points and stock atomically and once per key; fulfilment
and cancellation (a refund); bad input and refusals change nothing; a race for the last unit has one winner."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from kit.auth import Principal
from tests.support.backends import Backend
from tests.support.gamification import COMMUNITY, OTHER_COMMUNITY, balance, grant
from tests.support.guildhall import running_service, service_client
from tests.support.rewards import create_reward, redeem

MINE = Principal(role="community_admin", key_id="key_mine", community_id=COMMUNITY)
BASE = f"/v1/communities/{COMMUNITY}"


async def test_redeeming_spends_points_and_stock_once_per_key_and_cancelling_refunds_both(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        reward = await create_reward(client, cost=30, stock=2)
        await grant(client, "mbr_a", 100)
        first = await redeem(client, reward["id"], "mbr_a", key="r-1")
        again = await redeem(client, reward["id"], "mbr_a", key="r-1")
        after_redeem = (
            (await balance(client, "mbr_a"))["balance"],
            (await client.get(f"{BASE}/rewards/{reward['id']}")).json(),
        )
        redemption_id = first.json()["redemption"]["id"]
        cancelled = await client.post(f"{BASE}/redemptions/{redemption_id}/cancel", json={"note": "changed mind"})
        cancelled_again = await client.post(f"{BASE}/redemptions/{redemption_id}/cancel", json={})
        after_cancel = (await balance(client, "mbr_a")), (await client.get(f"{BASE}/rewards/{reward['id']}")).json()
        entries = (await client.get(f"{BASE}/members/mbr_a/points/entries")).json()["items"]

    assert first.status_code == 201
    assert first.json()["balance"] == 70
    assert again.json() == first.json()
    assert after_redeem[0] == 70
    assert after_redeem[1]["stock"] == 1
    assert cancelled.status_code == 200
    assert (cancelled.json()["status"], cancelled.json()["note"]) == ("cancelled", "changed mind")
    assert cancelled.json()["refund_entry_id"] == entries[0]["id"]
    assert (cancelled_again.status_code, cancelled_again.json()["code"]) == (409, "redemption_not_requested")
    assert (after_cancel[0]["balance"], after_cancel[0]["lifetime"]) == (100, 100)
    assert after_cancel[1]["stock"] == 2
    assert [(e["kind"], e["points"]) for e in entries] == [("refund", 30), ("spend", -30), ("grant", 100)]


async def test_a_fulfilled_redemption_cannot_be_cancelled(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        reward = await create_reward(client, stock=None)
        await grant(client, "mbr_a", 30)
        redemption = (await redeem(client, reward["id"], "mbr_a")).json()["redemption"]
        fulfilled = await client.post(f"{BASE}/redemptions/{redemption['id']}/fulfil", json={"note": "posted"})
        cancel = await client.post(f"{BASE}/redemptions/{redemption['id']}/cancel", json={})
        listed = (await client.get(f"{BASE}/redemptions", params={"member_id": "mbr_a"})).json()
        totals = await balance(client, "mbr_a")

    assert fulfilled.json()["status"] == "fulfilled"
    assert cancel.status_code == 409
    assert [r["status"] for r in listed["items"]] == ["fulfilled"]
    assert totals["balance"] == 0


async def test_refusals_change_nothing(backend: Backend) -> None:
    now = datetime.now(UTC)
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        bad = await client.post(f"{BASE}/rewards", json={"name": "Free", "cost": 0, "stock": -1})
        negative = await client.post(f"{BASE}/rewards", json={"name": "Odd", "cost": -5})
        limited = await create_reward(client, name="One each", cost=10, stock=5, per_member_limit=1)
        later = await create_reward(client, name="Later", cost=10, available_from=(now + timedelta(days=1)).isoformat())
        sold_out = await create_reward(client, name="Gone", cost=10, stock=0)
        await grant(client, "mbr_a", 25)
        too_dear = await create_reward(client, name="Dear", cost=26)
        poor = await redeem(client, too_dear["id"], "mbr_a")
        early = await redeem(client, later["id"], "mbr_a")
        none_left = await redeem(client, sold_out["id"], "mbr_a")
        once = await redeem(client, limited["id"], "mbr_a")
        twice = await redeem(client, limited["id"], "mbr_a")
        totals = await balance(client, "mbr_a")
        stocks = {r["name"]: r["stock"] for r in (await client.get(f"{BASE}/rewards")).json()}
        redemptions = (await client.get(f"{BASE}/redemptions")).json()["items"]

    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["cost", "stock"]
    assert negative.status_code == 422
    assert (poor.status_code, poor.json()["code"]) == (409, "insufficient_points")
    assert (early.status_code, early.json()["code"]) == (409, "reward_unavailable")
    assert (none_left.status_code, none_left.json()["code"]) == (409, "out_of_stock")
    assert once.status_code == 201
    assert (twice.status_code, twice.json()["code"]) == (409, "redemption_limit_reached")
    assert totals["balance"] == 15  # only the one redemption
    assert stocks == {"One each": 4, "Later": 5, "Gone": 0, "Dear": 5}
    assert len(redemptions) == 1


async def test_members_racing_for_the_last_unit_leave_exactly_one_winner(backend: Backend) -> None:
    members = [f"mbr_{i}" for i in range(8)]
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        reward = await create_reward(client, cost=10, stock=1)
        for member_id in members:
            await grant(client, member_id, 10)
        results = await asyncio.gather(*(redeem(client, reward["id"], m) for m in members))
        stock = (await client.get(f"{BASE}/rewards/{reward['id']}")).json()["stock"]
        balances = [(await balance(client, m))["balance"] for m in members]

    assert sorted(r.status_code for r in results) == [201] + [409] * 7
    assert {r.json()["code"] for r in results if r.status_code == 409} == {"out_of_stock"}
    assert stock == 0
    assert sorted(balances) == [0] + [10] * 7


async def test_another_community_cannot_see_or_redeem_the_rewards(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app:
        async with service_client(app, MINE) as client:
            reward = await create_reward(client)
        other = Principal(role="community_admin", key_id="key_other", community_id=OTHER_COMMUNITY)
        async with service_client(app, other) as client:
            foreign = await redeem(client, reward["id"], "mbr_a")
            mine_from_theirs = await client.get(f"/v1/communities/{OTHER_COMMUNITY}/rewards/{reward['id']}")

    assert foreign.status_code == 404
    assert mine_from_theirs.status_code == 404
