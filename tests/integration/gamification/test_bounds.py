"""Integers past their column's bound are refused as a field error, naming the field, and create nothing (before,
SQLite failed them at commit, after the answer, and PostgreSQL's 32-bit columns would have refused them there)."""

from __future__ import annotations

from kit.auth import Principal
from kit.clock import ManualClock
from tests.support.backends import Backend
from tests.support.challenges import BEFORE_START, create_challenge, enroll
from tests.support.deposits import confirm_stake, deposit
from tests.support.gamification import COMMUNITY, balance, grant
from tests.support.guildhall import running_service, service_client

MINE = Principal(role="community_admin", key_id="key_mine", community_id=COMMUNITY)
BASE = f"/v1/communities/{COMMUNITY}"


async def test_huge_integers_are_field_errors_and_create_nothing(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        reward = await client.post(f"{BASE}/rewards", json={"name": "Mug", "cost": 45450654801941093154816})
        rule = await client.post(
            f"{BASE}/rules",
            json={"name": "Posts", "event": "member.activity.message", "points": 1, "cooldown_seconds": 10**20},
        )
        points = await grant(client, "mbr_a", 10**30)
        just_fits = await client.post(f"{BASE}/rewards", json={"name": "Gold", "cost": 2**31 - 1})
        rewards = (await client.get(f"{BASE}/rewards")).json()
        rules = (await client.get(f"{BASE}/rules")).json()
        entries = (await client.get(f"{BASE}/members/mbr_a/points/entries")).json()["items"]

    for refused, field in ((reward, "cost"), (rule, "cooldown_seconds"), (points, "points")):
        assert refused.status_code == 422, refused.text
        assert [e["field"] for e in refused.json()["errors"]] == [field]
    assert just_fits.status_code == 201
    assert [r["name"] for r in rewards] == ["Gold"]
    assert rules == []
    assert entries == []


POINTS = 2**40 + 3  # past 32 bits, and odd: a float on the way would still be caught below 2**53 by the sums
STAKE = 2**45 + 11


async def test_points_costs_and_stakes_past_32_bits_are_kept_exactly(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        app.state.clocks.set(COMMUNITY, ManualClock(BEFORE_START))
        granted = [await grant(client, "mbr_a", POINTS, reason=f"r{i}") for i in range(2)]
        reward = await client.post(f"{BASE}/rewards", json={"name": "Car", "cost": POINTS + 1})
        level = await client.put(
            f"{BASE}/levels",
            json={
                "levels": [{"rank": 1, "name": "New", "threshold": 0}, {"rank": 2, "name": "Rich", "threshold": POINTS}]
            },
        )
        challenge = await create_challenge(client, stake_amount=STAKE, currency="CNY")
        await enroll(client, challenge["id"], "mbr_a")
        staked = await confirm_stake(client, challenge["id"], "mbr_a", amount=STAKE)
        totals = await balance(client, "mbr_a")
        entries = (await client.get(f"{BASE}/members/mbr_a/points/entries")).json()["items"]
        rewards = (await client.get(f"{BASE}/rewards")).json()
        held = await deposit(client, challenge["id"], "mbr_a")
        read = (await client.get(f"{BASE}/challenges/{challenge['id']}")).json()

    assert [g.status_code for g in granted] == [201, 201], granted[0].text
    assert reward.status_code == 201, reward.text
    assert level.status_code == 200, level.text
    assert staked.status_code == 201, staked.text
    assert (totals["balance"], totals["lifetime"]) == (2 * POINTS, 2 * POINTS)
    assert [e["points"] for e in entries] == [POINTS, POINTS]
    assert [r["cost"] for r in rewards] == [POINTS + 1]
    assert [lv["threshold"] for lv in level.json()["levels"]] == [0, POINTS]
    assert read["stake_amount"] == STAKE
    assert held["staked"] == STAKE and held["held"] == STAKE


async def test_past_64_bits_is_a_field_error_and_creates_nothing(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        app.state.clocks.set(COMMUNITY, ManualClock(BEFORE_START))
        points = await grant(client, "mbr_a", 2**63)
        most = await grant(client, "mbr_b", 2**63 - 1)
        one_more = await grant(client, "mbr_b", 1)
        reward = await client.post(f"{BASE}/rewards", json={"name": "Moon", "cost": 2**63})
        challenge = await client.post(
            f"{BASE}/challenges",
            json={
                "name": "Huge",
                "start_date": "2026-03-01",
                "days": 3,
                "timezone": "Asia/Shanghai",
                "stake_amount": 2**63,
                "currency": "CNY",
            },
        )
        fits = await create_challenge(client, stake_amount=2**63 - 1, currency="CNY")
        await enroll(client, fits["id"], "mbr_a")
        stake = await confirm_stake(client, fits["id"], "mbr_a", amount=2**63)
        totals = await balance(client, "mbr_b")
        entries = (await client.get(f"{BASE}/members/mbr_a/points/entries")).json()["items"]
        rewards = (await client.get(f"{BASE}/rewards")).json()
        challenges = (await client.get(f"{BASE}/challenges")).json()["items"]

    refused = (
        (points, "points"),
        (one_more, "points"),
        (reward, "cost"),
        (challenge, "stake_amount"),
        (stake, "amount"),
    )
    for response, field in refused:
        assert response.status_code == 422, response.text
        assert [e["field"] for e in response.json()["errors"]] == [field]
    assert most.status_code == 201, most.text
    assert (totals["balance"], totals["lifetime"]) == (2**63 - 1, 2**63 - 1)
    assert entries == [] and rewards == []
    assert [c["stake_amount"] for c in challenges] == [2**63 - 1]
